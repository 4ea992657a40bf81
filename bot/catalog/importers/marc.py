"""MARC21 records, binary (ISO 2709) or MARCXML, through pymarc, with Koha and 852 holdings.

A damaged binary record (cut short, a wrong length, bytes that are not UTF-8) is skipped with its
number and pymarc's complaint; reading then carries on at the next record leader, so the records
after it are not lost. Blanks padding the file after its last record are not a record. MARCXML is
read as a stream, so a large export needs little memory.

Text: a record is read as UTF-8 (many exports write UTF-8 under a leader that says MARC-8), else
as MARC-8 when its leader says so, and as MARC-8 at once when it holds MARC-8's escape sequences.
Before an import starts, its first records are checked: when those read as MARC-8 have bytes
MARC-8 does not have or accents on nothing, the file is refused with the encoding it seems to be
in (charset-normalizer), to be imported with `encoding=` (`--encoding cp1251`); characters that
do not decode are counted record by record. pymarc's warnings and log lines become `Note`s.

What is taken: 245 $a $b title; 100, 110 and 700 authors; 650, 651 and 655 $a subjects; 520
description; 041 $a or 008/35-37 language; 264 (or 260) $b publisher and $c year (else 008/07-10);
020 $a ISBNs; 300 $a pages; 001 as the id, else Koha's biblionumber in 999 $c, else the first
ISBN ("isbn:978…"), else the title, first author and year (`stable_id`). Copies: Koha's 952
items ($p barcode, $o call number, $c shelving location or $b library; $q due date means on loan,
$7 not for loan, $1 lost or $0 withdrawn means missing) and 852 holdings ($p barcode, $h $i call
number, $b location).
"""

from __future__ import annotations

import codecs
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax import SAXException, make_parser
from xml.sax.handler import feature_external_ges, feature_namespaces

import charset_normalizer
import pymarc
from pymarc import MARCReader
from pymarc.marc8 import MARC8ToUnicode
from pymarc.marc8_mapping import CODESETS
from pymarc.marcxml import MARC_XML_NS, XmlHandler

from bot.catalog.importers.base import (
    CatalogFileError,
    Item,
    Note,
    Skipped,
    clean,
    find_isbns,
    first_year,
    page_count,
    stable_id,
    unique,
)
from bot.catalog.importers.languages import language_code
from bot.catalog.importers.names import corporate_name, person_name
from bot.catalog.records import Copy, CopyStatus, Record

# A record leader: length, five status/type codes, "22", base address, three codes, "4500".
LEADER = re.compile(rb"\d{5}[\x20-\x7e]{5}22\d{5}[\x20-\x7e]{3}4500")
_TITLE_END = " /:;,.="
_LOOK_AHEAD = 100  # records read before deciding whether a file comes from Koha
_PADDING = b" \t\r\n\x00\x1a"
_CHECKED = 1000  # records whose MARC-8 text is checked before an import starts
MARC8 = "marc-8"  # the `encoding` that means MARC-8 whatever the leaders say
_ENCODING_NAMES = {
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1252": "Windows-1252 (Western European)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp866": "DOS 866 (Cyrillic)",
    "koi8_r": "KOI8-R (Cyrillic)",
    "latin_1": "Latin-1 (ISO 8859-1)",
    "iso8859_5": "ISO 8859-5 (Cyrillic)",
    "utf_8": "UTF-8",
}
# MARC-8's default character sets: ASCII, and ANSEL above 0x80 (accents are its combining bytes).
_ANSEL = CODESETS[0x45]
_ANSEL_COMBINING = frozenset(code for code, (_, combining) in _ANSEL.items() if combining)
_MARC8_KNOWN = bytes(range(0x80)) + bytes(sorted(_ANSEL))
_ACCENTS = re.compile(b"[%s]+" % b"".join(re.escape(bytes([c])) for c in sorted(_ANSEL_COMBINING)))

# (number, the record or why it is unreadable, what the librarian should know about it)
Parsed = tuple[str, pymarc.Record | str, tuple[str, ...]]


