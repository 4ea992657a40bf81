"""A CSV file read whatever its encoding, separator and quoting, as spreadsheet rows.

The encoding is UTF-8 (with or without a byte order mark), else UTF-16 when it starts with that
byte order mark (Excel's "Unicode text"), else Windows-1252, else Latin-1: the whole file is
checked first, so a stray byte near the end cannot switch encodings half-way. Anything but UTF-8
adds a warning for the librarian. The separator is one of , ; tab | (csv.Sniffer, checked against
how consistently each candidate splits the first lines).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from bot.catalog.importers.base import CatalogFileError, without_controls

SEPARATORS = ",;\t|"
_SAMPLE = 64 * 1024
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# C0 controls but tab and line breaks, DEL, and C1 controls as UTF-8 writes them.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\t\r\n"


@dataclass(slots=True)  # not frozen: one a row of a large file, and frozen costs 4x to make
class Row:
    """A row: its number as a spreadsheet shows it (from 1), its cells, or why it is unreadable."""

    number: int
    cells: list[str]
    error: str | None = None


@dataclass
class Table:
    rows: Iterator[Row]
    encoding: str
    separator: str

    @property
    def separator_name(self) -> str:
        return _NAMES.get(self.separator, repr(self.separator))


def read_table(handle: BinaryIO, name: str, warnings: list[str] | None = None) -> Table:
    """Open a CSV file; raises CatalogFileError when it is empty or not text at all."""
    encoding = _encoding(handle, name, warnings)
    sample = handle.read(_SAMPLE).decode(encoding, errors="ignore")
    handle.seek(0)
    if not sample.strip(" \r\n\t\ufeff"):
        raise CatalogFileError(f"{name} is empty")
    if "\x00" in sample:
        raise CatalogFileError(f"{name} is not a text (CSV) file")
    separator, quote = _dialect(sample)
    # Read as Latin-1, bytes 0x80-0x9f are control characters: rows are checked one by one.
    controls = encoding == "latin-1" or _has_controls(handle)
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=separator, quotechar=quote, doublequote=True)
    return Table(_rows(reader, controls), encoding, separator)


def _has_controls(handle: BinaryIO) -> bool:
    """Whether the file has control characters other than line breaks and tabs anywhere (one
    pass over its bytes, so that rows are checked one by one only in a file that has some)."""
    last = b""
    try:
        while block := handle.read(1 << 20):
            # Printable ASCII left out first (a fast pass in C): the rest is small to search.
            rest = last + block.translate(None, _PLAIN_BYTES)
            if _CONTROL_BYTES.search(rest):
                return True
            last = rest[-1:]
        return False
    finally:
        handle.seek(0)


def _rows(reader: Iterator[list[str]], controls: bool = True) -> Iterator[Row]:
    """Every row with something in it; blank rows still count, as in a spreadsheet. With
    `controls`, control characters are removed from the cells."""
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # A row the csv module cannot read (a NUL byte, an over-long field): report it, read on.
            yield Row(number, [], str(error))
            continue
        if controls and not "".join(cells).isprintable():
            cells = [without_controls(cell).strip() for cell in cells]
        else:
            cells = [cell.strip() for cell in cells]
        if any(cells):
            if number == 1:  # a byte order mark the decoder left, before the first cell
                cells[0] = cells[0].lstrip("\ufeff").strip()
            yield Row(number, cells)


def _encoding(handle: BinaryIO, name: str, warnings: list[str] | None) -> str:
    start = handle.read(4)
    handle.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding, label in (("utf-8-sig", ""), ("cp1252", "Windows-1252 (cp1252)")):
        if _decodes(handle, encoding):
            if label and warnings is not None:
                warnings.append(_not_utf8(name, label))
            return encoding
    if warnings is not None:
        warnings.append(_not_utf8(name, "Latin-1"))
    return "latin-1"


def _not_utf8(name: str, label: str) -> str:
    return (
        f"{name} is not UTF-8: read as {label}. Check that accented letters look right,"
        " or export the file again as UTF-8."
    )


def _decodes(handle: BinaryIO, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while block := handle.read(1 << 20):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        handle.seek(0)


def _dialect(sample: str) -> tuple[str, str]:
    """(separator, quote character) for this sample of the file."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and len(sample) >= _SAMPLE:
        lines = lines[:-1]  # the sample may end half-way through a line
    sample = "".join(lines[:200])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=SEPARATORS)
        separator, quote = sniffed.delimiter, sniffed.quotechar or '"'
    except csv.Error:
        separator, quote = "", '"'
    if separator not in SEPARATORS or _width(sample, separator, quote)[0] < 2:
        # The candidate that splits the rows most consistently, then into the most cells.
        separator = max(SEPARATORS, key=lambda candidate: _score(sample, candidate, quote))
    return separator, quote


def _score(sample: str, separator: str, quote: str) -> tuple[bool, float, int]:
    width, share = _width(sample, separator, quote)
    return width > 1, share, width


def _width(sample: str, separator: str, quote: str) -> tuple[int, float]:
    """(the most common number of cells a row, the share of rows with that many)."""
    try:
        rows = [
            row for row in csv.reader(io.StringIO(sample), delimiter=separator, quotechar=quote)
        ]
    except csv.Error:
        return 0, 0.0
    counts = Counter(len(row) for row in rows if row)
    if not counts:
        return 0, 0.0
    width, rows_with_it = counts.most_common(1)[0]
    return width, rows_with_it / sum(counts.values())
