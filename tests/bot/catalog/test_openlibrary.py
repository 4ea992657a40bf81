from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot import __version__
from bot.catalog.openlibrary import (
    OLBook,
    OpenLibrary,
    OpenLibraryNotFound,
    OpenLibraryUnavailable,
)
from bot.config import ConfigError, OpenLibrarySettings, load_config
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.databases import target
from tests.fakes.openlibrary_api import FakeOpenLibrary

MakeClient = Callable[..., OpenLibrary]


class SkipClock(FakeClock):
    """A FakeClock whose sleep returns at once, moving its time on and noting each wait."""

    def __init__(self) -> None:
        super().__init__()
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await self.advance(seconds)


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenLibrary]:
    server = FakeOpenLibrary()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(target(tmp_path / "t.db"))
    yield store
    await store.close()


@pytest.fixture
def clock() -> SkipClock:
    return SkipClock()


@pytest.fixture
async def make_client(
    fake: FakeOpenLibrary, store: Store, clock: SkipClock
) -> AsyncIterator[MakeClient]:
    clients: list[OpenLibrary] = []

    def make(**settings: Any) -> OpenLibrary:
        # The fastest allowed pace keeps the tests quick; one test checks the spacing itself.
        chosen = {"base_url": fake.base_url, "requests_per_second": 10, "timeout_seconds": 2.0}
        client = OpenLibrary(OpenLibrarySettings(**(chosen | settings)), store, clock)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(make_client: MakeClient) -> OpenLibrary:
    return make_client()


# Searching ----------------------------------------------------------------------------------


async def test_search_finds_a_book_with_its_details(
    client: OpenLibrary, fake: FakeOpenLibrary
) -> None:
    """Searching "Laskar Pelangi" finds Andrea Hirata's novel with its year, ISBNs and pages."""
    books = await client.search("Laskar Pelangi")
    assert books == [
        OLBook(
            key="/works/OL17000001W",
            title="Laskar Pelangi",
            authors=("Andrea Hirata",),
            year=2005,
            cover_id=8000001,
            subjects=(
                "Indonesian fiction",
                "Friendship",
                "Schools",
                "Belitung Island (Indonesia)",
            ),
            isbns=("9793062797", "9789793062792"),
            languages=("ind",),
            pages=529,
        )
    ]
    (request,) = fake.requests
    assert request.path == "/search.json"
    assert request.query["q"] == "Laskar Pelangi" and request.query["limit"] == "10"
    assert "author_name" in request.query["fields"].split(",")


async def test_search_by_author_respects_the_limit(
    client: OpenLibrary, fake: FakeOpenLibrary
) -> None:
    """An author search asks only for as many books as wanted, and a missing field stays empty."""
    books = await client.search(author="Pramoedya Ananta Toer", limit=1)
    assert [(book.title, book.pages) for book in books] == [("Bumi Manusia", None)]
    assert fake.requests[0].query["author"] == "Pramoedya Ananta Toer"
    assert fake.requests[0].query["limit"] == "1"
    assert "q" not in fake.requests[0].query


async def test_search_by_isbn_with_hyphens(client: OpenLibrary, fake: FakeOpenLibrary) -> None:
    """An ISBN typed with hyphens still finds the book."""
    books = await client.search(isbn="978-979-3062-79-2")
    assert [book.title for book in books] == ["Laskar Pelangi"]
    assert fake.requests[0].query["isbn"] == "9789793062792"


async def test_messy_results_keep_what_is_usable(client: OpenLibrary) -> None:
    """A result with wrongly typed fields is kept without them; one without a key is dropped."""
    (book,) = await client.search("Ronggeng")
    assert book.title == "Ronggeng Dukuh Paruk"
    assert (book.authors, book.year, book.cover_id, book.pages) == ((), None, None, None)
    assert book.isbns == () and book.languages == ("ind",)


