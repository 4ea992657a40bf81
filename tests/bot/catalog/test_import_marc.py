from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord
from pymarc.marcxml import record_to_xml

from bot.catalog.importers.base import CatalogFileError, Item, Note, Skipped
from bot.catalog.importers.load import read_items
from bot.catalog.records import Copy, CopyStatus, Record


def koha_item(
    barcode: str,
    *,
    call_number: str = "899.221 TOE b",
    location: str | None = "FIKSI",
    library: str = "PUSAT",
    due: str | None = None,
    not_for_loan: str | None = None,
    lost: str | None = None,
    withdrawn: str | None = None,
) -> Field:
    """A Koha 952 item field."""
    codes = [("a", library), ("b", library), ("c", location), ("o", call_number)]
    codes += [("p", barcode), ("q", due), ("7", not_for_loan), ("1", lost), ("0", withdrawn)]
    return Field(
        tag="952",
        indicators=Indicators(" ", " "),
        subfields=[Subfield(code, value) for code, value in codes if value is not None],
    )


def holding(barcode: str, location: str = "Perpustakaan Pusat") -> Field:
    """An 852 holdings field."""
    return Field(
        tag="852",
        indicators=Indicators("0", " "),
        subfields=[
            Subfield("b", location),
            Subfield("h", "899.221"),
            Subfield("i", "TOE b"),
            Subfield("p", barcode),
        ],
    )


def marc_record(
    control: str | None,
    title: str | None = "Bumi manusia",
    *,
    subtitle: str | None = "sebuah roman",
    author: str = "Toer, Pramoedya Ananta,",
    year: str = "c1980.",
    language: str = "ind",
    fields: tuple[Field, ...] = (),
) -> MarcRecord:
    """A MARC21 book record in UTF-8 with the fields the importer reads."""
    record = MarcRecord(force_utf8=True)
    record.leader = record.leader[:5] + "nam a" + record.leader[10:]
    if control is not None:
        record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="008", data=f"800101s1980    io            000 1 {language} d"))
    record.add_field(
        Field(
            tag="020",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "979-97312-3-2 (pbk.)")],
        )
    )
    record.add_field(
        Field(
            tag="100",
            indicators=Indicators("1", " "),
            subfields=[Subfield("a", author), Subfield("d", "1925-2006.")],
        )
    )
    if title is not None:
        parts = [Subfield("a", f"{title} :" if subtitle else f"{title} /")]
        parts += [Subfield("b", f"{subtitle} /")] if subtitle else []
        parts += [Subfield("c", "Pramoedya Ananta Toer.")]
        record.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=parts))
    record.add_field(
        Field(
            tag="264",
            indicators=Indicators(" ", "1"),
            subfields=[
                Subfield("a", "Jakarta :"),
                Subfield("b", "Hasta Mitra,"),
                Subfield("c", year),
            ],
        )
    )
    record.add_field(
        Field(
            tag="300",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "xii, 535 hlm. ;"), Subfield("c", "21 cm")],
        )
    )
    record.add_field(
        Field(
            tag="520",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "Minke, siswa HBS, jatuh cinta pada Annelies.")],
        )
    )
    for subject in ("Sastra Indonesia.", "Fiksi sejarah."):
        record.add_field(
            Field(tag="650", indicators=Indicators(" ", "4"), subfields=[Subfield("a", subject)])
        )
    for field in fields:
        record.add_field(field)
    return record


def write_marc(path: Path, records: list[MarcRecord], *, cut: int | None = None) -> Path:
    """Binary MARC; with `cut`, that record (by index) loses its last 40 bytes."""
    data = b""
    for index, record in enumerate(records):
        raw = record.as_marc()
        data += raw[:-40] if index == cut else raw
    path.write_bytes(data)
    return path


def write_marcxml(path: Path, records: list[MarcRecord]) -> Path:
    body = b"".join(record_to_xml(record) for record in records)
    path.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + body + b"</collection>\n"
    )
    return path


def read(path: Path, format: str, source: str | None = None) -> list[Item]:
    with path.open("rb") as handle:
        return list(read_items(handle, format, name=path.name, source=source))


