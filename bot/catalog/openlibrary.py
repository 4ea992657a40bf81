"""An async Open Library client: search, works, subjects and cover addresses, over httpx.

Open Library is a shared service run by volunteers, so the client is polite by construction: every
request names Pustaka and the configured contact in its User-Agent, requests are spaced to at most
``requests_per_second`` (no bursts), a 429 is backed off and a Retry-After obeyed, and answers are
kept in the ``openlibrary_cache`` table for ``cache_hours``. A member is waiting on every call, so
each attempt has a short total timeout and at most three attempts are made (only one when
nothing answers at the address, or nothing in time), and a search can be given the time the
member has left (``within``). Whatever goes wrong ends as OpenLibraryUnavailable with a short
reason, unless an expired cached answer exists: that is served instead, since an old answer
beats none.

Open Library sits behind a circuit breaker (`bot.catalog.breaker`): when it cannot be reached, does
not answer in time or answers with server errors, it is not asked again for a while, growing from
30 seconds to 15 minutes while the outage lasts, and every call fails at once meanwhile (``outage``
numbers the outage, so a caller can tell a member once per outage). An outage is logged once when
it begins and once when it ends. With ``enabled = false`` every call raises at once
and nothing touches the network, so the bot works fully offline.

Answers are parsed defensively: a field that is missing or of the wrong type is left out, and a
result without a work key or title is skipped. Only an answer of the wrong overall shape (not
JSON, or without its list of results) counts as Open Library being unavailable.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from aiolimiter import AsyncLimiter

from bot import __version__
from bot.catalog.breaker import CircuitBreaker
from bot.config import OpenLibrarySettings
from bot.storage.store import Store, StoreError
from bot.time.clock import Clock

log = logging.getLogger("pustaka.openlibrary")

ATTEMPTS = 3
BACKOFF_SECONDS = 0.5  # the wait before the second attempt; it doubles for each one after
# A 429 asking for a longer pause than this is not waited out while a member waits: the call
# fails at once, and so does every call until the pause is over, without asking again.
LONGEST_RETRY_AFTER = 10.0
MAX_ANSWER_BYTES = 4 * 1024 * 1024
MAX_LIMIT = 1000  # Open Library's own cap on results per request
MAX_REDIRECTS = 3  # merged works answer with a redirect record pointing at the surviving one
COVER_SIZES = ("S", "M", "L")
SEARCH_FIELDS = (
    "key",
    "title",
    "author_name",
    "first_publish_year",
    "cover_i",
    "subject",
    "isbn",
    "language",
    "number_of_pages_median",
)
_WORK_KEY = re.compile(r"(?:/works/)?(OL[0-9]+W)")
_ISBN = re.compile(r"[0-9]{9}[0-9X]|[0-9]{13}")

Check = Callable[[Any], bool]


STALE_KEPT = timedelta(days=30)  # how long an expired answer still stands in for an outage


class OpenLibraryUnavailable(Exception):
    """Open Library cannot answer now: down, slow, rate-limited, garbage, closed or disabled."""


class OpenLibraryNotFound(OpenLibraryUnavailable):
    """Open Library has no such work (404, or deleted). Caught by ``except OpenLibraryUnavailable``
    too; catch it first to tell a member the book is unknown rather than unreachable."""


@dataclass(frozen=True)
class OLBook:
    key: str  # "/works/OL..W"
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None  # first published
    cover_id: int | None = None  # for cover_url
    subjects: tuple[str, ...] = ()
    isbns: tuple[str, ...] = ()  # 10- and 13-digit, as Open Library lists them
    languages: tuple[str, ...] = ()  # MARC codes: "ind", "eng", …
    pages: int | None = None  # the median over the work's editions


def user_agent(contact: str) -> str:
    """``Pustaka/<version> (<contact>)``, without the parenthesis when there is no contact."""
    printable = "".join(char if " " <= char <= "~" else " " for char in contact)
    contact = " ".join(printable.split())
    return f"Pustaka/{__version__} ({contact})" if contact else f"Pustaka/{__version__}"


class OpenLibrary:
    """The client; see the module's docstring. Close it with ``aclose``."""

    def __init__(
        self,
        settings: OpenLibrarySettings,
        store: Store,
        clock: Clock,
        *,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        if not settings.requests_per_second > 0 or not settings.timeout_seconds > 0:
            raise ValueError("requests_per_second and timeout_seconds must be above 0")
        self.settings = settings
        self._store = store
        self._clock = clock
        self._http = http
        self._owns_http = http is None
        # One request per 1/rate seconds: a bucket of one, so requests are spaced, never bursts.
        self._limiter = AsyncLimiter(1, 1 / settings.requests_per_second)
        self._headers = {
            "User-Agent": user_agent(settings.contact),
            "Accept": "application/json",
        }
        self._quiet_until: datetime | None = None
        self._closed = False
        self._breaker = CircuitBreaker("Open Library", clock, log)

    @property
    def outage(self) -> int | None:
        """The number of the outage going on (Open Library not asked meanwhile), or None."""
        return self._breaker.outage

    # Public API ---------------------------------------------------------------------------

    async def search(
        self,
        query: str = "",
        *,
        title: str = "",
        author: str = "",
        subject: str = "",
        isbn: str = "",
        limit: int = 10,
        within: float | None = None,
    ) -> list[OLBook]:
        """Works matching every term given; no terms (or limit < 1) asks nothing and finds none.
        With ``within``, no answer in that many seconds is unavailable ("timed out")."""
        self._check_usable()
        isbn = re.sub(r"[^0-9Xx]", "", isbn).upper()
        terms = {"q": query, "title": title, "author": author, "subject": subject, "isbn": isbn}
        params = {name: value.strip() for name, value in terms.items() if value.strip()}
        if not params or limit < 1:
            return []
        params["fields"] = ",".join(SEARCH_FIELDS)
        params["limit"] = str(min(limit, MAX_LIMIT))
        try:
            async with asyncio.timeout(within):
                data = await self._get("/search.json", params, _has_list("docs"))
        except TimeoutError:
            raise OpenLibraryUnavailable("timed out") from None
        return _books(data["docs"], _book_from_search)[:limit]

    async def work(self, key: str) -> dict[str, Any]:
        """One work: ``{"key", "title", "description", "subjects", "covers"}``.

        ``key`` is "/works/OL..W" or "OL..W". The description is always a string ("" when there
        is none), whichever of its two shapes Open Library used; covers are positive ids only.
        A redirect (a merged work) is followed to the surviving work, whose key is returned.
        """
        self._check_usable()
        match = _WORK_KEY.fullmatch(key.strip().removesuffix(".json"))
        if match is None:
            raise ValueError(f"not an Open Library work key: {key!r}")
        olid = match[1]
        for _ in range(MAX_REDIRECTS + 1):
            data = await self._get(f"/works/{olid}.json", {}, _is_object)
            kind = data.get("type")
            kind = kind.get("key") if isinstance(kind, dict) else kind
            if kind == "/type/delete":
                raise OpenLibraryNotFound(f"work {olid} was deleted")
            if kind != "/type/redirect":
                return _work(olid, data)
            target = _WORK_KEY.fullmatch(_text(data.get("location")))
            if target is None:
                raise OpenLibraryUnavailable(f"work {olid} redirects nowhere")
            olid = target[1]
        raise OpenLibraryUnavailable(f"too many redirects from {key}")

    async def subject(self, name: str, limit: int = 12) -> list[OLBook]:
        """Works filed under a subject ("Indonesian fiction", "place:jakarta"), most read first."""
        self._check_usable()
        slug = "_".join(name.lower().split())
        if not slug or limit < 1:
            return []
        path = f"/subjects/{quote(slug, safe=':')}.json"
        data = await self._get(path, {"limit": str(min(limit, MAX_LIMIT))}, _has_list("works"))
        return _books(data["works"], _book_from_subject)[:limit]

    async def prune(self) -> int:
        """Forget answers older than the expiry plus ``STALE_KEPT``: expired answers still serve
        while Open Library is down, but not for ever. Returns how many were dropped."""
        oldest = self._clock.now() - timedelta(hours=self.settings.cache_hours) - STALE_KEPT
        rows = await self._store.fetchall(
            "DELETE FROM openlibrary_cache WHERE fetched_at < ? RETURNING url",
            (oldest.isoformat(),),
        )
        return len(rows)

    def cover_url(self, cover_id: int, size: str = "M") -> str:
        """The address of a cover picture; size S, M or L. Builds a string, asks nothing."""
        self._check_usable()
        if isinstance(cover_id, bool) or not isinstance(cover_id, int) or cover_id <= 0:
            raise ValueError(f"not a cover id: {cover_id!r}")
        if size.upper() not in COVER_SIZES:
            raise ValueError(f"cover size must be S, M or L, not {size!r}")
        return f"{self.settings.covers_url.rstrip('/')}/b/id/{cover_id}-{size.upper()}.jpg"

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it. Safe to call twice."""
        self._closed = True
        if self._owns_http and self._http is not None:
            await self._http.aclose()

    # Cache --------------------------------------------------------------------------------

    def _check_usable(self) -> None:
        if not self.settings.enabled:
            raise OpenLibraryUnavailable("disabled")
        if self._closed:
            raise OpenLibraryUnavailable("closed")

    async def _get(self, path: str, params: dict[str, str], check: Check) -> dict[str, Any]:
        """The answer for a URL: fresh from the cache, else fetched, else stale from the cache."""
        query = urlencode(params)
        url = f"{self.settings.base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")
        cached, fresh = await self._recall(url, check)
        if fresh:
            return cached
        try:
            data = await self._fetch(url, path)
            if not check(data):
                raise OpenLibraryUnavailable("unexpected answer")
        except OpenLibraryNotFound:
            raise
        except OpenLibraryUnavailable as error:
            if cached is None:
                raise
            log.debug("Open Library %s: %s; using an older answer", path, error)
            return cached
        await self._remember(url, data)
        return data

    async def _recall(self, url: str, check: Check) -> tuple[Any, bool]:
        """(cached answer or None, whether it is still fresh)."""
        try:
            row = await self._store.fetchone(
                "SELECT body, fetched_at FROM openlibrary_cache WHERE url = ?", (url,)
            )
        except StoreError as error:
            log.warning("cannot read the Open Library cache: %s", error)
            return None, False
        if row is None:
            return None, False
        try:
            data = json.loads(row["body"])
            fetched = datetime.fromisoformat(row["fetched_at"])
        except (TypeError, ValueError, RecursionError):
            return None, False
        if not check(data):
            return None, False
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        age = self._clock.now() - fetched
        # A time in the future (the clock was set back) counts as expired, not as fresh forever.
        return data, timedelta(0) <= age < timedelta(hours=self.settings.cache_hours)

    async def _remember(self, url: str, data: Any) -> None:
        try:
            await self._store.execute(
                "INSERT INTO openlibrary_cache (url, body, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET body = excluded.body,"
                " fetched_at = excluded.fetched_at",
                (url, json.dumps(data, ensure_ascii=False), self._clock.now().isoformat()),
            )
        except StoreError as error:
            log.warning("cannot write the Open Library cache: %s", error)

    # HTTP ---------------------------------------------------------------------------------

    async def _fetch(self, url: str, path: str) -> Any:
        """The decoded JSON answer, after up to ATTEMPTS attempts."""
        reason = "no answer"
        if not self._breaker.allow():
            raise OpenLibraryUnavailable("unreachable, not asked again yet")
        for attempt in range(1, ATTEMPTS + 1):
            if self._quiet_until is not None and self._clock.now() < self._quiet_until:
                raise OpenLibraryUnavailable("rate-limited")
            await self._limiter.acquire()
            wait = BACKOFF_SECONDS * 2 ** (attempt - 1)
            try:
                status, headers, body = await self._request(url)
            except (TimeoutError, httpx.TimeoutException) as error:
                # No answer in the whole time allowed: another try would keep the member waiting.
                self._breaker.failed("timed out")
                raise OpenLibraryUnavailable("timed out") from error
            except httpx.ConnectError as error:
                # Nothing answers at the address: asking again at once would not help.
                reason = f"cannot connect ({type(error).__name__})"
                self._breaker.failed(reason)
                raise OpenLibraryUnavailable(reason) from error
            except httpx.TransportError as error:
                reason = f"cannot connect ({type(error).__name__})"
            except httpx.HTTPError as error:
                raise OpenLibraryUnavailable(f"request failed ({type(error).__name__})") from error
            except asyncio.CancelledError:
                # The caller's time ran out while Open Library had the request: as good as down.
                self._breaker.failed("no answer in time")
                raise
            else:
                if status < 500:
                    self._breaker.succeeded()
                if 200 <= status < 300:
                    return _decode(body)
                if status == 404:
                    raise OpenLibraryNotFound(f"not found: {path}")
                if status == 429:
                    reason = "rate-limited"
                    asked = _retry_after(headers.get("Retry-After"), self._clock.now())
                    if asked is not None and asked > LONGEST_RETRY_AFTER:
                        self._quiet_until = self._clock.now() + timedelta(seconds=asked)
                        raise OpenLibraryUnavailable(f"rate-limited for {asked:.0f} s")
                    wait = wait if asked is None else asked
                elif status >= 500:
                    reason = f"server error {status}"
                else:
                    raise OpenLibraryUnavailable(f"unexpected status {status}")
            if attempt < ATTEMPTS:
                log.info("Open Library %s: %s; retrying in %.1f s", path, reason, wait)
                await self._clock.sleep(wait)
        log.debug("Open Library %s: %s after %d attempts", path, reason, ATTEMPTS)
        if reason != "rate-limited":
            self._breaker.failed(reason)
        raise OpenLibraryUnavailable(reason)

    async def _request(self, url: str) -> tuple[int, httpx.Headers, bytes]:
        """One GET within the total timeout; the body is read only for a success."""
        if self._http is None:
            self._http = httpx.AsyncClient()
        timeout = self.settings.timeout_seconds
        async with (
            asyncio.timeout(timeout),
            self._http.stream(
                "GET", url, headers=self._headers, timeout=timeout, follow_redirects=True
            ) as response,
        ):
            body = bytearray()
            if response.is_success:
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise OpenLibraryUnavailable("answer too large")
            return response.status_code, response.headers, bytes(body)


# Parsing ----------------------------------------------------------------------------------


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise OpenLibraryUnavailable("answer is not JSON") from None


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), None if absent/bad."""
    value = (value or "").strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - now).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _is_object(data: Any) -> bool:
    return isinstance(data, dict)


