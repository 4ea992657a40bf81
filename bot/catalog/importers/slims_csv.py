"""The bibliographic CSV export of SLiMS (Senayan Library Management System).

SLiMS writes these columns, in this order, with a header row only when the librarian ticks "Put
columns names in the first row" (the header then ends with an extra separator):

    title, gmd_name, edition, isbn_issn, publisher_name, publish_year, collation, series_title,
    call_number, language_name, place_name, classification, notes, image, sor, authors, topics,
    item_code

Authors, topics and item codes hold several values written `<A><B>`. The separator and the
quote character are the librarian's choice; both are sniffed. Every item code becomes a copy
(on the shelf: the export says nothing about loans) with the title's call number.

The export has no biblio id, so a record's id is made from its title, first author and year
(see `stable_id`): exporting and importing again matches the same books, and a corrected typo in
a title makes it a new book (the old one stays until removed).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

from bot.catalog.importers.base import (
    CatalogFileError,
    Item,
    Skipped,
    clean,
    find_isbns,
    first_year,
    page_count,
    stable_id,
    unique,
)
from bot.catalog.importers.languages import language_code
from bot.catalog.importers.names import person_name
from bot.catalog.importers.table import Row, read_table
from bot.catalog.records import Copy, Record

COLUMNS = (
    "title",
    "gmd_name",
    "edition",
    "isbn_issn",
    "publisher_name",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "language_name",
    "place_name",
    "classification",
    "notes",
    "image",
    "sor",
    "authors",
    "topics",
    "item_code",
)


def is_slims_header(cells: list[str]) -> bool:
    """Whether a first row names SLiMS's columns (at least the title and three others)."""
    names = {cell.strip().casefold() for cell in cells}
    return "title" in names and len(names & set(COLUMNS)) >= 4


def multi(text: str) -> list[str]:
    """ "<A><B>" → ["A", "B"]; a value without the brackets is one value."""
    text = text.strip()
    bracketed = text.startswith("<") and text.endswith(">")
    values = text[1:-1].split("><") if bracketed else [text]
    return [value for value in (clean(v) for v in values) if value]


def read_slims_csv(
    handle: BinaryIO, *, name: str, source: str = "slims", warnings: list[str] | None = None
) -> Iterator[Item]:
    """The records of a SLiMS export; raises CatalogFileError now if it is not one."""
    table = read_table(handle, name, warnings)
    first = next(table.rows, None)
    if first is None:
        raise CatalogFileError(f"{name} has no rows")
    if is_slims_header(first.cells):
        names = [cell.casefold() for cell in first.cells]
        while names and not names[-1]:
            names.pop()  # SLiMS ends its header with a separator
        positions = {name: index for index, name in enumerate(names) if name in COLUMNS}
        width = len(names)
        pending: list[Row] = []
    else:
        if len(first.cells) not in (len(COLUMNS), len(COLUMNS) + 1):
            raise CatalogFileError(
                f"{name} is not a SLiMS export: its first row has {len(first.cells)} columns"
                f" ({table.separator_name}-separated), a SLiMS export has {len(COLUMNS)}"
                " (title … item_code); try --format csv"
            )
        positions = {column: index for index, column in enumerate(COLUMNS)}
        width = len(COLUMNS)
        pending = [first]
    return _records(pending, table.rows, positions, width, source)


def _records(
    pending: list[Row], rows: Iterator[Row], positions: dict[str, int], width: int, source: str
) -> Iterator[Item]:
    for row in chain(pending, rows):
        yield _record(row, positions, width, source)


def _record(row: Row, positions: dict[str, int], width: int, source: str) -> Item:
    number = f"row {row.number}"
    if row.error:
        return Skipped(number, f"unreadable CSV: {row.error}")
    cells = row.cells
    if len(cells) == width + 1 and not cells[-1]:
        cells = cells[:-1]  # a trailing separator
    if len(cells) != width:
        return Skipped(
            number,
            f"{len(cells)} columns where {width} were expected"
            " (a separator or quote inside a value?)",
        )

    def cell(column: str) -> str:
        index = positions.get(column)
        return cells[index] if index is not None else ""

    title = clean(cell("title"))
    if not title:
        return Skipped(number, "no title")
    authors = unique(person_name(author) for author in multi(cell("authors")))
    year = first_year(cell("publish_year"))
    call_number = clean(cell("call_number")) or None
    image = cell("image")
    return Record(
        source=source,
        source_id=stable_id(title, authors, year),
        title=title,
        authors=authors,
        subjects=unique(multi(cell("topics"))),
        description=clean(cell("notes")),
        language=language_code(cell("language_name")),
        year=year,
        isbns=find_isbns(multi(cell("isbn_issn"))),
        publisher=clean(cell("publisher_name")) or None,
        cover=image if image.startswith(("http://", "https://")) else None,
        pages=page_count(cell("collation")),
        copies=tuple(
            Copy(barcode=code, call_number=call_number) for code in unique(multi(cell("item_code")))
        ),
    )