def read_marc(
    handle: BinaryIO, *, name: str, source: str | None = None, encoding: str | None = None
) -> Iterator[Item]:
    """The records of a binary MARC21 file; raises CatalogFileError now if it is not one, or if
    its text is not in the encoding its leaders say (unless `encoding` is given: a Python codec
    name or "marc-8", then used for every record)."""
    start = handle.read(24)
    handle.seek(0)
    if not start.strip(_PADDING):
        raise CatalogFileError(f"{name} is empty")
    if not LEADER.match(start):
        raise CatalogFileError(f"{name} is not a MARC21 file (it does not start with a leader)")
    if encoding is None:
        _check_encoding(handle, name)
    else:
        _decoder(encoding)  # an unknown name is refused now
    return _items(_binary_records(handle, encoding), source)


def encoding_name(codec: str) -> str:
    """ "cp1251" → "Windows-1251 (Cyrillic)", for the librarian."""
    normal = codecs.lookup(codec).name.replace("-", "_")
    return _ENCODING_NAMES.get(normal, codec)


def _check_encoding(handle: BinaryIO, name: str) -> None:
    """Refuse a file whose first records, read as MARC-8 as their leaders say, decode badly."""
    not_utf8 = 0
    bad: list[bytes] = []
    for chunk in islice(_chunks(handle), _CHECKED):
        if chunk[9:10] == b"a" or b"\x1b" in chunk or _is_utf8(chunk):
            continue
        not_utf8 += 1
        if _marc8_problems(_field_bytes(chunk)):
            bad.append(chunk)
    handle.seek(0)
    if not bad or len(bad) * 10 < not_utf8:
        return
    text = b" ".join(_field_bytes(chunk) for chunk in bad)
    best = charset_normalizer.from_bytes(text).best()
    if best is None or best.encoding in ("ascii", "utf_8"):
        seems = "its encoding could not be told"
        advice = "give its encoding with --encoding"
    else:
        seems = f"it seems to be {encoding_name(best.encoding)}"
        advice = f"if so, import it with --encoding {best.encoding}"
    raise CatalogFileError(
        f"{name}: {len(bad)} of the first {not_utf8} records that are not UTF-8 do not read as"
        f" MARC-8, as their leaders say (bytes MARC-8 does not have, accents on nothing);"
        f" {seems}: {advice}"
    )


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    """The raw records, by their leaders' lengths, until one is not a record."""
    while True:
        leader = handle.read(24)
        if len(leader) < 24 or not LEADER.match(leader) or int(leader[:5]) <= 24:
            return
        rest = handle.read(int(leader[:5]) - 24)
        yield leader + rest


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _field_bytes(chunk: bytes) -> bytes:
    """The data of a record's fields (no leader or directory), subfields separated by spaces."""
    try:
        base = int(chunk[12:17])
    except ValueError:
        return b""
    return re.sub(rb"[\x1d\x1e\x1f].?", b" ", chunk[base:])


def _marc8_problems(data: bytes) -> int:
    """In text without escape sequences: bytes MARC-8's default sets do not have, and accents
    (ANSEL's combining bytes, written before their letter, at most three on one letter as in
    Vietnamese) not followed by a letter."""
    problems = len(data.translate(None, _MARC8_KNOWN))
    for run in _ACCENTS.finditer(data):
        after = data[run.end() : run.end() + 1]
        letter = after.isalpha() or (after and 0xA1 <= after[0] <= 0xBD)
        if len(run.group()) > 3 or not letter:
            problems += len(run.group())
    return problems


def read_marcxml(handle: BinaryIO, *, name: str, source: str | None = None) -> Iterator[Item]:
    """The records of a MARCXML file; raises CatalogFileError now if it is not one."""
    start = handle.read(4096)
    handle.seek(0)
    if not start.strip(_PADDING):
        raise CatalogFileError(f"{name} is empty")
    if not re.search(rb"<(?:\w+:)?(?:record|collection)[\s>]", start):
        raise CatalogFileError(f"{name} is not MARCXML (no <collection> or <record> at its start)")
    return _items(_xml_records(handle, name), source)


