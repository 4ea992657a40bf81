"""A loopback Open Library, enough for bot.catalog.openlibrary to talk to.

Serves ``/search.json``, ``/works/{id}.json`` and ``/subjects/{name}.json`` in Open Library's
shapes over a handful of real Indonesian novels. Titles, authors, years and ISBNs are the books'
real ones; work keys, author keys and cover ids are stand-ins in Open Library's format, not the
records' real ids. Tests read what arrived from `requests` (path, query, headers, arrival time)
and make the next answers go wrong with `fail_next`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from tests.fakes.loopback import serve_loopback

Fault = Literal["rate_limited", "server_error", "hang", "malformed", "wrong_shape"]

# What /search.json knows, in Open Library's field names. Ronggeng Dukuh Paruk is deliberately
# messy (wrong types, missing fields) and comes with a junk document without a usable key.
BOOKS: list[dict[str, Any]] = [
    {
        "key": "/works/OL17000001W",
        "title": "Laskar Pelangi",
        "author_name": ["Andrea Hirata"],
        "author_key": ["OL7000001A"],
        "first_publish_year": 2005,
        "cover_i": 8000001,
        "edition_count": 3,
        "isbn": ["9793062797", "9789793062792"],
        "language": ["ind"],
        "subject": ["Indonesian fiction", "Friendship", "Schools", "Belitung Island (Indonesia)"],
        "publisher": ["Bentang Pustaka"],
        "number_of_pages_median": 529,
    },
    {
        "key": "/works/OL17000002W",
        "title": "Bumi Manusia",
        "author_name": ["Pramoedya Ananta Toer"],
        "author_key": ["OL7000002A"],
        "first_publish_year": 1980,
        "cover_i": 8000002,
        "edition_count": 5,
        "isbn": ["0140256350", "9780140256352"],
        "language": ["ind", "eng"],
        "subject": ["Indonesian fiction", "Historical fiction", "Java (Indonesia)"],
        "publisher": ["Hasta Mitra", "Penguin Books"],
    },
    {
        "key": "/works/OL17000003W",
        "title": "Anak Semua Bangsa",
        "author_name": ["Pramoedya Ananta Toer"],
        "author_key": ["OL7000002A"],
        "first_publish_year": 1980,
        "edition_count": 2,
        "language": ["ind"],
        "subject": ["Indonesian fiction", "Historical fiction"],
        "publisher": ["Hasta Mitra"],
    },
    {
        "key": "/works/OL17000004W",
        "title": "Sang Pemimpi",
        "author_name": ["Andrea Hirata"],
        "author_key": ["OL7000001A"],
        "first_publish_year": 2006,
        "cover_i": 8000004,
        "language": ["ind"],
        "subject": ["Indonesian fiction", "Friendship"],
        "publisher": ["Bentang Pustaka"],
    },
    {
        "key": "/works/OL17000005W",
        "title": "Ronggeng Dukuh Paruk",
        "author_name": "Ahmad Tohari",
        "first_publish_year": "1982",
        "cover_i": None,
        "isbn": [12345, "not an isbn"],
        "language": ["ind", None, "ind"],
        "subject": ["Indonesian fiction", "Java (Indonesia)"],
        "number_of_pages_median": True,
    },
    {"key": None, "title": "Ronggeng Dukuh Paruk", "author_name": ["Ahmad Tohari"]},
]

WORKS: dict[str, dict[str, Any]] = {
    "OL17000001W": {
        "key": "/works/OL17000001W",
        "title": "Laskar Pelangi",
        "type": {"key": "/type/work"},
        "authors": [
            {"author": {"key": "/authors/OL7000001A"}, "type": {"key": "/type/author_role"}}
        ],
        "description": {
            "type": "/type/text",
            "value": "Ten children of Belitung keep a poor village school alive and learn what "
            "friendship and a devoted teacher can do.",
        },
        "covers": [8000001, -1],
        "subjects": ["Indonesian fiction", "Friendship", "Schools", 7],
        "first_publish_date": "2005",
        "latest_revision": 6,
        "revision": 6,
        "created": {"type": "/type/datetime", "value": "2009-12-10T01:58:10.452870"},
        "last_modified": {"type": "/type/datetime", "value": "2023-05-02T11:20:41.116744"},
    },
    "OL17000002W": {
        "key": "/works/OL17000002W",
        "title": "Bumi Manusia",
        "type": {"key": "/type/work"},
        "authors": [
            {"author": {"key": "/authors/OL7000002A"}, "type": {"key": "/type/author_role"}}
        ],
        "description": "Minke, a Javanese student at a Dutch school in Surabaya, meets Nyai "
        "Ontosoroh and her daughter Annelies. The first novel of the Buru Quartet.",
        "covers": [8000002],
        "subjects": ["Indonesian fiction", "Historical fiction"],
        "latest_revision": 9,
        "revision": 9,
    },
    # A merged duplicate of Bumi Manusia, as Open Library keeps them.
    "OL17000009W": {
        "key": "/works/OL17000009W",
        "type": {"key": "/type/redirect"},
        "location": "/works/OL17000002W",
        "revision": 2,
    },
}


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class FakeOpenLibrary:
    hang_seconds: float = 30.0
    """How long a "hang" answer is held back (stop() releases it at once)."""
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: list[tuple[Fault, str | None]] = []
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # Server -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Serve, on the port of before when started again after `stop`."""
        self._released = asyncio.Event()
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        self._runner, self.port = await serve_loopback(app, self.port)

    async def stop(self) -> None:
        """Stop serving: connections to the port are refused until `start`."""
        self._released.set()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # Test helpers -------------------------------------------------------------------------

    def fail_next(self, fault: Fault, times: int = 1, *, retry_after: str | None = None) -> None:
        """Answer the next `times` requests (any path) with `fault` instead of the real answer.

        rate_limited: 429, with a Retry-After header when given; server_error: 500; hang: no
        answer for hang_seconds; malformed: 200 with cut-off JSON; wrong_shape: 200 with a JSON
        array where an object belongs.
        """
        self._faults.extend([(fault, retry_after)] * times)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    # Handlers -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Request(request.path, dict(request.query), dict(request.headers), time.monotonic())
        )
        if self._faults:
            fault, retry_after = self._faults.pop(0)
            answer = await self._fault(fault, retry_after)
            if answer is not None:
                return answer
        path = request.path
        if path == "/search.json":
            return web.json_response(_search(request.query))
        if path.startswith("/works/") and path.endswith(".json"):
            olid = path.removeprefix("/works/").removesuffix(".json")
            if olid in WORKS:
                return web.json_response(WORKS[olid])
            return web.json_response({"error": "notfound", "key": f"/works/{olid}"}, status=404)
        if path.startswith("/subjects/") and path.endswith(".json"):
            name = path.removeprefix("/subjects/").removesuffix(".json")
            return web.json_response(_subject(name, request.query))
        return web.json_response({"error": "notfound"}, status=404)

    async def _fault(self, fault: Fault, retry_after: str | None) -> web.Response | None:
        if fault == "rate_limited":
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return web.Response(status=429, text="Too Many Requests", headers=headers)
        if fault == "server_error":
            return web.Response(status=500, text="Internal Server Error")
        if fault == "malformed":
            return web.Response(
                text='{"numFound": 2, "docs": [{"key": "/wor', content_type="application/json"
            )
        if fault == "wrong_shape":
            return web.json_response(["unexpected"])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), self.hang_seconds)
        return None


