from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pymarc.marcxml import record_to_xml

from bot.catalog.harvest import HarvestError, harvest, last_harvest
from bot.catalog.store import Catalog
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.bot.catalog.test_import_marc import koha_item, marc_record
from tests.databases import target
from tests.fakes.oai_pmh import FakeOAI, FakeRecord, dc

BOOKS = [
    FakeRecord(
        "oai:perpus:1",
        "2026-01-02",
        dc(
            "Bumi manusia /",
            creators=("Toer, Pramoedya Ananta",),
            subjects=("Sastra Indonesia", "Fiksi sejarah."),
            description="Roman pertama Tetralogi Buru.",
            date="1980",
            language="ind",
            identifiers=("ISBN 979-97312-3-2", "http://perpus.example/index.php?id=1234567890"),
            publisher="Hasta Mitra",
        ),
        sets=("fiksi",),
    ),
    FakeRecord("oai:perpus:2", "2026-01-03", dc("Laskar pelangi", creators=("Andrea Hirata",))),
    FakeRecord("oai:perpus:3", "2026-01-04", dc("Ronggeng Dukuh Paruk", language="id")),
    FakeRecord("oai:perpus:4", "2026-01-04", dc(None, creators=("Anonim",))),
]


@pytest.fixture
def oai() -> Iterator[FakeOAI]:
    with FakeOAI(page_size=2) as repository:
        for record in BOOKS:
            repository.add(record)
        yield repository


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[Catalog]:
    store = await Store.open(target(tmp_path / "catalog.db"))
    yield Catalog(store, FakeClock())
    await store.close()


async def titles(catalog: Catalog) -> list[str]:
    rows = await catalog.store.fetchall("SELECT title FROM books ORDER BY source_id")
    return [row[0] for row in rows]


async def test_pages_joined_by_resumption_token(catalog: Catalog, oai: FakeOAI) -> None:
    """Two pages become one catalog; a record without a title is reported by its identifier."""
    summary = await harvest(catalog, catalog.store, oai.url)
    assert (summary.added, summary.updated, summary.removed) == (3, 0, 0)
    assert summary.skipped == [("oai:perpus:4", "no title (dc:title)")]
    assert await titles(catalog) == ["Bumi manusia", "Laskar pelangi", "Ronggeng Dukuh Paruk"]
    assert [set(r) for r in oai.requests] == [
        {"verb", "metadataPrefix"},
        {"verb", "resumptionToken"},
    ]


async def test_dublin_core_fields_a_reader_sees(catalog: Catalog, oai: FakeOAI) -> None:
    """Author turned round, subjects, year, language, ISBN (not a URL's digits), publisher."""
    await harvest(catalog, catalog.store, oai.url)
    [bumi] = await catalog.books(
        [await catalog.store.fetchval("SELECT id FROM books WHERE source_id = 'oai:perpus:1'")]
    )
    record = bumi.record
    assert record.source == oai.url
    assert record.authors == ("Pramoedya Ananta Toer",)
    assert record.subjects == ("Sastra Indonesia", "Fiksi sejarah")
    assert (record.year, record.language, record.publisher) == (1980, "id", "Hasta Mitra")
    assert record.isbns == ("9789799731234",)
    assert record.description == "Roman pertama Tetralogi Buru."


async def test_incremental_harvest_asks_only_for_changes(catalog: Catalog, oai: FakeOAI) -> None:
    """The next harvest sends `from` = the last response date; a deleted book is removed."""
    await harvest(catalog, catalog.store, oai.url)
    assert await last_harvest(catalog.store, oai.url, "oai_dc") == "2026-01-05T03:00:00Z"
    oai.requests.clear()
    oai.response_date = "2026-01-06T03:00:00Z"
    oai.add(FakeRecord("oai:perpus:5", "2026-01-05", dc("Cantik itu luka")))
    oai.add(FakeRecord("oai:perpus:2", "2026-01-05", deleted=True))
    summary = await harvest(catalog, catalog.store, oai.url)
    assert oai.requests[0]["from"] == "2026-01-05"
    assert (summary.added, summary.removed, summary.unchanged) == (1, 1, 0)
    assert await titles(catalog) == ["Bumi manusia", "Ronggeng Dukuh Paruk", "Cantik itu luka"]
    assert await last_harvest(catalog.store, oai.url, "oai_dc") == "2026-01-06T03:00:00Z"


async def test_from_given_overrides_the_last_harvest(catalog: Catalog, oai: FakeOAI) -> None:
    """--from asks for changes since that day whatever was harvested before."""
    await harvest(catalog, catalog.store, oai.url)
    oai.requests.clear()
    summary = await harvest(catalog, catalog.store, oai.url, from_="2026-01-03")
    assert oai.requests[0]["from"] == "2026-01-03"
    assert (summary.added, summary.unchanged) == (0, 2)


