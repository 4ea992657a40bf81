from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.catalog.records import CopyStatus, Record
from bot.catalog.sample import SAMPLE_DIR, SampleError, load_sample, sample_files

TODAY = date(2026, 3, 1)


@pytest.fixture(scope="module")
def bundled() -> list[Record]:
    return load_sample(today=TODAY)


def _find(records: list[Record], title: str, author: str) -> Record:
    matches = [r for r in records if r.title == title and r.authors[:1] == (author,)]
    assert len(matches) == 1, f"{title} by {author}: {len(matches)} matches"
    return matches[0]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_file_loads_and_validates() -> None:
    """Every bundled catalog file parses and passes validation, with no duplicates across them."""
    files = sample_files()
    assert SAMPLE_DIR / "indonesia.toml" in files
    records = load_sample(files, today=TODAY)
    assert {r.source_id.split(":")[0] for r in records} == {f.stem for f in files}
    assert all(r.source == "sample" and r.cover is None for r in records)


def test_at_least_150_indonesian_books(bundled: list[Record]) -> None:
    """The sample library has at least 150 books in Indonesian."""
    assert sum(r.language == "id" for r in bundled) >= 150


@pytest.mark.skipif(
    not (SAMPLE_DIR / "world.toml").exists(), reason="data/catalog/world.toml not written yet"
)
def test_at_least_500_books_in_total(bundled: list[Record]) -> None:
    """Across all bundled files the sample library has at least 500 books."""
    assert len(bundled) >= 500


def test_known_facts(bundled: list[Record]) -> None:
    """Spot-checked facts: authors, first publication years and publishers of famous books."""
    bumi = _find(bundled, "Bumi Manusia", "Pramoedya Ananta Toer")
    assert (bumi.year, bumi.publisher, bumi.language) == (1980, "Hasta Mitra", "id")
    laskar = _find(bundled, "Laskar Pelangi", "Andrea Hirata")
    assert (laskar.year, laskar.publisher) == (2005, "Bentang Pustaka")
    assert "Belitung" in laskar.subjects
    assert _find(bundled, "Sitti Nurbaya", "Marah Rusli").year == 1922
    assert _find(bundled, "Saman", "Ayu Utami").year == 1998
    assert _find(bundled, "Cantik Itu Luka", "Eka Kurniawan").year == 2002
    assert _find(bundled, "Ronggeng Dukuh Paruk", "Ahmad Tohari").year == 1982
    assert _find(bundled, "Deru Campur Debu", "Chairil Anwar").year == 1949
    tiga = _find(bundled, "Tiga Menguak Takdir", "Chairil Anwar")
    assert tiga.authors == ("Chairil Anwar", "Asrul Sani", "Rivai Apin")


def test_bundled_books_carry_no_isbns_and_bilingual_subjects(bundled: list[Record]) -> None:
    """Indonesian sample books have no ISBNs, and their subjects come in Indonesian and English."""
    indonesian = [r for r in bundled if r.source_id.startswith("indonesia:")]
    assert all(r.isbns == () for r in indonesian)
    pairs = {"sastra Indonesia": "Indonesian literature", "puisi": "poetry", "sejarah": "history"}
    for record in indonesian:
        for id_term, en_term in pairs.items():
            assert (id_term in record.subjects) == (en_term in record.subjects), record.title


def test_source_ids_are_file_and_position(tmp_path: Path) -> None:
    """Records are identified by file stem and 1-based position; ISBNs are normalised."""
    path = _write(
        tmp_path,
        "mini.toml",
        """
[[book]]
title = "Satu"
authors = ["Penulis Pertama"]
subjects = ["puisi", "poetry"]

[[book]]
title = "Dua"
authors = ["Penulis Kedua"]
subjects = ["sejarah", "history"]
isbn = ["979-3062-79-7", "9789793062792"]
""",
    )
    first, second = load_sample([path], today=TODAY)
    assert (first.source_id, second.source_id) == ("mini:1", "mini:2")
    assert second.isbns == ("9789793062792",)
    assert (first.description, first.year, first.language) == ("", None, None)


