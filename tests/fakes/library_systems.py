"""Loopback SLiMS and Koha on 127.0.0.1, served from a thread, for the catalog sync.

FakeSlims replays the SLiMS answers in tests/fixtures/slims (built from SLiMS's source; see the
NOTE there): OAI-PMH at ``/oai2.php`` (datestamps are the records' creation dates, the ISBN in
``dc:identifier_isbn``, a deleted record simply left out), the OPAC detail page
``/index.php?p=show_detail&id=N`` with one row per copy and its loan, and the XML detail
(``&inXML=true``). FakeKoha: OAI-PMH at ``/cgi-bin/koha/oai.pl`` and the public REST items
``/api/v1/public/biblios/N/items``. Both switch on faults: `down` (connection refused), `delay`
seconds before every answer, `fail_requests` (the n-th OAI request, counted from 1, answers 500)
and `web_page` (the OAI address answers an HTML page).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from tests.fakes.oai_pmh import PATH as OAI_PATH
from tests.fakes.oai_pmh import FakeOAI, FakeRecord

FIXTURES = Path(__file__).parent.parent / "fixtures" / "slims"
_METADATA = re.compile(r"<metadata>(.*)</metadata>", re.S)


@dataclass
class Item:
    code: str
    call_number: str = ""
    location: str = ""
    due: date | None = None  # on loan until
    no_loan: bool = False
    status_name: str = ""
    lost: bool = False  # Koha only


@dataclass
class Biblio:
    biblio_id: int
    title: str
    author: str = ""
    subject: str = ""
    publisher: str = ""
    year: str = ""
    language: str = "Indonesia"
    isbn: str = ""
    call_number: str = ""
    created: str = "2025-11-03"  # SLiMS dates a record by its creation (input_date)
    items: list[Item] = field(default_factory=list)


class _Server:
    """The HTTP side shared by both fakes."""

    def __init__(self) -> None:
        self.biblios: dict[int, Biblio] = {}
        self.oai = FakeOAI(page_size=50)
        self.down = False
        self.delay = 0.0
        self.fail_requests: set[int] = set()
        self.web_page = False
        self.oai_requests = 0
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._port = 0

    def add(self, biblio: Biblio) -> Biblio:
        self.biblios[biblio.biblio_id] = biblio
        return biblio

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._port}/"

    def __enter__(self) -> _Server:
        self._start()
        return self

    def _start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                if fake.delay:
                    time.sleep(fake.delay)
                status, kind, body = fake.answer(self.path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        """Down: connections to its port are refused until `start_again`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def start_again(self) -> None:
        self._start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def answer(self, target: str) -> tuple[int, str, bytes]:
        raise NotImplementedError

    def _oai(self, target: str, path: str) -> tuple[int, str, bytes]:
        self.oai_requests += 1
        if self.oai_requests in self.fail_requests:
            return 500, "text/html", b"<html><body>Internal Server Error</body></html>"
        if self.web_page:
            page = b"<!DOCTYPE html><html><body><h1>Perpustakaan</h1></body></html>"
            return 200, "text/html", page
        if "verb=Identify" in target and isinstance(self, FakeSlims):
            text = (FIXTURES / "identify.xml").read_text(encoding="utf-8")
            return 200, "text/xml; charset=utf-8", text.replace("{base}", self.base).encode()
        self.oai.records = {}
        for biblio in self.biblios.values():
            self.oai.add(self._record(biblio))
        status, body = self.oai.answer(target.replace(path, OAI_PATH, 1))
        return status, "text/xml; charset=utf-8", body

    def _record(self, biblio: Biblio) -> FakeRecord:
        raise NotImplementedError


