"""A small OAI-PMH repository on 127.0.0.1 for harvesting tests, served from a thread.

ListRecords only, with `from`, `set` and resumption tokens (`page_size` records a page, the last
page with an empty token, as the protocol has it), deleted records, oai_dc and marcxml, and
switches to answer with an OAI error, an HTTP status or any page. Every request's arguments are
kept in `requests`. A thread rather than the test's event loop, so that a CLI subprocess can use
it too.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape, quoteattr

PATH = "/oai2.php"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?")


@dataclass
class FakeRecord:
    identifier: str
    datestamp: str  # YYYY-MM-DD
    dc: str = ""  # the <oai_dc:dc> element
    marcxml: str = ""  # the MARC21 <record> element
    sets: tuple[str, ...] = ()
    deleted: bool = False


def dc(
    title: str | None,
    *,
    creators: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    description: str = "",
    date: str = "",
    language: str = "",
    identifiers: tuple[str, ...] = (),
    publisher: str = "",
) -> str:
    """An oai_dc record's metadata."""
    parts = [("title", title)] if title is not None else []
    parts += [("creator", c) for c in creators] + [("subject", s) for s in subjects]
    parts += [("description", description), ("date", date), ("language", language)]
    parts += [("identifier", i) for i in identifiers] + [("publisher", publisher)]
    body = "".join(f"<dc:{name}>{escape(value)}</dc:{name}>" for name, value in parts if value)
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/">{body}</oai_dc:dc>'
    )


@dataclass
class FakeOAI:
    page_size: int = 2
    response_date: str = "2026-01-05T03:00:00Z"
    records: dict[str, FakeRecord] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    error: tuple[str, str] | None = None  # (code, message) to answer every request with
    status: int | None = None  # an HTTP status to answer every request with
    page: bytes | None = None  # a body to answer every request with, HTTP 200 (a web page)
    _server: ThreadingHTTPServer | None = None

    def add(self, record: FakeRecord) -> None:
        self.records[record.identifier] = record

    @property
    def url(self) -> str:
        assert self._server is not None, "start the repository first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{PATH}"

    def __enter__(self) -> FakeOAI:
        repository = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = repository.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def answer(self, target: str) -> tuple[int, bytes]:
        url = urlsplit(target)
        if url.path != PATH:
            return 404, b"<html><body><h1>404 Not Found</h1></body></html>"
        if self.status is not None:
            return self.status, b"Internal Server Error"
        if self.page is not None:
            return 200, self.page
        args = dict(parse_qsl(url.query))
        self.requests.append(args)
        if self.error is not None:
            return 200, self._envelope(args, self._error(*self.error))
        if args.get("verb") != "ListRecords":
            return 200, self._envelope(args, self._error("badVerb", "only ListRecords here"))
        if "resumptionToken" in args:
            prefix, since, set_spec, offset = args["resumptionToken"].split("|")
        else:
            prefix, since, set_spec = (args.get(k, "") for k in ("metadataPrefix", "from", "set"))
            offset = "0"
        if since and not _DATE.fullmatch(since):
            return 200, self._envelope(args, self._error("badArgument", f"bad from: {since}"))
        if prefix not in ("oai_dc", "marcxml"):
            return 200, self._envelope(args, self._error("cannotDisseminateFormat", prefix))
        chosen = [
            r
            for r in sorted(self.records.values(), key=lambda r: r.identifier)
            if r.datestamp >= since[:10] and (not set_spec or set_spec in r.sets)
        ]
        if not chosen:
            return 200, self._envelope(args, self._error("noRecordsMatch", ""))
        start = int(offset)
        page = chosen[start : start + self.page_size]
        body = "".join(self._record(r, prefix) for r in page)
        if start + self.page_size < len(chosen):
            token = f"{prefix}|{since}|{set_spec}|{start + self.page_size}"
            body += (
                f'<resumptionToken completeListSize="{len(chosen)}" cursor="{start}">'
                f"{escape(token)}</resumptionToken>"
            )
        elif start > 0:
            body += f'<resumptionToken completeListSize="{len(chosen)}" cursor="{start}"/>'
        return 200, self._envelope(args, f"<ListRecords>{body}</ListRecords>")

    def _record(self, record: FakeRecord, prefix: str) -> str:
        sets = "".join(f"<setSpec>{escape(s)}</setSpec>" for s in record.sets)
        status = ' status="deleted"' if record.deleted else ""
        header = (
            f"<header{status}><identifier>{escape(record.identifier)}</identifier>"
            f"<datestamp>{record.datestamp}</datestamp>{sets}</header>"
        )
        if record.deleted:
            return f"<record>{header}</record>"
        metadata = record.marcxml if prefix == "marcxml" else record.dc
        return f"<record>{header}<metadata>{metadata}</metadata></record>"

    def _error(self, code: str, message: str) -> str:
        return f'<error code="{code}">{escape(message)}</error>'

    def _envelope(self, args: dict[str, str], body: str) -> bytes:
        attributes = "".join(f" {k}={quoteattr(v)}" for k, v in args.items() if k.isalpha())
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            f"<responseDate>{self.response_date}</responseDate>"
            f"<request{attributes}>http://127.0.0.1{PATH}</request>{body}</OAI-PMH>"
        ).encode()