def test_broken_file_reports_every_problem_at_once(tmp_path: Path) -> None:
    """A broken file names every problem with file, book number and title, in one error."""
    path = _write(
        tmp_path,
        "rusak.toml",
        """
[[book]]
title = "Bumi Manusia"
authors = []
year = 3000
language = "IND"
pages = 0
subjects = ["sastra"]
isbn = ["123"]
colour = "merah"

[[book]]
authors = ["Tanpa Judul"]
subjects = ["puisi", "poetry"]
year = "1980"
""",
    )
    with pytest.raises(SampleError) as caught:
        load_sample([path], today=TODAY)
    lines = str(caught.value).splitlines()
    book1 = "rusak.toml book 1 (Bumi Manusia): "
    expected = [
        book1 + "unknown key 'colour'",
        book1 + "authors must be a non-empty list of non-empty strings",
        book1 + "year must be an integer between 1000 and 2100",
        book1 + "language must be a two-letter lowercase ISO 639-1 code",
        book1 + "pages must be an integer between 1 and 10000",
        book1 + "subjects must be a list of at least 2 non-empty strings",
        book1 + "isbn must be a list of valid ISBN-10 or ISBN-13 strings",
        "rusak.toml book 2 (untitled): title is required",
        "rusak.toml book 2 (untitled): year must be an integer between 1000 and 2100",
    ]
    assert sorted(lines) == sorted(expected)
    assert caught.value.problems == tuple(lines)


def test_unparsable_and_empty_files_are_reported_together(tmp_path: Path) -> None:
    """Invalid TOML and a file without books are both reported, not just the first."""
    bad = _write(tmp_path, "a.toml", "[[book]\ntitle = ")
    empty = _write(tmp_path, "b.toml", "# nothing yet\n")
    with pytest.raises(SampleError) as caught:
        load_sample([bad, empty], today=TODAY)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("a.toml: not valid TOML")
    assert lines[1] == "b.toml: no [[book]] tables"


def test_duplicates_across_files_are_caught(tmp_path: Path) -> None:
    """The same title and first author in two files (ignoring case) is an error."""
    one = _write(
        tmp_path,
        "satu.toml",
        '[[book]]\ntitle = "Laskar Pelangi"\nauthors = ["Andrea Hirata"]\n'
        'subjects = ["anak", "children\'s books"]\n',
    )
    two = _write(
        tmp_path,
        "dua.toml",
        '[[book]]\ntitle = "Pulang"\nauthors = ["Leila S. Chudori"]\nsubjects = ["a", "b"]\n\n'
        '[[book]]\ntitle = "LASKAR PELANGI "\nauthors = ["andrea hirata"]\nsubjects = ["a", "b"]\n',
    )
    with pytest.raises(SampleError) as caught:
        load_sample([one, two], today=TODAY)
    assert str(caught.value) == "dua.toml book 2 (LASKAR PELANGI): duplicate of satu.toml book 1"


def test_same_title_by_different_authors_is_not_a_duplicate(bundled: list[Record]) -> None:
    """Two books called Pulang, by Leila S. Chudori and by Tere Liye, are both kept."""
    assert _find(bundled, "Pulang", "Leila S. Chudori") != _find(bundled, "Pulang", "Tere Liye")


def test_holdings_are_deterministic() -> None:
    """Loading twice on the same day gives exactly the same copies."""
    first = load_sample(today=TODAY)
    second = load_sample(today=TODAY)
    assert [r.copies for r in first] == [r.copies for r in second]
    assert [r.fingerprint() for r in first] == [r.fingerprint() for r in second]


def test_every_book_has_one_to_three_copies(bundled: list[Record]) -> None:
    """Every book in the sample library has between one and three copies."""
    assert all(1 <= len(r.copies) <= 3 for r in bundled)
    assert {len(r.copies) for r in bundled} == {1, 2, 3}


def test_some_copies_are_on_loan_and_due_in_the_future(bundled: list[Record]) -> None:
    """A real share of copies is on loan, each due back within two weeks after today."""
    copies = [c for r in bundled for c in r.copies]
    on_loan = [c for c in copies if c.status is CopyStatus.ON_LOAN]
    assert 0.1 <= len(on_loan) / len(copies) <= 0.5
    assert all(TODAY < c.due <= TODAY + timedelta(days=14) for c in on_loan if c.due)
    assert all(c.due is not None for c in on_loan)
    assert all(c.due is None for c in copies if c.status is not CopyStatus.ON_LOAN)
    assert any(c.status is CopyStatus.AVAILABLE for c in copies)