async def test_empty_search_asks_nothing(client: OpenLibrary, fake: FakeOpenLibrary) -> None:
    """A search with nothing to look for finds nothing without bothering Open Library."""
    assert await client.search("   ") == []
    assert fake.requests == []


# Politeness ---------------------------------------------------------------------------------


async def test_user_agent_names_pustaka_and_the_contact(
    make_client: MakeClient, fake: FakeOpenLibrary
) -> None:
    """Every request names Pustaka and the library's contact, as Open Library asks."""
    await make_client(contact="pustakawan@perpus.example.ac.id").search("Bumi Manusia")
    await make_client().search("Sang Pemimpi")
    agents = [request.headers["User-Agent"] for request in fake.requests]
    assert agents == [
        f"Pustaka/{__version__} (pustakawan@perpus.example.ac.id)",
        f"Pustaka/{__version__}",
    ]


async def test_rate_limit_spaces_requests(make_client: MakeClient, fake: FakeOpenLibrary) -> None:
    """With requests_per_second = 5, requests arrive about 0.2 s apart, never in a burst (the
    bounds leave room for a loaded machine delaying one request's arrival, not for a burst)."""
    client = make_client(requests_per_second=5)
    for title in ("Laskar Pelangi", "Bumi Manusia", "Sang Pemimpi", "Anak Semua Bangsa"):
        await client.search(title)
    times = [request.at for request in fake.requests]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3
    assert min(gaps) > 0.1
    assert times[-1] - times[0] > 0.5


async def test_429_then_success_waits_as_told(
    client: OpenLibrary, fake: FakeOpenLibrary, clock: SkipClock
) -> None:
    """After a 429 the client waits Retry-After (or backs off without one), then gets the book."""
    fake.fail_next("rate_limited", retry_after="2")
    fake.fail_next("rate_limited")
    books = await client.search("Laskar Pelangi")
    assert [book.title for book in books] == ["Laskar Pelangi"]
    assert len(fake.requests) == 3
    assert clock.slept == [2.0, 1.0]


async def test_long_retry_after_gives_up_and_stays_quiet(
    client: OpenLibrary, fake: FakeOpenLibrary, clock: SkipClock
) -> None:
    """A 429 asking for two minutes fails at once, and nothing is asked until they are over."""
    fake.fail_next("rate_limited", retry_after="120")
    with pytest.raises(OpenLibraryUnavailable, match="rate-limited"):
        await client.search("Laskar Pelangi")
    with pytest.raises(OpenLibraryUnavailable, match="rate-limited"):
        await client.search("Bumi Manusia")
    assert len(fake.requests) == 1 and clock.slept == []
    await clock.advance(121)
    assert [book.title for book in await client.search("Bumi Manusia")] == ["Bumi Manusia"]


async def test_server_error_three_times_is_unavailable(
    client: OpenLibrary, fake: FakeOpenLibrary, clock: SkipClock
) -> None:
    """Three 500s in a row, with growing waits between them, end as Open Library unavailable."""
    fake.fail_next("server_error", times=3)
    with pytest.raises(OpenLibraryUnavailable, match="server error 500"):
        await client.search("Laskar Pelangi")
    assert len(fake.requests) == 3
    assert clock.slept == [0.5, 1.0]


async def test_one_server_error_is_retried(client: OpenLibrary, fake: FakeOpenLibrary) -> None:
    """A single 500 is retried and the member still gets the book."""
    fake.fail_next("server_error")
    assert [book.title for book in await client.search("Sang Pemimpi")] == ["Sang Pemimpi"]
    assert len(fake.requests) == 2


async def test_timeout_is_unavailable(make_client: MakeClient, fake: FakeOpenLibrary) -> None:
    """An Open Library that never answers ends as unavailable after one short attempt (a second
    would only keep the member waiting), and is not asked again meanwhile."""
    client = make_client(timeout_seconds=0.2)
    fake.fail_next("hang", times=3)
    with pytest.raises(OpenLibraryUnavailable, match="timed out"):
        await client.search("Laskar Pelangi")
    assert len(fake.requests) == 1
    with pytest.raises(OpenLibraryUnavailable, match="not asked again"):
        await client.search("Sang Pemimpi")
    assert len(fake.requests) == 1


