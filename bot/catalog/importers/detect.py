"""Which catalog format a file is, from its first bytes rather than its name."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.catalog.importers.base import CatalogFileError
from bot.catalog.importers.marc import LEADER
from bot.catalog.importers.slims_csv import COLUMNS, is_slims_header, multi
from bot.catalog.importers.table import read_table

_XML_RECORD = re.compile(rb"<(?:\w+:)?(?:record|collection)[\s>]")


def detect_format(path: Path) -> str:
    """ "slims-csv", "csv", "marc" or "marcxml"; raises CatalogFileError when it cannot tell.

    MARC21 starts with a 24-byte leader (a five-digit length … "4500"); MARCXML is XML with a
    <collection> or <record>; a CSV file whose header names SLiMS's columns, or without a header
    but with SLiMS's 18 columns and `<A><B>` values, is a SLiMS export; other CSV is "csv".
    """
    try:
        with path.open("rb") as handle:
            start = handle.read(64 * 1024)
    except OSError as error:
        raise CatalogFileError(f"cannot read {path}: {error.strerror}") from None
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise CatalogFileError(f"{path.name} is empty")
    if LEADER.match(text):
        return "marc"
    if text.startswith(b"<"):
        if _XML_RECORD.search(start):
            return "marcxml"
        raise CatalogFileError(f"{path.name} is XML but not MARCXML (no <collection> or <record>)")
    if b"\x00" in start and not start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CatalogFileError(f"cannot tell what kind of file {path.name} is; give --format")
    return "slims-csv" if _looks_like_slims(start, path.name) else "csv"


def _looks_like_slims(start: bytes, name: str) -> bool:
    """A SLiMS header; or, in most rows of the sample (the first 64 KiB, its last line maybe
    cut short and left out), SLiMS's 18 columns, and in any row of them authors, topics or
    item codes written <A><B> (a library's first rows may have none: journals, new arrivals)."""
    table = read_table(io.BytesIO(start), name)
    rows = [row.cells for row in table.rows if not row.error]
    if not rows:
        return False
    if is_slims_header(rows[0]):
        return True
    if len(rows) > 1 and len(start) >= 64 * 1024:
        rows.pop()
    rows_read = rows
    widths = (len(COLUMNS), len(COLUMNS) + 1)
    rows = [cells for cells in rows if len(cells) in widths]
    if len(rows) * 5 < len(rows_read) * 4:
        return False
    positions = [COLUMNS.index(column) for column in ("authors", "topics", "item_code")]
    for cells in rows:
        values = [cells[i] for i in positions if cells[i]]
        if values and all(v.startswith("<") and v.endswith(">") and multi(v) for v in values):
            return True
    return False