def record_from_marcxml(
    xml: bytes, *, source: str, source_id: str | None = None, number: str = "record 1"
) -> Item:
    """One MARCXML <record> (as an OAI-PMH harvest receives it) as a Record or Skipped."""
    handler = _Handler()
    parser = _parser(handler)
    try:
        parser.feed(xml)
        parser.close()
    except SAXException as error:
        return Skipped(number, f"not well-formed MARCXML: {error}")
    parsed = handler.take()
    if not parsed:
        return Skipped(number, "no MARC record in the metadata")
    return _convert(parsed[0][1], number, source, source_id)


def convert(marc: pymarc.Record, *, source: str, number: str, source_id: str | None = None) -> Item:
    """A pymarc record as a Record, or Skipped when it has no id or no title."""
    return _convert(marc, number, source, source_id)


def marc_source(path: Path) -> str:
    """The source `read_marc` gives a binary MARC file's records when none is given."""
    with path.open("rb") as handle:
        return "koha" if _from_koha(islice(_binary_records(handle), _LOOK_AHEAD)) else "marc"


def _from_koha(parsed: Iterable[Parsed]) -> bool:
    return any(not isinstance(m, str) and m.get_fields("952") for _, m, _ in parsed)


def _items(parsed: Iterator[Parsed], source: str | None) -> Iterator[Item]:
    """Records converted; without a given source, "koha" if early records carry 952 items.

    One source for the whole file, decided from its first records, so that a book whose
    items are all withdrawn does not move from "koha" to "marc" on the next import.
    """
    if source is None:
        ahead = list(islice(parsed, _LOOK_AHEAD))
        source = "koha" if _from_koha(ahead) else "marc"
        parsed = chain(ahead, parsed)
    for number, marc, notes in parsed:
        for note in notes:
            yield Note(number, note)
        yield _convert(marc, number, source, None)


def _convert(marc: pymarc.Record | str, number: str, source: str, source_id: str | None) -> Item:
    if isinstance(marc, str):
        return Skipped(number, marc)
    source_id = source_id or _control_number(marc)
    title = _title(marc)
    if not title:
        where = f"{number} ({source_id})" if source_id else number
        return Skipped(where, "no title (245 $a)")
    publication = _publication_fields(marc)
    authors = _authors(marc)
    isbns = find_isbns(v for f in marc.get_fields("020") for v in f.get_subfields("a"))
    year = _first(first_year(v) for f in publication for v in f.get_subfields("c")) or first_year(
        _control(marc, "008")[7:11]
    )
    if not source_id:
        # No id of its own: the same record exported again must get the same one.
        source_id = f"isbn:{isbns[0]}" if isbns else stable_id(title, authors, year)
    return Record(
        source=source,
        source_id=source_id,
        title=title,
        authors=authors,
        subjects=unique(
            clean(value, ".")
            for field in marc.get_fields("650", "651", "655")
            for value in field.get_subfields("a")
        ),
        description="\n\n".join(
            value for field in marc.get_fields("520") for value in _values(field, "a")
        ),
        language=_language(marc),
        year=year,
        isbns=isbns,
        publisher=next(
            (clean(v, " ,:;") for f in publication for v in f.get_subfields("b") if clean(v)),
            None,
        ),
        pages=_first(page_count(v) for f in marc.get_fields("300") for v in f.get_subfields("a")),
        copies=tuple(chain(map(_koha_item, marc.get_fields("952")), _holdings(marc))),
    )


def _first(values: Iterable[Any]) -> Any:
    return next((value for value in values if value), None)


def _values(field: pymarc.Field, *codes: str) -> list[str]:
    return [text for text in (clean(value) for value in field.get_subfields(*codes)) if text]


def _sub(field: pymarc.Field, code: str) -> str:
    values = _values(field, code)
    return values[0] if values else ""


def _control(marc: pymarc.Record, tag: str) -> str:
    field = marc.get(tag)
    return (field.data or "") if field is not None and field.is_control_field() else ""


def _control_number(marc: pymarc.Record) -> str:
    return (
        _control(marc, "001").strip()
        or _first(_sub(field, "c") for field in marc.get_fields("999"))
        or ""
    )


def _title(marc: pymarc.Record) -> str:
    field = marc.get("245")
    if field is None:
        return ""
    main = clean(_sub(field, "a"), _TITLE_END)
    rest = clean(_sub(field, "b"), _TITLE_END)
    return f"{main}: {rest}" if main and rest else main


