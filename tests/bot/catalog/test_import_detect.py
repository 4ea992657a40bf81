from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.importers.base import CatalogFileError
from bot.catalog.importers.detect import detect_format
from tests.bot.catalog.test_import_marc import KOHA, write_marc, write_marcxml

FIXTURES = Path(__file__).parents[2] / "fixtures" / "catalog"


def test_slims_export_with_header_is_told_apart_from_other_csv() -> None:
    """SLiMS's column names make a SLiMS export; a spreadsheet with other names is plain CSV."""
    assert detect_format(FIXTURES / "slims_export.csv") == "slims-csv"
    assert detect_format(FIXTURES / "generic_catalog.csv") == "csv"


def test_slims_export_without_header_is_recognised(tmp_path: Path) -> None:
    """No column names, but 18 columns with <A><B> values: still a SLiMS export."""
    path = tmp_path / "senayan_biblio_export.csv"
    lines = (FIXTURES / "slims_export.csv").read_text(encoding="utf-8").splitlines()[1:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect_format(path) == "slims-csv"


def test_marc_and_marcxml_by_content_not_name(tmp_path: Path) -> None:
    """A MARC file named .txt and MARCXML named .dat are recognised by their first bytes."""
    assert detect_format(write_marc(tmp_path / "export.txt", KOHA)) == "marc"
    assert detect_format(write_marcxml(tmp_path / "export.dat", KOHA)) == "marcxml"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\n\n", "empty"), (b'<?xml version="1.0"?><rss></rss>', "not MARCXML")],
)
def test_unknown_content_is_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    """An empty file or XML that is not MARC: a one-line error naming the file."""
    path = tmp_path / "mystery.bin"
    path.write_bytes(content)
    with pytest.raises(CatalogFileError, match=message):
        detect_format(path)


def test_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    """A mistyped file name says the file cannot be read."""
    with pytest.raises(CatalogFileError, match="No such file"):
        detect_format(tmp_path / "nope.csv")


def test_slims_export_without_header_is_recognised_from_all_its_rows(tmp_path: Path) -> None:
    """Without column names, and its first forty rows without authors, topics or items (a
    dictionary catalogued many times over): the rows after them still make it a SLiMS export."""
    path = tmp_path / "senayan_biblio_export.csv"
    kbbi = (
        '"Kamus besar bahasa Indonesia";"Text";"";"";"Balai Pustaka";"1988";"";"";"499.221 KAM";'
        '"Indonesia";"Jakarta";"499.221";"";"";"";"";"";""'
    )
    lines = (FIXTURES / "slims_export.csv").read_text(encoding="utf-8").splitlines()[1:]
    path.write_text("\n".join([kbbi] * 40 + lines) + "\n", encoding="utf-8")
    assert detect_format(path) == "slims-csv"