class FakeSlims(_Server):
    host = "perpustakaan.example"

    def answer(self, target: str) -> tuple[int, str, bytes]:
        url = urlsplit(target)
        if url.path == "/oai2.php":
            return self._oai(target, "/oai2.php")
        args = dict(parse_qsl(url.query))
        if url.path in ("/", "/index.php") and args.get("p") == "show_detail":
            biblio = self.biblios.get(int(args.get("id", "0") or 0))
            if biblio is None:
                return 404, "text/html", b"<html><body>Not found</body></html>"
            if args.get("inXML"):
                return 200, "text/xml", mods(biblio).encode()
            return 200, "text/html; charset=utf-8", detail_page(biblio).encode()
        return 404, "text/html", b"<html><body>404</body></html>"

    def _record(self, biblio: Biblio) -> FakeRecord:
        text = (FIXTURES / "oai2_record.xml").read_text(encoding="utf-8")
        values = {
            "host": self.host,
            "biblio_id": str(biblio.biblio_id),
            "datestamp": f"{biblio.created}T03:00:00Z",
            "title": escape(biblio.title),
            "author": escape(biblio.author),
            "subject": escape(biblio.subject),
            "publisher": escape(biblio.publisher),
            "year": escape(biblio.year),
            "language": escape(biblio.language),
            "isbn": escape(biblio.isbn),
            "call_number": escape(biblio.call_number),
            "collation": "xii, 529 hlm.; 21 cm",
        }
        text = text.format(**values)
        found = _METADATA.search(text)
        assert found is not None
        return FakeRecord(f"oai:{self.host}:slims-{biblio.biblio_id}", biblio.created, dc=found[1])


def detail_page(biblio: Biblio) -> str:
    row = (FIXTURES / "copy_row.html").read_text(encoding="utf-8")
    rows = []
    for item in biblio.items:
        if item.due is not None:
            avail = ("item-onloan", f"Currently On Loan (Due on {item.due.isoformat()})")
        elif item.no_loan:
            avail = ("item-notforloan", f"Available but not for loan - {item.status_name}")
        else:
            suffix = f" - {item.status_name}" if item.status_name else ""
            avail = ("item-available", f"Available{suffix}")
        rows.append(
            row.format(
                location=escape(item.location or "Location name is not set"),
                call_number=escape(item.call_number or "Location name is not set"),
                item_code=escape(item.code),
                avail_class=avail[0],
                avail_status=escape(avail[1]),
            )
        )
    copies = (
        '<div class="flex flex-col">' + "".join(rows) + "</div>"
        if rows
        else ('<p class="text-grey-dark">No copy data</p>')
    )
    page = (FIXTURES / "detail_page.html").read_text(encoding="utf-8")
    return page.replace("{title}", escape(biblio.title)).replace("{copies}", copies)


def mods(biblio: Biblio) -> str:
    holdings = "".join(
        "   <copyInformation>\n"
        f'    <numerationAndChronology type="1">{escape(item.code)}</numerationAndChronology>\n'
        f"    <sublocation>{escape(item.location)}</sublocation>\n"
        f"    <shelfLocator>{escape(item.call_number)}</shelfLocator>\n"
        "   </copyInformation>\n"
        for item in biblio.items
    )
    text = (FIXTURES / "mods_detail.xml").read_text(encoding="utf-8")
    for key, value in {
        "biblio_id": str(biblio.biblio_id),
        "title": escape(biblio.title),
        "isbn": escape(biblio.isbn),
        "call_number": escape(biblio.call_number),
        "holdings": holdings,
    }.items():
        text = text.replace("{" + key + "}", value)
    return text


class FakeKoha(_Server):
    """Koha's OAI-PMH (MARCXML without items, as when OAI-PMH:AutoUpdateSets leaves them out)
    and its public REST items."""

    def answer(self, target: str) -> tuple[int, str, bytes]:
        url = urlsplit(target)
        if url.path == "/cgi-bin/koha/oai.pl":
            return self._oai(target, "/cgi-bin/koha/oai.pl")
        found = re.fullmatch(r"/api/v1/public/biblios/(\d+)/items", url.path)
        if found:
            biblio = self.biblios.get(int(found[1]))
            if biblio is None:
                return 404, "application/json", b'{"error": "Bibliographic record not found"}'
            items = [
                {
                    "item_id": index + 1,
                    "biblio_id": biblio.biblio_id,
                    "external_id": item.code,
                    "callnumber": item.call_number or None,
                    "location": item.location or None,
                    "holding_library_id": "CPL",
                    "checked_out_date": "2026-01-02" if item.due else None,
                    "not_for_loan_status": 1 if item.no_loan else 0,
                    "lost_status": 1 if item.lost else 0,
                    "withdrawn": 0,
                    "damaged_status": 0,
                }
                for index, item in enumerate(biblio.items)
            ]
            return 200, "application/json", json.dumps(items).encode()
        return 404, "text/html", b"<html><body>404</body></html>"

    def _record(self, biblio: Biblio) -> FakeRecord:
        fields = [f'<controlfield tag="001">{biblio.biblio_id}</controlfield>']
        if biblio.isbn:
            fields.append(_datafield("020", a=biblio.isbn))
        if biblio.author:
            fields.append(_datafield("100", a=biblio.author))
        fields.append(_datafield("245", a=biblio.title))
        if biblio.year:
            fields.append(_datafield("264", c=biblio.year))
        marcxml = (
            '<record xmlns="http://www.loc.gov/MARC21/slim">'
            "<leader>00000nam a2200000 a 4500</leader>" + "".join(fields) + "</record>"
        )
        return FakeRecord(f"oai:koha:{biblio.biblio_id}", biblio.created, marcxml=marcxml)