async def test_unreachable_server_is_unavailable(make_client: MakeClient) -> None:
    """Nothing listening at the address ends as unavailable, not as a crash."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(OpenLibraryUnavailable, match="cannot connect"):
        await client.search("Laskar Pelangi")


def refused_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_outage_backs_off_and_is_logged_once(
    make_client: MakeClient, clock: SkipClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Unreachable: asked again only after 30 s, then 60 s, 120 s … up to 15 minutes; one log
    line when the outage begins (at INFO: the console chat shows WARNING and above)."""
    caplog.set_level("DEBUG", logger="pustaka")
    client = make_client(base_url=refused_url())
    start = clock.now()
    asked_at = []
    for _ in range(400):
        try:
            await client.search("Laskar Pelangi")
        except OpenLibraryUnavailable as error:
            if "cannot connect" in str(error):
                asked_at.append(round((clock.now() - start).total_seconds()))
        await clock.advance(10)
    gaps = [b - a for a, b in zip(asked_at, asked_at[1:], strict=False)]
    assert gaps[:6] == [30, 60, 120, 240, 480, 900]
    assert set(gaps[5:]) == {900}
    assert client.outage == 1
    began = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(began) == 1 and began[0].levelname == "INFO"
    assert not [r for r in caplog.records if r.levelno >= 30]


async def test_outage_ends_when_open_library_answers_again(
    make_client: MakeClient, fake: FakeOpenLibrary, clock: SkipClock, caplog
) -> None:
    """A hang starts an outage; once the back-off has passed, the next search asks, gets its
    answer, and the outage ends with one more log line."""
    caplog.set_level("INFO", logger="pustaka")
    client = make_client(timeout_seconds=0.2)
    fake.fail_next("hang")
    with pytest.raises(OpenLibraryUnavailable):
        await client.search("Laskar Pelangi")
    await clock.advance(29)
    with pytest.raises(OpenLibraryUnavailable, match="not asked again"):
        await client.search("Laskar Pelangi")
    assert len(fake.requests) == 1 and client.outage == 1
    await clock.advance(2)
    assert [b.title for b in await client.search("Laskar Pelangi")] == ["Laskar Pelangi"]
    assert client.outage is None
    messages = [r.getMessage() for r in caplog.records if r.name == "pustaka.openlibrary"]
    assert len([m for m in messages if "unreachable" in m]) == 1
    assert messages[-1] == "Open Library answers again, after 31 s"


async def test_malformed_json_is_unavailable_and_not_kept(
    client: OpenLibrary, fake: FakeOpenLibrary
) -> None:
    """A cut-off answer is unavailable at once, and is not cached: the next search asks again."""
    fake.fail_next("malformed")
    with pytest.raises(OpenLibraryUnavailable, match="not JSON"):
        await client.search("Laskar Pelangi")
    assert len(fake.requests) == 1
    assert len(await client.search("Laskar Pelangi")) == 1
    assert len(fake.requests) == 2


async def test_wrongly_shaped_answer_is_unavailable(
    client: OpenLibrary, fake: FakeOpenLibrary
) -> None:
    """JSON that is not the expected object is unavailable, for searches and works alike."""
    fake.fail_next("wrong_shape", times=2)
    with pytest.raises(OpenLibraryUnavailable, match="unexpected answer"):
        await client.search("Laskar Pelangi")
    with pytest.raises(OpenLibraryUnavailable, match="unexpected answer"):
        await client.work("OL17000001W")


# Cache --------------------------------------------------------------------------------------