def _slug(text: str) -> str:
    return "_".join(text.lower().split())


def _matches(book: dict[str, Any], query: Any) -> bool:
    def has(value: Any, wanted: str) -> bool:
        values = value if isinstance(value, list) else [value]
        return any(isinstance(v, str) and wanted.lower() in v.lower() for v in values)

    checks = {
        "title": lambda w: has(book.get("title"), w),
        "author": lambda w: has(book.get("author_name"), w),
        "subject": lambda w: has(book.get("subject"), w),
        "isbn": lambda w: w in (book.get("isbn") or []),
        "q": lambda w: any(has(book.get(name), w) for name in ("title", "author_name", "subject")),
    }
    given = [(name, query[name]) for name in checks if name in query]
    return bool(given) and all(checks[name](wanted) for name, wanted in given)


def _search(query: Any) -> dict[str, Any]:
    found = [book for book in BOOKS if _matches(book, query)]
    limit = int(query.get("limit", 100))
    fields = query.get("fields", "*")
    docs = found[:limit]
    if fields != "*":
        wanted = fields.split(",")
        docs = [{name: doc[name] for name in wanted if name in doc} for doc in docs]
    return {
        "numFound": len(found),
        "start": 0,
        "numFoundExact": True,
        "docs": docs,
        "num_found": len(found),
        "q": query.get("q", ""),
        "offset": None,
    }


def _subject(name: str, query: Any) -> dict[str, Any]:
    found = [
        book
        for book in BOOKS
        if isinstance(book.get("key"), str)
        and any(_slug(s) == name for s in book.get("subject", []) if isinstance(s, str))
    ]
    limit = int(query.get("limit", 12))
    works = [
        {
            "key": book["key"],
            "title": book["title"],
            "edition_count": book.get("edition_count", 1),
            "cover_id": book.get("cover_i"),
            "subject": book.get("subject", []),
            "authors": [
                {"key": f"/authors/{key}", "name": author}
                for key, author in zip(
                    book.get("author_key", []), book.get("author_name", []), strict=False
                )
            ],
            "first_publish_year": book.get("first_publish_year"),
            "has_fulltext": False,
            "availability": {"status": "error"},
        }
        for book in found[:limit]
    ]
    return {
        "key": f"/subjects/{name}",
        "name": name.replace("_", " "),
        "subject_type": "subject",
        "work_count": len(found),
        "works": works,
    }