def test_due_dates_follow_today() -> None:
    """Loading on a later day moves the due dates along, so they never fall in the past."""
    later = TODAY + timedelta(days=400)
    for record in load_sample(today=later):
        for copy in record.copies:
            if copy.due is not None:
                assert copy.due > later


def test_call_numbers_barcodes_and_shelves(bundled: list[Record]) -> None:
    """Call numbers, barcodes and shelf locations look like a librarian expects."""
    bumi = _find(bundled, "Bumi Manusia", "Pramoedya Ananta Toer")
    assert {c.call_number for c in bumi.copies} == {"899.221 TOE b"}
    assert {c.location for c in bumi.copies} == {"Rak Sastra"}
    barcodes = [c.barcode for c in bumi.copies]
    assert barcodes == [f"{barcodes[0][:-2]}-{i}" for i in range(1, len(barcodes) + 1)]
    assert all(re.fullmatch(r"B\d{5}-[123]", c.barcode or "") for r in bundled for c in r.copies)
    teras = _find(bundled, "Filosofi Teras", "Henry Manampiring")
    assert {c.location for c in teras.copies} == {"Rak Umum"}
    assert {c.call_number for c in teras.copies} == {"899.221 MAN f"}
    naar = _find(bundled, "Naar de 'Republiek Indonesia'", "Tan Malaka")
    assert {c.call_number for c in naar.copies} == {"800 MAL n"}


def test_no_two_copies_share_a_barcode(bundled: list[Record]) -> None:
    """Every copy in the sample has its own barcode, however many books the files hold."""
    barcodes = [c.barcode for r in bundled for c in r.copies]
    assert len(barcodes) == len(set(barcodes))


def test_the_facts_corrected_in_issue_21(bundled: list[Record]) -> None:
    """Book years, editors and descriptions as checked fact by fact (issue 21)."""
    assert _find(bundled, "Tenggelamnya Kapal Van der Wijck", "Hamka").year == 1939
    history = _find(bundled, "Sejarah Nasional Indonesia", "Sartono Kartodirdjo (ed.)")
    assert history.authors == (
        "Sartono Kartodirdjo (ed.)",
        "Marwati Djoened Poesponegoro (ed.)",
        "Nugroho Notosusanto (ed.)",
    )
    assert history.copies[0].call_number == "899.221 KAR s"  # the editor's name, not "(ed.)"
    assert not [r for r in bundled if r.title == "Pada Suatu Hari Nanti"]
    series = [_find(bundled, title, "Tere Liye") for title in ("Burlian", "Pukat", "Eliana")]
    series.append(_find(bundled, "Amelia", "Tere Liye"))
    assert len({r.description for r in series}) == 4
    assert all(r.title in r.description for r in series)
    bare = [
        r.title for r in bundled if r.description in {f"Kumpulan sajak {a}." for a in r.authors}
    ]
    assert bare == []
    # world.toml: the first book edition's year, or none where that is not certain
    world = {
        ("Heart of Darkness", "Joseph Conrad"): 1902,
        ("The Picture of Dorian Gray", "Oscar Wilde"): 1891,
        ("A Study in Scarlet", "Arthur Conan Doyle"): 1888,
        ("Botchan", "Natsume Sōseki"): 1907,
        ("Love in a Fallen City", "Eileen Chang"): 1944,
        ("Rashōmon", "Ryūnosuke Akutagawa"): 1917,
        ("The Yellow Wallpaper", "Charlotte Perkins Gilman"): 1899,
        ("War and Peace", "Leo Tolstoy"): None,
        ("Roadside Picnic", "Arkady Strugatsky"): None,
        # first printed in a magazine (1864, 1962); the first book's year is not certain
        ("Notes from Underground", "Fyodor Dostoevsky"): None,
        ("One Day in the Life of Ivan Denisovich", "Aleksandr Solzhenitsyn"): None,
    }
    assert {key: _find(bundled, *key).year for key in world} == world
    assert not [r for r in bundled if r.title == "The Call of Cthulhu"]
    header = (SAMPLE_DIR / "world.toml").read_text(encoding="utf-8").split("[[book]]")[0]
    assert "year = the year of the work's first book edition" in header
