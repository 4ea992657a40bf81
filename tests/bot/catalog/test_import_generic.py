from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.importers.base import CatalogFileError, Item, Skipped
from bot.catalog.importers.load import read_items
from bot.catalog.records import CopyStatus, Record

FIXTURES = Path(__file__).parents[2] / "fixtures" / "catalog"
GENERIC = FIXTURES / "generic_catalog.csv"


def read(path: Path, warnings: list[str] | None = None) -> list[Item]:
    with path.open("rb") as handle:
        return list(read_items(handle, "csv", name=path.name, warnings=warnings))


def records(items: list[Item]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


def test_spreadsheet_with_indonesian_headers() -> None:
    """Judul, Pengarang, Subjek, Tahun, Bahasa, Eksemplar, Dipinjam are understood."""
    warnings: list[str] = []
    ronggeng, cantik, old_man, no_copies = records(read(GENERIC, warnings))
    assert ronggeng.source == "csv:generic_catalog"
    assert (ronggeng.source_id, ronggeng.title) == ("P-001", "Ronggeng Dukuh Paruk")
    assert ronggeng.authors == ("Ahmad Tohari",)
    assert ronggeng.subjects == ("Sastra Indonesia", "Jawa")
    assert (ronggeng.year, ronggeng.language, ronggeng.publisher) == (1982, "id", "Gramedia")
    assert ronggeng.isbns == ("9789792296402",)
    assert ronggeng.description == "Srintil menjadi ronggeng di Dukuh Paruk."
    statuses = [copy.status for copy in ronggeng.copies]
    assert statuses == [CopyStatus.ON_LOAN, CopyStatus.AVAILABLE, CopyStatus.AVAILABLE]
    assert {copy.call_number for copy in ronggeng.copies} == {"899.221 TOH r"}
    assert len(cantik.copies) == 1  # no count but a call number: one copy
    assert old_man.language == "en"
    assert no_copies.copies == ()
    assert warnings == ["generic_catalog.csv: columns ignored: Rak"]


def test_rows_with_a_bad_count_or_no_id_are_skipped() -> None:
    """ "dua" copies and a row without an id are reported with their row numbers."""
    skipped = [item for item in read(GENERIC) if isinstance(item, Skipped)]
    assert skipped == [
        Skipped("row 6", "copies 'dua' is not a whole number"),
        Skipped("row 7", "no id"),
    ]


def test_more_on_loan_than_copies_is_skipped(tmp_path: Path) -> None:
    """Three on loan out of two copies is a mistake to fix, not a book to show."""
    path = tmp_path / "loans.csv"
    path.write_text("id;title;copies;on_loan\n1;Gadis pantai;2;3\n", encoding="utf-8")
    assert read(path) == [Skipped("row 2", "3 copies on loan but only 2 copies")]


def test_without_an_id_column_books_are_known_by_title_author_and_year(tmp_path: Path) -> None:
    """No id column: records still get a stable id, and the librarian is told."""
    path = tmp_path / "noid.csv"
    path.write_text("title|authors|year\nGadis Pantai|Toer, Pramoedya|1962\n", encoding="utf-8")
    warnings: list[str] = []
    [book] = records(read(path, warnings))
    assert book.source_id == "gadis pantai|pramoedya toer|1962"
    assert "no id column" in warnings[0]


def test_without_a_title_column_is_one_clear_error(tmp_path: Path) -> None:
    """A sheet whose header names no title column: the columns found are listed."""
    path = tmp_path / "sheet.csv"
    path.write_text("nama,harga\nBuku,10000\n", encoding="utf-8")
    with pytest.raises(CatalogFileError, match="no title column.*nama, harga"):
        read(path)