def _datafield(tag: str, **subfields: str) -> str:
    inner = "".join(f'<subfield code="{c}">{escape(v)}</subfield>' for c, v in subfields.items())
    return f'<datafield tag="{tag}" ind1=" " ind2=" ">{inner}</datafield>'


RECORDED = FIXTURES / "recorded"


class RecordedSlims(_Server):
    """A real SLiMS's answers, recorded (tests/fixtures/slims/recorded, see NOTE.md there),
    replayed by `stage`: 1 as installed, 2 after a loan, 3 after a title edit and a deletion.
    A stage without its own recording of an answer replays the latest earlier one."""

    def __init__(self) -> None:
        super().__init__()
        self.stage = 1

    def _file(self, name: str) -> Path | None:
        for stage in range(self.stage, 0, -1):
            if (found := RECORDED / f"{stage}-{name}").is_file():
                return found
        return None

    def answer(self, target: str) -> tuple[int, str, bytes]:
        url = urlsplit(target)
        args = dict(parse_qsl(url.query))
        if url.path == "/oai2.php":
            self.oai_requests += 1
            if self.oai_requests in self.fail_requests:
                return 500, "text/html", b"<html><body>Internal Server Error</body></html>"
            if args.get("verb") == "Identify":
                return 200, "text/xml", (RECORDED / "identify.xml").read_bytes()
            name = "listrecords-from.xml" if "from" in args else "listrecords.xml"
            found = self._file(name)
            return (200, "text/xml", found.read_bytes()) if found else (404, "text/html", b"")
        if url.path in ("/", "/index.php") and args.get("p") == "show_detail":
            suffix = "xml" if args.get("inXML") else "html"
            found = self._file(f"detail-{args.get('id', '')}.{suffix}")
            if found is None:
                return 404, "text/html", b"<html><body>Not recorded</body></html>"
            return 200, f"text/{suffix}; charset=utf-8", found.read_bytes()
        return 404, "text/html", b"<html><body>404</body></html>"


INLISLITE = Path(__file__).parent.parent / "fixtures" / "inlislite" / "recorded"
_INLISLITE_NOT_FOUND = {"3-detail-15.html"}  # recorded with HTTP 404: the record was deleted


class RecordedInlislite(RecordedSlims):
    """A real INLISLite 3's answers, recorded (tests/fixtures/inlislite/recorded, see NOTE.md
    there), replayed by `stage` as RecordedSlims does, under its OPAC's routes: OAI-PMH at
    ``/oai`` (asked with `from`: the page it answers with HTTP 500) and ``/detail-opac?id=N``."""

    def _file(self, name: str) -> Path | None:
        for stage in range(self.stage, 0, -1):
            if (found := INLISLITE / f"{stage}-{name}").is_file():
                return found
        return None

    def answer(self, target: str) -> tuple[int, str, bytes]:
        url = urlsplit(target)
        args = dict(parse_qsl(url.query))
        if url.path == "/oai":
            self.oai_requests += 1
            if self.oai_requests in self.fail_requests:
                return 500, "text/html", b"<html><body>Internal Server Error</body></html>"
            if args.get("verb") == "Identify":
                return 200, "text/xml", (INLISLITE / "identify.xml").read_bytes()
            if "from" in args:
                return 500, "text/html; charset=UTF-8", self._read("listrecords-from.html")
            return 200, "text/xml", self._read("listrecords.xml")
        if url.path == "/detail-opac":
            found = self._file(f"detail-{args.get('id', '')}.html")
            if found is None:
                return 404, "text/html", b"<html><body>Not recorded</body></html>"
            status = 404 if found.name in _INLISLITE_NOT_FOUND else 200
            return status, "text/html; charset=UTF-8", found.read_bytes()
        return 404, "text/html", b"<html><body>404</body></html>"

    def _read(self, name: str) -> bytes:
        found = self._file(name)
        assert found is not None, name
        return found.read_bytes()
