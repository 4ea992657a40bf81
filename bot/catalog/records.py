"""A catalog record as every importer produces it and the catalog store keeps it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class CopyStatus(StrEnum):
    AVAILABLE = "available"
    ON_LOAN = "on_loan"
    NOT_FOR_LOAN = "not_for_loan"  # reference copies: read in the library only
    MISSING = "missing"  # lost, withdrawn or in repair


@dataclass(frozen=True, slots=True)
class Copy:
    """One physical copy (a holding / item)."""

    barcode: str | None = None
    call_number: str | None = None
    location: str | None = None
    status: CopyStatus = CopyStatus.AVAILABLE
    due: date | None = None  # while on loan, when it is due back


@dataclass(frozen=True, slots=True)
class Record:
    """One title. `source` names where it came from ("sample", "slims", "koha", an OAI base URL);
    `source_id` is its id there. Together they identify the record across re-imports."""

    source: str
    source_id: str
    title: str
    authors: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    description: str = ""
    language: str | None = None  # ISO 639-1 where known: "id", "en", "jv", …
    year: int | None = None
    isbns: tuple[str, ...] = ()  # normalised with normalize_isbn
    publisher: str | None = None
    cover: str | None = None  # "olid:OL123M", "ol:<cover id>" or an http(s) URL
    pages: int | None = None
    copies: tuple[Copy, ...] = field(default=())

    def fingerprint(self) -> str:
        """Changes when anything a reader could see changes, so unchanged re-imports are skipped.

        Built by hand rather than with dataclasses.asdict, which deep-copies and was most of the
        cost of a large import.
        """
        copies = tuple(
            (c.barcode, c.call_number, c.location, c.status.value, c.due) for c in self.copies
        )
        data = (
            self.title,
            self.authors,
            self.subjects,
            self.description,
            self.language,
            self.year,
            self.isbns,
            self.publisher,
            self.cover,
            self.pages,
            copies,
        )
        return hashlib.blake2b(repr(data).encode(), digest_size=16).hexdigest()


_ISBN_CHARS = re.compile(r"[^0-9Xx]")


def normalize_isbn(text: str) -> str | None:
    """ISBN-10 or ISBN-13 with or without hyphens/spaces → 13 digits, or None if not valid.

    >>> normalize_isbn("979-3062-79-7")
    '9789793062792'
    """
    raw = _ISBN_CHARS.sub("", text.split("(")[0]).upper()
    if len(raw) == 10 and _isbn10_ok(raw):
        body = "978" + raw[:9]
        return body + _isbn13_check(body)
    if len(raw) == 13 and raw.isdigit() and _isbn13_check(raw[:12]) == raw[12]:
        return raw
    return None


def _isbn10_ok(raw: str) -> bool:
    if not raw[:9].isdigit() or not (raw[9].isdigit() or raw[9] == "X"):
        return False
    total = sum((10 - i) * int(c) for i, c in enumerate(raw[:9]))
    total += 10 if raw[9] == "X" else int(raw[9])
    return total % 11 == 0


def _isbn13_check(body: str) -> str:
    total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(body))
    return str((10 - total % 10) % 10)