async def test_cached_answer_makes_no_second_request(
    client: OpenLibrary, fake: FakeOpenLibrary
) -> None:
    """The same search twice within a day asks Open Library only once."""
    first = await client.search("Bumi Manusia")
    second = await client.search("Bumi Manusia")
    assert first == second and len(first) == 1
    assert len(fake.requests) == 1


async def test_cache_survives_a_new_client(make_client: MakeClient, fake: FakeOpenLibrary) -> None:
    """The cache is in the database, so a restarted bot does not ask again."""
    await make_client().work("OL17000002W")
    work = await make_client().work("OL17000002W")
    assert work["title"] == "Bumi Manusia" and len(fake.requests) == 1


async def test_expired_cache_asks_again(
    client: OpenLibrary, fake: FakeOpenLibrary, clock: SkipClock
) -> None:
    """After cache_hours (24) the answer is fetched afresh."""
    await client.search("Bumi Manusia")
    await clock.advance(23 * 3600)
    await client.search("Bumi Manusia")
    assert len(fake.requests) == 1
    await clock.advance(2 * 3600)
    await client.search("Bumi Manusia")
    assert len(fake.requests) == 2


async def test_stale_answer_served_when_open_library_is_down(
    client: OpenLibrary, fake: FakeOpenLibrary, clock: SkipClock
) -> None:
    """When the refetch of an expired answer fails, the old answer is better than none."""
    before = await client.search("Laskar Pelangi")
    await clock.advance(25 * 3600)
    fake.fail_next("server_error", times=3)
    assert await client.search("Laskar Pelangi") == before
    assert len(fake.requests) == 4


async def test_prune_forgets_answers_a_month_past_expiry(
    client: OpenLibrary, fake: FakeOpenLibrary, clock: SkipClock, store: Store
) -> None:
    """Expired answers stay a month for outages, then pruning (at start) drops them."""
    await client.search("Laskar Pelangi")
    await clock.advance(24 * 3600 + 29 * 86400)
    await client.search("Bumi Manusia")
    assert await client.prune() == 0
    await clock.advance(2 * 86400)
    assert await client.prune() == 1  # Laskar Pelangi: 24 hours + 31 days old
    [kept] = await store.fetchall("SELECT url FROM openlibrary_cache")
    assert "Bumi" in kept[0]


async def test_cache_hours_zero_always_asks(make_client: MakeClient, fake: FakeOpenLibrary) -> None:
    """cache_hours = 0 asks every time."""
    client = make_client(cache_hours=0)
    await client.subject("Friendship")
    await client.subject("Friendship")
    assert len(fake.requests) == 2


async def test_disabled_makes_no_request(make_client: MakeClient, fake: FakeOpenLibrary) -> None:
    """enabled = false: every call fails at once as "disabled" and nothing goes out."""
    client = make_client(enabled=False)
    with pytest.raises(OpenLibraryUnavailable, match="disabled"):
        await client.search("Laskar Pelangi")
    with pytest.raises(OpenLibraryUnavailable, match="disabled"):
        await client.work("OL17000001W")
    with pytest.raises(OpenLibraryUnavailable, match="disabled"):
        await client.subject("Indonesian fiction")
    with pytest.raises(OpenLibraryUnavailable, match="disabled"):
        client.cover_url(8000001)
    assert fake.requests == []


# Works, subjects, covers --------------------------------------------------------------------


async def test_description_in_both_shapes(client: OpenLibrary) -> None:
    """A work's description reads as plain text whether Open Library sent a string or an object."""
    laskar = await client.work("/works/OL17000001W")
    bumi = await client.work("OL17000002W")
    assert laskar["description"].startswith("Ten children of Belitung")
    assert bumi["description"].startswith("Minke, a Javanese student")
    assert laskar["covers"] == [8000001]
    assert laskar["subjects"] == ["Indonesian fiction", "Friendship", "Schools"]
    assert set(bumi) == {"key", "title", "description", "subjects", "covers"}


