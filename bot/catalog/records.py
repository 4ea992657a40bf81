"""A catalog record as every importer produces it and the catalog store keeps it."""

from __future__ import annotations

import hashlib
import marshal
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

# A record as the catalog store writes it, built once (in an import's reading process):
#   (source, source_id, values, copies, isbns)
# values: title, authors, subjects, description, language, year, isbns, publisher, cover, pages,
#   fingerprint, copies, available: the columns of `books` in that order (lists as JSON text);
# copies: (barcode, call_number, location, status, due) each; isbns: the 13-digit ISBNs.
# What is unknown is "" rather than None, which the store's SQL turns into NULL (NULLIF(?, '')):
# Python's sqlite3 looks for an adapter for every None it binds, a tenth of a large import's time.
StoredRow = tuple[str, str, tuple[Any, ...], list[tuple[Any, ...]], tuple[str, ...]]


class CopyStatus(StrEnum):
    AVAILABLE = "available"
    ON_LOAN = "on_loan"
    NOT_FOR_LOAN = "not_for_loan"  # reference copies: read in the library only
    MISSING = "missing"  # lost, withdrawn or in repair


# Copy and Record are read-only by convention, not frozen: a frozen dataclass's __init__ sets each
# field through object.__setattr__, four times the cost, and an import makes millions of them
# (2 µs a CSV row, an eighth of its reading; bench/catalog_import.py). Change them with replace().


@dataclass(slots=True)
class Copy:
    """One physical copy (a holding / item)."""

    barcode: str | None = None
    call_number: str | None = None
    location: str | None = None
    status: CopyStatus = CopyStatus.AVAILABLE
    due: date | None = None  # while on loan, when it is due back


@dataclass(slots=True)
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
        """Changes when anything a reader could see changes, so unchanged re-imports are skipped."""
        return stored_row(self)[2][10]


def json_list(values: tuple[str, ...]) -> str:
    """The JSON array the catalog stores, as json.dumps(values, ensure_ascii=False) writes it
    (its C string encoder, without the Python-level encoder's cost for every call)."""
    return "[" + ", ".join(map(encode_basestring, values)) + "]" if values else "[]"


def stored_row(record: Record) -> StoredRow:
    """The record as the store writes it; see `StoredRow`.

    The fingerprint hashes exactly the text written, so it changes when anything a reader could
    see changes (and an unchanged re-import is skipped without touching the row).
    """
    copies = [
        (
            c.barcode or "",
            c.call_number or "",
            c.location or "",
            c.status.value,
            c.due.isoformat() if c.due else "",
        )
        for c in record.copies
    ]
    available = sum(1 for c in copies if c[3] == "available")
    values = (
        record.title,
        json_list(record.authors),
        json_list(record.subjects),
        record.description,
        record.language or "",
        record.year or "",
        json_list(record.isbns),
        record.publisher or "",
        record.cover or "",
        record.pages or "",
    )
    # marshal's version 2 writes equal strings, tuples and numbers as equal bytes whether or not
    # a string is interned (later versions mark interned ones), at half the cost of repr().
    fingerprint = hashlib.blake2b(marshal.dumps((values, copies), 2), digest_size=16).hexdigest()
    return (
        record.source,
        record.source_id,
        (*values, fingerprint, len(copies), available),
        copies,
        record.isbns,
    )


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
