from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.catalog.importers.base import CatalogFileError, Item, Skipped
from bot.catalog.importers.load import read_items
from bot.catalog.records import Copy, Record

FIXTURES = Path(__file__).parents[2] / "fixtures" / "catalog"
SLIMS = FIXTURES / "slims_export.csv"
TITLES = ["Bumi manusia", "Laskar pelangi", "Les Misérables", "This earth of mankind"]


def read(path: Path, warnings: list[str] | None = None) -> list[Item]:
    with path.open("rb") as handle:
        return list(read_items(handle, "slims-csv", name=path.name, warnings=warnings))


def records(items: list[Item]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


def rewrite(path: Path, *, separator: str, header: bool, encoding: str = "utf-8") -> Path:
    """The fixture's rows written again as SLiMS would with other export settings."""
    rows = list(csv.reader(io.StringIO(SLIMS.read_text(encoding="utf-8")), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter=separator, quoting=csv.QUOTE_ALL).writerows(
        rows if header else rows[1:]
    )
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_slims_export_gives_readable_books() -> None:
    """Authors turned round, <A><B> topics split, one copy per item code with the call number."""
    bumi, laskar, miserables, earth = records(read(SLIMS))
    assert bumi.title == "Bumi manusia"
    assert bumi.authors == ("Pramoedya Ananta Toer",)
    assert bumi.subjects == ("Sastra Indonesia", "Fiksi sejarah")
    assert bumi.copies == (Copy("B0001", "899.221 TOE b"), Copy("B0002", "899.221 TOE b"))
    assert (bumi.year, bumi.publisher, bumi.pages, bumi.language) == (
        1980,
        "Hasta Mitra",
        535,
        "id",
    )
    assert bumi.isbns == ("9789799731234",)
    assert bumi.description == "Roman pertama Tetralogi Buru."
    assert bumi.source == "slims"
    assert laskar.language == "id"  # "Bahasa Indonesia"
    assert miserables.language == "fr"
    assert earth.authors == ("Pramoedya Ananta Toer", "Max Lane")
    assert earth.language == "en"


def test_broken_rows_are_skipped_with_their_row_number() -> None:
    """A row with a stray separator and a row without a title are reported; the rest come in."""
    items = read(SLIMS)
    assert [r.title for r in records(items)] == TITLES
    skipped = [item for item in items if isinstance(item, Skipped)]
    assert [s.number for s in skipped] == ["row 6", "row 7"]
    assert "columns" in skipped[0].reason
    assert skipped[1].reason == "no title"


def test_windows_1252_export_keeps_accents_and_warns(tmp_path: Path) -> None:
    """An export saved in Windows-1252 reads "Les Misérables" right, with a warning to check."""
    path = tmp_path / "ansi.csv"
    path.write_bytes(SLIMS.read_text(encoding="utf-8").encode("cp1252"))
    warnings: list[str] = []
    books = records(read(path, warnings))
    assert [b.title for b in books] == TITLES
    assert books[2].description == "Édition originale — lima jilid."
    assert len(warnings) == 1
    assert "Windows-1252" in warnings[0]


def test_utf8_export_has_no_warning() -> None:
    """A UTF-8 export imports without a warning."""
    warnings: list[str] = []
    read(SLIMS, warnings)
    assert warnings == []


@pytest.mark.parametrize("separator", [",", "\t", "|", ";"])
@pytest.mark.parametrize("header", [True, False])
def test_any_separator_with_or_without_header(tmp_path: Path, separator: str, header: bool) -> None:
    """Whatever separator the librarian chose, and with or without column names, same books."""
    path = rewrite(tmp_path / "export.csv", separator=separator, header=header)
    assert records(read(path)) == records(read(SLIMS))


def test_a_book_exported_again_keeps_its_identity(tmp_path: Path) -> None:
    """Capitals, accents or spacing changed in a new export: still the same book."""
    path = tmp_path / "again.csv"
    text = SLIMS.read_text(encoding="utf-8").replace("Les Misérables", "LES  MISERABLES")
    path.write_text(text, encoding="utf-8")
    assert [r.source_id for r in records(read(path))] == [r.source_id for r in records(read(SLIMS))]


def test_a_file_that_is_not_a_slims_export_is_one_clear_error(tmp_path: Path) -> None:
    """Three columns and no SLiMS header: one line suggesting --format csv."""
    path = tmp_path / "other.csv"
    path.write_text("Bumi manusia,Pramoedya,1980\nLaskar pelangi,Andrea,2005\n", encoding="utf-8")
    with pytest.raises(CatalogFileError, match="not a SLiMS export.*--format csv"):
        read(path)


def test_control_characters_are_removed_from_the_text(tmp_path: Path) -> None:
    """An ESC and a C1 control pasted into SLiMS never reach the catalog."""
    text = SLIMS.read_text(encoding="utf-8")
    text = text.replace('"Laskar pelangi"', '"Laskar\x1b pelangi\x85"').replace(
        "<Hirata, Andrea>", "<Hirata,\x1b Andrea>"
    )
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    laskar = records(read(path))[1]
    assert (laskar.title, laskar.authors) == ("Laskar pelangi", ("Andrea Hirata",))
