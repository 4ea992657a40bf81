"""What every importer shares: the skipped-record item, the file error, and value cleaning."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.catalog.records import Record, normalize_isbn


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record left out of an import: where it was ("row 7", "record 12") and why."""

    number: str
    reason: str


@dataclass(frozen=True, slots=True)
class Note:
    """Something the librarian should know about a record that was imported all the same: a
    library's warning, characters that did not decode. Listed in the import's summary."""

    number: str
    text: str


Item = Record | Skipped | Note


class CatalogFileError(Exception):
    """A catalog file that cannot be read at all, explained in one line."""


FORMATS = ("slims-csv", "csv", "marc", "marcxml")  # what `pustaka catalog import` reads
METADATA_PREFIXES = ("oai_dc", "marcxml")  # what `pustaka catalog harvest` asks for

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_PAGES = re.compile(r"(\d+)(?!\s*cm)(?!\d)")
# Text that is nothing but an ISBN: digits, hyphens, spaces and a final X, maybe after "ISBN".
_ISBN_SHAPE = re.compile(r"(?:ISBN(?:-1[03])?[:\s]*)?([0-9][0-9\s-]{8,15}[0-9Xx])", re.IGNORECASE)
_ISBN_SEPARATORS = re.compile(r"[,;/|]|\s{2,}")


def first_year(text: str | None) -> int | None:
    """The first four-digit number that can be a year of publication: "c2005." → 2005."""
    if text and len(text) == 4 and text.isdigit():
        year = int(text)
        return year if 1400 <= year <= 2100 else None
    for match in _YEAR.finditer(text or ""):
        year = int(match[1])
        if 1400 <= year <= 2100:
            return year
    return None


def page_count(text: str | None) -> int | None:
    """The first whole number that is not a size: "xii, 535 hlm. ; 21 cm" → 535."""
    match = _PAGES.search(text or "")
    return int(match[1]) if match and int(match[1]) > 0 else None


def find_isbns(texts: Iterable[str | None]) -> tuple[str, ...]:
    """Every valid ISBN in these texts, normalised to 13 digits, in order, without repeats.

    Only pieces that look like an ISBN count, so that the digits of a URL or an ISSN next to it
    never pass for one by chance.
    """
    found: list[str] = []
    for text in texts:
        for piece in _ISBN_SEPARATORS.split((text or "").split("(")[0]):
            match = _ISBN_SHAPE.fullmatch(piece.strip())
            isbn = normalize_isbn(match[1]) if match else None
            if isbn and isbn not in found:
                found.append(isbn)
    return tuple(found)


# Control characters other than whitespace (which `clean` collapses): an ESC of MARC-8's
# character set switches, a stray form feed, C1 codes from a mis-decoded file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(text: str | None, strip: str = "") -> str:
    """Whitespace collapsed, control characters removed, and the given trailing punctuation
    removed."""
    text = " ".join((text or "").split())
    if not text.isprintable():
        text = " ".join(_CONTROL.sub("", text).split())
    return text.rstrip(strip + " ").strip() if strip else text


def without_controls(text: str) -> str:
    """Control characters other than whitespace removed."""
    return _CONTROL.sub("", text)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty values in order, each once (compared without case)."""
    if isinstance(values, list) and len(values) < 2:
        return (values[0],) if values and values[0] else ()
    seen: set[str] = set()
    kept = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept)


def match_key(text: str) -> str:
    """Text reduced for matching: lower case, no accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def stable_id(title: str, authors: tuple[str, ...], year: int | None) -> str:
    """An id for a file without one: the title, first author and year reduced for matching.

    The same book exported again gets the same id (case, accents and punctuation do not count),
    so a re-import updates it instead of adding it twice. Two records with the same title,
    first author and year share an id: the second is reported as skipped.
    """
    author = match_key(authors[0]) if authors else ""
    return f"{match_key(title)}|{author}|{year or ''}"


def edited(old_id: str, new_id: str) -> bool:
    """Whether a record with `new_id` can be the book once known as `old_id` after a librarian's
    correction (`stable_id`s): at most one of the title, the first author and the year differs.
    A copy's barcode that moved to a wholly different book is not an edit of it."""
    old, new = old_id.split("|"), new_id.split("|")
    if len(old) != 3 or len(new) != 3:
        return False
    return sum(a != b for a, b in zip(old, new, strict=True)) <= 1