def _has_list(name: str) -> Check:
    return lambda data: isinstance(data, dict) and isinstance(data.get(name), list)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    """The non-empty strings of a list, in order, without repeats; () for anything else."""
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(text for item in value if (text := _text(item))))


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _isbns(value: Any) -> tuple[str, ...]:
    return tuple(isbn for isbn in _strings(value) if _ISBN.fullmatch(isbn.upper()))


def _work_key(value: Any) -> str:
    key = _text(value)
    return key if key.startswith("/works/") and _WORK_KEY.fullmatch(key) else ""


def _books(items: Iterable[Any], parse: Callable[[dict[str, Any]], OLBook | None]) -> list[OLBook]:
    return [book for item in items if isinstance(item, dict) and (book := parse(item))]


def _book_from_search(doc: dict[str, Any]) -> OLBook | None:
    key, title = _work_key(doc.get("key")), _text(doc.get("title"))
    if not key or not title:
        return None
    return OLBook(
        key=key,
        title=title,
        authors=_strings(doc.get("author_name")),
        year=_positive_int(doc.get("first_publish_year")),
        cover_id=_positive_int(doc.get("cover_i")),
        subjects=_strings(doc.get("subject")),
        isbns=_isbns(doc.get("isbn")),
        languages=_strings(doc.get("language")),
        pages=_positive_int(doc.get("number_of_pages_median")),
    )


def _book_from_subject(work: dict[str, Any]) -> OLBook | None:
    key, title = _work_key(work.get("key")), _text(work.get("title"))
    if not key or not title:
        return None
    authors = work.get("authors")
    authors = authors if isinstance(authors, list) else []
    names = [author.get("name") for author in authors if isinstance(author, dict)]
    return OLBook(
        key=key,
        title=title,
        authors=_strings(names),
        year=_positive_int(work.get("first_publish_year")),
        cover_id=_positive_int(work.get("cover_id")),
        subjects=_strings(work.get("subject")),
    )


def _work(olid: str, data: dict[str, Any]) -> dict[str, Any]:
    description = data.get("description")
    if isinstance(description, dict):
        description = description.get("value")
    covers = data.get("covers")
    return {
        "key": f"/works/{olid}",
        "title": _text(data.get("title")),
        "description": _text(description),
        "subjects": list(_strings(data.get("subjects"))),
        "covers": [c for c in covers if _positive_int(c)] if isinstance(covers, list) else [],
    }