def _authors(marc: pymarc.Record) -> tuple[str, ...]:
    names = []
    for field in marc.get_fields("100", "110", "700"):
        name = _sub(field, "a")
        if not name:
            continue
        if field.tag == "110":
            names.append(corporate_name(" ".join([name, *_values(field, "b")])))
        else:
            names.append(person_name(name))
    return unique(names)


def _language(marc: pymarc.Record) -> str | None:
    for field in marc.get_fields("041"):
        for value in field.get_subfields("a"):
            # 041 $a may run codes together: "indeng" is Indonesian and English.
            if code := language_code(clean(value)[:3]):
                return code
    return language_code(_control(marc, "008")[35:38])


def _publication_fields(marc: pymarc.Record) -> list[pymarc.Field]:
    """264 publication statements first (second indicator 1), then any 264, then 260."""
    fields = marc.get_fields("264")
    fields.sort(key=lambda field: field.indicator2 != "1")
    return fields + marc.get_fields("260")


def _set(value: str) -> bool:
    """A Koha status subfield counts when it is there and not 0."""
    return value.strip() not in ("", "0")


def _firsts(field: pymarc.Field) -> dict[str, str]:
    """Each subfield code's first value that is not blank, cleaned: `_sub` for every code at once
    (an item field has a dozen subfields, and a large Koha export millions of items)."""
    found: dict[str, str] = {}
    for code, value in field.subfields:
        if code not in found and (text := " ".join(value.split())):
            found[code] = text if text.isprintable() else clean(text)
    return found


def _koha_item(field: pymarc.Field) -> Copy:
    sub = _firsts(field).get
    due_text = sub("q", "")
    if _set(sub("1", "")) or _set(sub("0", "")):
        status = CopyStatus.MISSING
    elif due_text:
        status = CopyStatus.ON_LOAN
    elif _set(sub("7", "")):
        status = CopyStatus.NOT_FOR_LOAN
    else:
        status = CopyStatus.AVAILABLE
    return Copy(
        barcode=sub("p"),
        call_number=sub("o"),
        location=sub("c") or sub("b"),
        status=status,
        due=_date(due_text) if status is CopyStatus.ON_LOAN else None,
    )


def _holdings(marc: pymarc.Record) -> Iterator[Copy]:
    for field in marc.get_fields("852"):
        call_number = " ".join(_values(field, "h", "i"))
        sub = _firsts(field).get
        yield Copy(barcode=sub("p"), call_number=call_number or None, location=sub("b"))


def _date(text: str) -> date | None:
    """Koha writes due dates as "2026-01-20" or "2026-01-20 23:59:00"."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


_READ_TOGETHER = 200  # records read under one capture of pymarc's warnings (entering one costs)


def _binary_records(handle: BinaryIO, encoding: str | None = None) -> Iterator[Parsed]:
    reading = _Reading(handle, _decoder(encoding) if encoding else None)
    while batch := reading.read(_READ_TOGETHER):
        yield from batch


class _Reading:
    """Binary records read in turn, each with what pymarc warned about it. A fresh pymarc
    reader after every damaged record: pymarc stops for good after some errors."""

    def __init__(self, handle: BinaryIO, decode: Callable[[bytes], tuple[str, int]] | None):
        self.handle = handle
        self.decode = decode
        self.number = 0
        self.reader: MARCReader | None = None
        self.start = 0  # where the record being read starts
        self.ended = False

    def read(self, limit: int) -> list[Parsed]:
        """Up to `limit` records; none at the end of the file."""
        parsed: list[Parsed] = []
        with _Capture() as capture:
            while len(parsed) < limit and not self.ended:
                item = self._next(capture)
                if item is None:
                    self.ended = True
                else:
                    parsed.append(item)
        return parsed

    def _next(self, capture: _Capture) -> Parsed | None:
        if self.reader is None:
            self.start = self.handle.tell()
            self.reader = MARCReader(
                self.handle,
                to_unicode=self.decode is None,
                force_utf8=True,
                permissive=True,
                hide_utf8_warnings=True,
            )
        capture.clear()
        notes: list[str] = []
        marc = next(self.reader, _END)
        if marc is _END:
            return None
        self.number += 1
        number = f"record {self.number}"
        chunk = self.reader.current_chunk
        if self.decode is not None and marc is not None:
            marc = _decoded(marc, self.decode, notes)
        elif marc is None and self.decode is None:
            marc = _as_marc8(self.reader, notes)
        elif chunk[9:10] != b"a" and b"\x1b" in chunk:
            # Valid UTF-8 by chance: MARC-8's escape sequences switch to another script.
            marc = _marc8_record(chunk, notes) or marc
        notes += capture.taken()
        if marc is not None:
            self.start = self.handle.tell()
            return number, marc, tuple(notes)
        if _only_padding_after(self.handle, self.start):
            return None
        damaged = _damaged(self.reader.current_exception)
        self.reader = None
        if not _seek_next_leader(self.handle, self.start + 1):
            self.ended = True
        return number, damaged, tuple(notes)


_END = object()


class _Collected(logging.Handler):
    """pymarc's log lines (a field without indicators …) kept for the record being read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.lines is not None:
            self.lines.append(f"MARC warning: {record.getMessage()}")