def records(items: list[Item]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


KOHA = [
    marc_record(
        "1001",
        fields=(
            koha_item("K001"),
            koha_item("K002", due="2026-01-20 23:59:00"),
            koha_item("K003", not_for_loan="1", location=None),
            koha_item("K004", lost="1"),
            koha_item("K005", withdrawn="1"),
        ),
    ),
    marc_record("1002", "Anak semua bangsa", fields=(koha_item("K006"),)),
    marc_record("1003", "Jejak langkah", fields=(koha_item("K007", due="2026-02-01"),)),
]


def test_koha_items_become_copies_a_reader_can_ask_about(tmp_path: Path) -> None:
    """952 items: on the shelf, on loan until a date, reference only, lost and withdrawn."""
    book = records(read(write_marc(tmp_path / "koha.mrc", KOHA), "marc"))[0]
    assert book.source == "koha"
    assert book.source_id == "1001"
    assert book.title == "Bumi manusia: sebuah roman"
    assert book.authors == ("Pramoedya Ananta Toer",)
    assert (book.year, book.publisher, book.pages, book.language) == (
        1980,
        "Hasta Mitra",
        535,
        "id",
    )
    assert book.isbns == ("9789799731234",)
    assert book.subjects == ("Sastra Indonesia", "Fiksi sejarah")
    assert book.description == "Minke, siswa HBS, jatuh cinta pada Annelies."
    assert book.copies == (
        Copy("K001", "899.221 TOE b", "FIKSI", CopyStatus.AVAILABLE),
        Copy("K002", "899.221 TOE b", "FIKSI", CopyStatus.ON_LOAN, date(2026, 1, 20)),
        Copy("K003", "899.221 TOE b", "PUSAT", CopyStatus.NOT_FOR_LOAN),
        Copy("K004", "899.221 TOE b", "FIKSI", CopyStatus.MISSING),
        Copy("K005", "899.221 TOE b", "FIKSI", CopyStatus.MISSING),
    )


def test_852_holdings_are_copies_on_the_shelf(tmp_path: Path) -> None:
    """852 holdings give copies with call number and location; without 952 the source is marc."""
    marc = [marc_record("2001", fields=(holding("H1"), holding("H2", "Cabang Depok")))]
    book = records(read(write_marc(tmp_path / "holdings.mrc", marc), "marc"))[0]
    assert book.source == "marc"
    assert book.copies == (
        Copy("H1", "899.221 TOE b", "Perpustakaan Pusat"),
        Copy("H2", "899.221 TOE b", "Cabang Depok"),
    )


def test_truncated_record_in_the_middle_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    """A record cut short is reported by number; the books before and after it still come in."""
    path = write_marc(tmp_path / "cut.mrc", KOHA, cut=1)
    items = read(path, "marc")
    assert [r.title for r in records(items)] == [
        "Bumi manusia: sebuah roman",
        "Jejak langkah: sebuah roman",
    ]
    [skipped] = [item for item in items if isinstance(item, Skipped)]
    assert skipped.number == "record 2"
    assert "cut short" in skipped.reason


def test_marcxml_gives_the_same_books_as_binary(tmp_path: Path) -> None:
    """The same records as MARCXML come out exactly as from binary MARC."""
    binary = read(write_marc(tmp_path / "koha.mrc", KOHA), "marc")
    xml = read(write_marcxml(tmp_path / "koha.xml", KOHA), "marcxml")
    assert xml == binary
    assert len(xml) == 3


def test_records_without_an_id_are_keyed_by_isbn_else_by_their_content(tmp_path: Path) -> None:
    """No 001 and no 999 $c: the first ISBN is the id, else the title, first author and year,
    the same at every export; Koha's biblionumber is an id; no 245 is skipped."""
    biblionumber = Field(
        tag="999", indicators=Indicators(" ", " "), subfields=[Subfield("c", "77")]
    )
    without_isbn = marc_record(None, "Panggil aku Kartini saja", subtitle=None, year="1962.")
    without_isbn.remove_fields("020")
    marc = [
        marc_record(None),
        marc_record("3002", None),
        marc_record(None, "Gadis pantai", fields=(biblionumber,)),
        without_isbn,
    ]
    for path in (write_marcxml(tmp_path / "odd.xml", marc), write_marc(tmp_path / "odd.mrc", marc)):
        items = read(path, path.suffix.lstrip(".").replace("mrc", "marc").replace("xml", "marcxml"))
        assert isinstance(items[0], Record)
        assert (items[0].source_id, items[0].title) == (
            "isbn:9789799731234",
            "Bumi manusia: sebuah roman",
        )
        assert items[1] == Skipped("record 2 (3002)", "no title (245 $a)")
        assert isinstance(items[2], Record)
        assert (items[2].source_id, items[2].title) == ("77", "Gadis pantai: sebuah roman")
        assert isinstance(items[3], Record)
        assert items[3].source_id == "panggil aku kartini saja|pramoedya ananta toer|1962"


def test_marcxml_cut_off_keeps_the_records_before(tmp_path: Path) -> None:
    """A MARCXML file that ends mid-record keeps the complete records and reports the rest."""
    path = write_marcxml(tmp_path / "cut.xml", KOHA)
    path.write_bytes(path.read_bytes()[:-300])
    items = read(path, "marcxml")
    assert [r.source_id for r in records(items)] == ["1001", "1002"]
    assert isinstance(items[-1], Skipped)
    assert "not well-formed" in items[-1].reason


def test_language_from_041_and_unknown_codes(tmp_path: Path) -> None:
    """041 $a wins over 008; an unknown code gives no language rather than a guess."""
    english = Field(tag="041", indicators=Indicators("0", " "), subfields=[Subfield("a", "eng")])
    marc = [marc_record("1", fields=(english,)), marc_record("2", language="xyz")]
    first, second = records(read(write_marc(tmp_path / "lang.mrc", marc), "marc"))
    assert (first.language, second.language) == ("en", None)


@pytest.mark.parametrize(
    ("content", "format", "message"),
    [
        (b"title;authors\nBumi;Toer\n", "marc", "not a MARC21 file"),
        (b"", "marc", "empty"),
        (b"<html><body>hello</body></html>", "marcxml", "not MARCXML"),
        (b"<collection><record><leader>", "marcxml", "not well-formed"),
    ],
)
def test_a_file_that_is_not_marc_is_one_clear_error(
    tmp_path: Path, content: bytes, format: str, message: str
) -> None:
    """Not MARC at all: one error naming the file, not a list of broken records."""
    path = tmp_path / "catalog.dat"
    path.write_bytes(content)
    with pytest.raises(CatalogFileError, match=message) as error:
        read(path, format)
    assert "catalog.dat" in str(error.value)
    assert "\n" not in str(error.value)


def _marc8(record: MarcRecord, utf8: bytes, marc8: bytes) -> bytes:
    """The record with a MARC-8 leader and `utf8` replaced by the same-length `marc8` bytes."""
    raw = record.as_marc()
    assert len(utf8) == len(marc8) and utf8 in raw
    return (raw[:9] + b" " + raw[10:]).replace(utf8, marc8)


def test_marc8_records_are_decoded_and_utf8_under_a_marc8_leader_too(tmp_path: Path) -> None:
    """Older catalogs write MARC-8 (an accent is a combining byte before its letter); many
    exports write UTF-8 while their leader says MARC-8. Both come out as the same text, and a
    record whose leader says UTF-8 but is not stays skipped."""
    levi = marc_record("m8", "Tristes tropiques", author="Lévi-Strauss, Claude,")
    mislabelled = marc_record("u8", "Tristes tropiques", author="Lévi-Strauss, Claude,")
    broken = marc_record("bad", "Tristes tropiques", author="Lévi-Strauss, Claude,")
    data = (
        _marc8(levi, b"L\xc3\xa9vi", b"L\xe2evi")
        + _marc8(mislabelled, b"", b"")
        + broken.as_marc().replace(b"L\xc3\xa9vi", b"L\xe2evi")
    )
    path = tmp_path / "lama.mrc"
    path.write_bytes(data)
    items = read(path, "marc")
    authors = [item.authors for item in records(items)]
    assert authors == [("Claude Lévi-Strauss",), ("Claude Lévi-Strauss",)]
    assert [(i.number, i.reason) for i in items if isinstance(i, Skipped)] == [
        ("record 3", "unreadable MARC record: its text is not UTF-8")
    ]


def test_blanks_padding_the_file_after_its_last_record_are_not_a_record(tmp_path: Path) -> None:
    """Some systems fill the file's last block with spaces: three books, nothing skipped."""
    path = write_marc(tmp_path / "koha.mrc", KOHA)
    path.write_bytes(path.read_bytes() + b" " * 3000 + b"\r\n\x1a")
    items = read(path, "marc")
    assert [item.source_id for item in records(items)] == ["1001", "1002", "1003"]
    assert len(items) == 3


def test_control_characters_never_reach_the_text(tmp_path: Path) -> None:
    """MARC-8's escape sequences are read as MARC-8 (a subscript) even when the bytes happen to
    be valid UTF-8, and a stray ESC in a UTF-8 record is removed."""
    water = marc_record(
        "w1", "H#####O", subtitle="a biography of water", author="Ball, Philip,", year="2000."
    )
    water.remove_fields("020", "520", "650")
    raw = water.as_marc()
    marc8 = raw[:9] + b" " + raw[10:]
    marc8 = marc8.replace(b"H#####O", b"H\x1bb2\x1bsO")
    stray = marc_record("s1", "Bumi manusia\x1b", subtitle=None, fields=(koha_item("K\x1b9"),))
    path = tmp_path / "esc.mrc"
    path.write_bytes(marc8 + stray.as_marc())
    first, second = records(read(path, "marc"))
    assert first.title == "H₂O: a biography of water"
    assert second.title == "Bumi manusia"
    assert second.copies[0].barcode == "K9"


def chronicle(control: str, encoding: str) -> bytes:
    """A record of the Ipatiev Chronicle (Ипатьевская летопись, Полное собрание русских
    летописей vol. 2, 1908) with its text in `encoding` under a leader that says MARC-8."""
    title, series = "Ипатьевская летопись", "Полное собрание русских летописей"
    record = MarcRecord(force_utf8=True)
    record.add_field(Field(tag="001", data=control))
    record.add_field(
        Field(
            tag="245",
            indicators=Indicators("0", "0"),
            subfields=[Subfield("a", "@" * len(title))],
        )
    )
    record.add_field(
        Field(tag="260", indicators=Indicators(" ", " "), subfields=[Subfield("c", "1908.")])
    )
    record.add_field(
        Field(
            tag="490",
            indicators=Indicators("0", " "),
            subfields=[Subfield("a", "#" * len(series))],
        )
    )
    raw = record.as_marc()
    raw = raw[:9] + b" " + raw[10:]
    return raw.replace(b"@" * len(title), title.encode(encoding)).replace(
        b"#" * len(series), series.encode(encoding)
    )


def test_a_file_that_is_not_the_marc8_its_leaders_say_is_refused_naming_its_encoding(
    tmp_path: Path,
) -> None:
    """Windows-1251 under MARC-8 leaders would import as accents on nothing: refused, with the
    encoding it seems to be in; imported with that encoding, the title is right, and a byte
    the encoding lacks is counted in a note."""
    path = tmp_path / "letopisi.mrc"
    path.write_bytes(chronicle("r1", "cp1251") + chronicle("r2", "cp1251"))
    with pytest.raises(CatalogFileError, match="Windows-1251") as error:
        read(path, "marc")
    assert "--encoding cp1251" in str(error.value)
    with path.open("rb") as handle:
        items = list(read_items(handle, "marc", name=path.name, encoding="cp1251"))
    assert [item.title for item in records(items)] == ["Ипатьевская летопись"] * 2
    assert not [item for item in items if isinstance(item, Note)]

    damaged = chronicle("r3", "cp1251").replace("п".encode("cp1251"), b"\x98", 1)
    path.write_bytes(damaged)
    with path.open("rb") as handle:
        items = list(read_items(handle, "marc", name=path.name, encoding="cp1251"))
    assert Note("record 1", "1 characters that did not decode (shown as �)") in items
    assert records(items)[0].title == "И\ufffdатьевская летопись"


def test_pymarcs_warnings_become_notes_not_terminal_lines(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A subfield code that is not ASCII: pymarc warns; the warning is a note on the record."""
    raw = marc_record("b1").as_marc()
    odd = raw.replace(b"\x1faSastra Indonesia.", b"\x1f\xe9Sastra Indonesia.")
    path = tmp_path / "odd.mrc"
    path.write_bytes(odd)
    items = read(path, "marc")
    notes = [item for item in items if isinstance(item, Note)]
    assert [note.number for note in notes] == ["record 1"]
    assert notes[0].text.startswith("MARC warning: The subfield contained a non-ASCII subfield")
    assert len(records(items)) == 1
    captured = capfd.readouterr()
    assert captured.err == captured.out == ""


def test_marc8_with_two_accents_on_one_letter_is_not_refused(tmp_path: Path) -> None:
    """Vietnamese writes two accents on a letter (ệ, ề): real MARC-8, read as such."""
    title, author = "Truy###n Ki###u", "Nguy###n, Du,"
    record = marc_record("vn1", title, subtitle=None, author=author, year="")
    record.remove_fields("020", "520", "650")
    raw = record.as_marc()
    raw = (raw[:9] + b" " + raw[10:]).replace(b"Truy###n", b"Truy\xe3\xf2en")
    raw = raw.replace(b"Ki###u", b"Ki\xe3\xe1eu").replace(b"Nguy###n", b"Nguy\xe3\xe4en")
    path = tmp_path / "kieu.mrc"
    path.write_bytes(raw)
    [book] = records(read(path, "marc"))
    assert unicodedata.normalize("NFC", book.title) == "Truyện Kiều"
    assert "Nguyễn" in unicodedata.normalize("NFC", book.authors[0])
