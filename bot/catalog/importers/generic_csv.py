"""A catalog kept in a spreadsheet and saved as CSV (`--format csv`).

CSV columns (--format csv), named in a header row, in any order, any case; Indonesian names too:
  id            the book's number in your catalog; without it a book is known by its
                title, first author and year (and, with barcodes, a corrected title or year
                is the same book: found by its copies' barcodes)
  title         judul; required
  authors       pengarang, penulis; several separated by ";" ("Toer, Pramoedya" is turned
                round to "Pramoedya Toer")
  subjects      subjek, topik; several separated by ";"
  isbn          several separated by ";"
  year          tahun
  language      bahasa: "id", "Indonesia", "Bahasa Inggris", "English", …
  publisher     penerbit
  description   deskripsi, keterangan
  call_number   nomor_panggil, no_panggil
  copies        eksemplar: how many copies (1 when empty and there is a call number)
  on_loan       dipinjam: how many of them are on loan now
  barcodes      barcode, item_code, kode_eksemplar: the copies' barcodes, several separated
                by ";" (one copy each; then copies is not needed)
Other columns are ignored. Separator , ; tab or |; UTF-8 (else read as Windows-1252).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import itemgetter
from typing import BinaryIO

from bot.catalog.importers.base import (
    CatalogFileError,
    Item,
    Skipped,
    clean,
    find_isbns,
    first_year,
    stable_id,
    unique,
)
from bot.catalog.importers.languages import language_code
from bot.catalog.importers.names import person_name
from bot.catalog.importers.table import Row, read_table
from bot.catalog.records import Copy, CopyStatus, Record

# The module docstring after its first paragraph: the help of `pustaka catalog import`.
COLUMNS_HELP = (__doc__ or "").partition("\n\n")[2].strip()

_SYNONYMS = {
    "id": ("id",),
    "title": ("title", "judul"),
    "authors": ("authors", "author", "pengarang", "penulis"),
    "subjects": ("subjects", "subject", "subjek", "topik"),
    "isbn": ("isbn",),
    "year": ("year", "tahun"),
    "language": ("language", "bahasa"),
    "publisher": ("publisher", "penerbit"),
    "description": ("description", "deskripsi", "keterangan"),
    "call_number": ("call_number", "nomor_panggil", "no_panggil"),
    "copies": ("copies", "eksemplar"),
    "on_loan": ("on_loan", "dipinjam"),
    "barcodes": ("barcodes", "barcode", "item_code", "kode_eksemplar", "barkode"),
}
MAX_COPIES = 999
_WHOLE = re.compile(r"(\d+)(?:[.,]0+)?")  # "2", or "2.0" from a spreadsheet
_COLUMN = {name: column for column, names in _SYNONYMS.items() for name in names}


def header_key(text: str) -> str:
    """ "Call Number", "call-number", "No. Panggil" → "call_number", "no_panggil"."""
    return "_".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def read_generic_csv(
    handle: BinaryIO, *, name: str, source: str, warnings: list[str] | None = None
) -> Iterator[Item]:
    """The records of a spreadsheet catalog; raises CatalogFileError now if it has no title
    column."""
    table = read_table(handle, name, warnings)
    header = next(table.rows, None)
    if header is None or header.error:
        raise CatalogFileError(f"{name} has no header row")
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header.cells):
        column = _COLUMN.get(header_key(cell))
        if column and column not in positions:
            positions[column] = index
        elif cell:
            ignored.append(cell)
    if "title" not in positions:
        found = ", ".join(cell for cell in header.cells if cell) or "none"
        raise CatalogFileError(
            f"{name} has no title column (title or judul) in its first row; columns found: {found}"
        )
    if warnings is not None:
        if ignored:
            warnings.append(f"{name}: columns ignored: {', '.join(ignored)}")
        if "id" not in positions:
            by = " and their copies' barcodes" if "barcodes" in positions else ""
            warnings.append(
                f"{name} has no id column: books are matched by title, first author and year{by}"
            )
    # The cells of a row in _ORDER, an absent column (or a short row) read as "".
    width = len(header.cells)
    cells = itemgetter(*(positions.get(column, width) for column in _ORDER))
    padding = [""] * (width + 1)
    has_id = "id" in positions
    return (_record(row, cells, padding, has_id, source) for row in table.rows)


_ORDER = (
    "id",
    "title",
    "authors",
    "subjects",
    "isbn",
    "year",
    "language",
    "publisher",
    "description",
    "call_number",
    "copies",
    "on_loan",
    "barcodes",
)


def _split(text: str) -> list[str]:
    if ";" not in text:
        value = " ".join(text.split())
        return [value] if value else []
    return [value for value in (clean(part) for part in text.split(";")) if value]


def _record(
    row: Row,
    cells: itemgetter[tuple[str, ...]],
    padding: list[str],
    has_id: bool,
    source: str,
) -> Item:
    if row.error:
        return Skipped(f"row {row.number}", f"unreadable CSV: {row.error}")
    (
        source_id,
        title,
        authors_text,
        subjects,
        isbns,
        year_text,
        language,
        publisher,
        description,
        call_number_text,
        copies_text,
        on_loan_text,
        barcodes_text,
    ) = cells(row.cells + padding)
    title = " ".join(title.split())
    if not title:
        return Skipped(f"row {row.number}", "no title")
    authors = unique([person_name(author) for author in _split(authors_text)])
    year = first_year(year_text)
    source_id = " ".join(source_id.split())
    if has_id and not source_id:
        return Skipped(f"row {row.number}", "no id")
    call_number = " ".join(call_number_text.split()) or None
    barcodes = unique(_split(barcodes_text))
    copies = _count(copies_text, default=len(barcodes) or (1 if call_number else 0))
    on_loan = _count(on_loan_text, default=0)
    if copies is None:
        return Skipped(f"row {row.number}", f"copies {copies_text!r} is not a whole number")
    if on_loan is None:
        return Skipped(f"row {row.number}", f"on_loan {on_loan_text!r} is not a whole number")
    if copies > MAX_COPIES:
        return Skipped(f"row {row.number}", f"{copies} copies: more than {MAX_COPIES}, a mistake?")
    if barcodes and copies != len(barcodes):
        return Skipped(
            f"row {row.number}", f"{copies} copies but {len(barcodes)} barcodes: which is right?"
        )
    if on_loan > copies:
        return Skipped(f"row {row.number}", f"{on_loan} copies on loan but only {copies} copies")
    return Record(
        source=source,
        source_id=source_id or stable_id(title, authors, year),
        title=title,
        authors=authors,
        subjects=unique(_split(subjects)),
        description=" ".join(description.split()),
        language=language_code(language),
        year=year,
        isbns=find_isbns(_split(isbns)) if isbns else (),
        publisher=" ".join(publisher.split()) or None,
        copies=_copies(call_number, copies, on_loan, barcodes),
    )


def _copies(
    call_number: str | None, count: int, on_loan: int, barcodes: tuple[str, ...]
) -> tuple[Copy, ...]:
    """The first `on_loan` copies on loan, the others on the shelf."""
    codes: tuple[str | None, ...] = barcodes or (None,) * count
    return tuple(
        Copy(
            barcode=code,
            call_number=call_number,
            status=CopyStatus.ON_LOAN if index < on_loan else CopyStatus.AVAILABLE,
        )
        for index, code in enumerate(codes)
    )


def _count(text: str, *, default: int) -> int | None:
    """A whole number of copies; the default when empty; None when it is not a number."""
    if text.isdigit():
        return int(text)
    text = text.strip()
    if not text:
        return default
    match = _WHOLE.fullmatch(text)
    return int(match[1]) if match else None