_COLLECTED = _Collected()
_PYMARC_LOG = logging.getLogger("pymarc")
_PYMARC_LOG.addHandler(_COLLECTED)
_PYMARC_LOG.propagate = False


class _Capture:
    """Within it, pymarc's warnings and log lines are kept (`taken`), not printed."""

    def __enter__(self) -> _Capture:
        self.lines: list[str] = []
        _COLLECTED.lines = self.lines
        self.catching = warnings.catch_warnings(record=True)
        self.warned = self.catching.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc: object) -> None:
        self.catching.__exit__(*exc)
        _COLLECTED.lines = None

    def clear(self) -> None:
        self.lines.clear()
        self.warned.clear()

    def taken(self) -> list[str]:
        """What was logged or warned since `clear`."""
        if not self.lines and not self.warned:
            return []
        return self.lines + [f"MARC warning: {warning.message}" for warning in self.warned]


def _decoder(encoding: str) -> Callable[[bytes], tuple[str, int]]:
    """Text and the number of characters that did not decode (each replaced by "�")."""
    if encoding.casefold().replace("_", "-") in (MARC8, "marc8"):
        return _marc8_text
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise CatalogFileError(
            f"unknown encoding {encoding!r} (try cp1251, latin-1, marc-8)"
        ) from None

    def decode(data: bytes) -> tuple[str, int]:
        try:
            return data.decode(codec), 0
        except UnicodeDecodeError:
            text = data.decode(codec, "replace")
            return text, text.count("\ufffd")

    return decode


def _marc8_text(data: bytes) -> tuple[str, int]:
    problems = 0 if b"\x1b" in data else _marc8_problems(data)
    return MARC8ToUnicode(quiet=True).translate(data), problems


def _decoded(
    marc: pymarc.Record, decode: Callable[[bytes], tuple[str, int]], notes: list[str]
) -> pymarc.Record:
    """A record read without decoding (bytes), decoded with the librarian's encoding."""
    failed = 0
    for field in marc.fields:
        if field.is_control_field():
            field.data, errors = decode(field.data)
            failed += errors
            continue
        for index, (code, value) in enumerate(field.subfields):
            text, errors = decode(value)
            failed += errors
            field.subfields[index] = pymarc.Subfield(code, text)
    if failed:
        notes.append(f"{failed} characters that did not decode (shown as �)")
    return marc


def _as_marc8(reader: MARCReader, notes: list[str]) -> pymarc.Record | None:
    """A record that is not UTF-8 read again as MARC-8, when its leader does not claim UTF-8.

    Records are read as UTF-8 first whatever their leader says, because many exports (Indonesian
    ones among them) write UTF-8 under a MARC-8 leader; older catalogs and the Library of
    Congress's records really are MARC-8, with their accents as combining marks before a letter.
    """
    chunk = reader.current_chunk
    if not isinstance(reader.current_exception, UnicodeDecodeError) or not chunk:
        return None
    if chunk[9:10] == b"a":  # it says UTF-8, and is not
        return None
    return _marc8_record(chunk, notes)