async def test_merged_work_is_followed(client: OpenLibrary) -> None:
    """A merged duplicate leads to the surviving work."""
    work = await client.work("OL17000009W")
    assert (work["key"], work["title"]) == ("/works/OL17000002W", "Bumi Manusia")


async def test_unknown_work_is_not_found(client: OpenLibrary, fake: FakeOpenLibrary) -> None:
    """A work Open Library does not have is reported as not found, without retrying."""
    with pytest.raises(OpenLibraryNotFound):
        await client.work("OL99999999W")
    assert len(fake.requests) == 1
    with pytest.raises(ValueError):
        await client.work("Laskar Pelangi")


async def test_subject_lists_its_books(client: OpenLibrary, fake: FakeOpenLibrary) -> None:
    """A subject lists its books with their authors, asking for the subject's Open Library name."""
    books = await client.subject("Historical fiction", limit=5)
    assert [(book.title, book.authors) for book in books] == [
        ("Bumi Manusia", ("Pramoedya Ananta Toer",)),
        ("Anak Semua Bangsa", ("Pramoedya Ananta Toer",)),
    ]
    assert fake.requests[0].path == "/subjects/historical_fiction.json"
    assert fake.requests[0].query["limit"] == "5"


async def test_cover_url(make_client: MakeClient) -> None:
    """Cover addresses use the cover id and size, and the configured covers server."""
    assert make_client().cover_url(8000001) == ("https://covers.openlibrary.org/b/id/8000001-M.jpg")
    mirror = make_client(covers_url="https://sampul.example.ac.id/")
    assert mirror.cover_url(8000001, "l") == "https://sampul.example.ac.id/b/id/8000001-L.jpg"
    with pytest.raises(ValueError):
        mirror.cover_url(8000001, "XL")


# Settings -----------------------------------------------------------------------------------


def test_settings_from_the_config_file(tmp_path: Path) -> None:
    """The [openlibrary] keys are read; a whole number of requests per second is accepted."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[openlibrary]\nrequests_per_second = 2\ntimeout_seconds = 5\ncache_hours = 0\n"
        'contact = "perpus@example.ac.id"\n',
        encoding="utf-8",
    )
    settings = load_config(path, env={}).openlibrary
    assert settings == replace(
        OpenLibrarySettings(),
        requests_per_second=2.0,
        timeout_seconds=5.0,
        cache_hours=0,
        contact="perpus@example.ac.id",
    )
    assert isinstance(settings.requests_per_second, float)


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("requests_per_second = 0", "requests_per_second", "above 0"),
        ("requests_per_second = 11", "requests_per_second", "at most 10"),
        ("requests_per_second = 'fast'", "requests_per_second", "expected a number"),
        ("requests_per_second = nan", "requests_per_second", "above 0"),
        ("timeout_seconds = 61.0", "timeout_seconds", "at most 60"),
        ("timeout_seconds = true", "timeout_seconds", "got boolean"),
        ("cache_hours = -1", "cache_hours", "between 0 and 8760"),
        ("cache_hours = 1.5", "cache_hours", "expected an integer"),
        ("covers_url = 'covers'", "covers_url", "http"),
        ("contact = 'perpus\u00e9@example.ac.id'", "contact", "ASCII"),
    ],
)
def test_bad_settings_name_their_key(tmp_path: Path, line: str, key: str, words: str) -> None:
    """Each wrong [openlibrary] value stops the bot with one line naming the key."""
    path = tmp_path / "config.toml"
    path.write_text(f"[openlibrary]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path, env={})
    assert raised.value.key == f"openlibrary.{key}"
    assert words in raised.value.message


async def test_closed_client_is_unavailable(make_client: MakeClient) -> None:
    """After aclose, calls fail as unavailable instead of crashing."""
    client = make_client()
    await client.aclose()
    with pytest.raises(OpenLibraryUnavailable, match="closed"):
        await client.search("Laskar Pelangi")
    await client.aclose()