async def test_a_later_from_does_not_skip_changes_next_time(catalog: Catalog, oai: FakeOAI) -> None:
    """--from after the last harvest leaves the mark, so the days in between come next time."""
    await harvest(catalog, catalog.store, oai.url)
    oai.response_date = "2026-03-01T00:00:00Z"
    await harvest(catalog, catalog.store, oai.url, from_="2026-02-01")
    assert await last_harvest(catalog.store, oai.url, "oai_dc") == "2026-01-05T03:00:00Z"


async def test_nothing_new_is_not_an_error(catalog: Catalog, oai: FakeOAI) -> None:
    """noRecordsMatch means zero changes: the harvest succeeds and remembers when it ran."""
    oai.response_date = "2027-01-02T08:00:00Z"
    summary = await harvest(catalog, catalog.store, oai.url, from_="2027-01-01")
    assert (summary.added, summary.updated, summary.removed, summary.skipped) == (0, 0, 0, [])
    assert await last_harvest(catalog.store, oai.url, "oai_dc") == "2027-01-02T08:00:00Z"


async def test_sets_are_harvested_separately(catalog: Catalog, oai: FakeOAI) -> None:
    """--set fiksi harvests that set only, and keeps its own incremental mark."""
    summary = await harvest(catalog, catalog.store, oai.url, set_spec="fiksi")
    assert summary.added == 1
    assert oai.requests[0]["set"] == "fiksi"
    assert await last_harvest(catalog.store, oai.url, "oai_dc", "fiksi") is not None
    assert await last_harvest(catalog.store, oai.url, "oai_dc") is None


async def test_an_oai_error_is_reported_and_the_catalog_survives(
    catalog: Catalog, oai: FakeOAI
) -> None:
    """badArgument: one clear error; books and the incremental mark stay; the next run works."""
    await harvest(catalog, catalog.store, oai.url)
    oai.error = ("badArgument", "Illegal argument: from")
    oai.response_date = "2026-02-01T00:00:00Z"
    with pytest.raises(HarvestError) as error:
        await harvest(catalog, catalog.store, oai.url)
    assert str(error.value) == (
        f"{oai.url} answered with the OAI-PMH error badArgument: Illegal argument: from"
    )
    assert await catalog.count() == 3
    assert await last_harvest(catalog.store, oai.url, "oai_dc") == "2026-01-05T03:00:00Z"
    oai.error = None
    await harvest(catalog, catalog.store, oai.url)
    assert await last_harvest(catalog.store, oai.url, "oai_dc") == "2026-02-01T00:00:00Z"


async def test_http_errors_are_one_clear_line(catalog: Catalog, oai: FakeOAI) -> None:
    """A wrong path (404) and a broken server (500) are named with their HTTP status."""
    wrong = oai.url.replace("oai2.php", "oai.php")
    with pytest.raises(HarvestError, match=r"answered HTTP 404 Not Found$"):
        await harvest(catalog, catalog.store, wrong)
    oai.status = 500
    with pytest.raises(HarvestError, match=r"answered HTTP 500 Internal Server Error$"):
        await harvest(catalog, catalog.store, oai.url)
    assert await catalog.count() == 0


@pytest.mark.parametrize("page", [b"<html><body>Selamat datang</body></html>", b"OK"])
async def test_a_web_page_instead_of_oai_pmh_is_one_clear_line(
    catalog: Catalog, oai: FakeOAI, page: bytes
) -> None:
    """The library's home page given as the OAI address: told it is not OAI-PMH."""
    oai.page = page
    with pytest.raises(HarvestError, match="did not answer with OAI-PMH XML"):
        await harvest(catalog, catalog.store, oai.url)


async def test_unreachable_server_is_one_clear_line(catalog: Catalog) -> None:
    """Nobody listening: "cannot reach" and the address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/oai2.php"
    with pytest.raises(HarvestError, match=f"cannot reach {url}"):
        await harvest(catalog, catalog.store, url)


async def test_marcxml_harvest_brings_koha_items(catalog: Catalog) -> None:
    """MARCXML records carry their 952 items as copies; the OAI identifier is the id."""
    marc = marc_record("1001", fields=(koha_item("K1"), koha_item("K2", due="2026-01-20")))
    with FakeOAI() as oai:
        oai.add(
            FakeRecord(
                "oai:koha:1001",
                "2026-01-02",
                marcxml=record_to_xml(marc, namespace=True).decode(),
            )
        )
        summary = await harvest(catalog, catalog.store, oai.url, "marcxml")
    assert summary.added == 1
    assert oai.requests[0]["metadataPrefix"] == "marcxml"
    row = await catalog.store.fetchone("SELECT source_id, title, copies, available FROM books")
    assert row is not None
    assert tuple(row) == ("oai:koha:1001", "Bumi manusia: sebuah roman", 2, 1)