def _marc8_record(chunk: bytes, notes: list[str]) -> pymarc.Record | None:
    try:
        marc = pymarc.Record(chunk, to_unicode=True, force_utf8=False, hide_utf8_warnings=True)
    except Exception:  # noqa: BLE001 - not MARC-8 either: reported as not UTF-8
        return None
    if b"\x1b" not in chunk and (problems := _marc8_problems(_field_bytes(chunk))):
        notes.append(f"{problems} characters that are not MARC-8, as its leader says")
    return marc


def _damaged(error: Exception | None) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "unreadable MARC record: its text is not UTF-8"
    text = (str(error) or type(error).__name__) if error else "unknown error"
    return f"unreadable MARC record (damaged or cut short): {text}"


def _only_padding_after(handle: BinaryIO, position: int) -> bool:
    """Whether nothing but blanks (a final newline, a DOS end-of-file mark, spaces filling the
    last block of a tape-era file) follows."""
    handle.seek(position)
    only_padding = True
    while block := handle.read(1 << 16):
        if block.strip(_PADDING):
            only_padding = False
            break
    handle.seek(position)
    return only_padding


def _seek_next_leader(handle: BinaryIO, position: int) -> bool:
    """Move to the next record leader from `position`; False when there is none."""
    handle.seek(position)
    overlap = b""
    offset = position  # where the next block starts in the file
    while block := handle.read(1 << 16):
        data = overlap + block
        match = LEADER.search(data)
        if match:
            handle.seek(offset - len(overlap) + match.start())
            return True
        overlap = data[-23:]
        offset += len(block)
    return False


class _Handler(XmlHandler):
    """pymarc's MARCXML handler, made to keep records for `take()` and to survive a bad one.

    Only elements in the MARC namespace (or in none) count, so the OAI-PMH envelope of a saved
    harvest response is ignored. An error inside one record (a controlfield without a tag)
    spoils that record only.
    """

    def __init__(self) -> None:
        super().__init__()
        self._ready: list[tuple[int, pymarc.Record | str]] = []
        self._number = 0
        self._problem: str | None = None

    def take(self) -> list[tuple[int, pymarc.Record | str]]:
        ready, self._ready = self._ready, []
        return ready

    def startElementNS(self, name: tuple[str | None, str], qname: Any, attrs: Any) -> None:
        if name[0] not in (MARC_XML_NS, None):
            return
        if name[1] == "record":
            self._number += 1
            self._problem = None
        try:
            super().startElementNS(name, qname, attrs)
        except Exception as error:
            self._problem = self._problem or f"unreadable MARCXML record: <{name[1]}> {error!r}"
            self._field = None

    def endElementNS(self, name: tuple[str | None, str], qname: Any) -> None:
        if name[0] not in (MARC_XML_NS, None):
            return
        try:
            super().endElementNS(name, qname)
        except Exception as error:
            self._problem = self._problem or f"unreadable MARCXML record: </{name[1]}> {error!r}"
            self._field = None
            if name[1] == "record":
                self.process_record(None)

    def process_record(self, record: pymarc.Record | None) -> None:
        self._ready.append((self._number, self._problem or record or "empty record"))
        self._record = None


def _parser(handler: _Handler) -> Any:
    parser = make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(handler)
    return parser


def _xml_records(handle: BinaryIO, name: str) -> Iterator[Parsed]:
    handler = _Handler()
    parser = _parser(handler)
    seen = 0
    try:
        while block := handle.read(1 << 16):
            parser.feed(block)
            for number, marc in handler.take():
                seen = number
                yield f"record {number}", marc, ()
        parser.close()
    except SAXException as error:
        for number, marc in handler.take():
            seen = number
            yield f"record {number}", marc, ()
        if seen == 0:
            raise CatalogFileError(f"{name} is not well-formed XML: {error}") from None
        yield (
            f"record {seen + 1}",
            f"the file is not well-formed XML from here ({error}); nothing after it was read",
            (),
        )
    for number, marc in handler.take():
        yield f"record {number}", marc, ()
