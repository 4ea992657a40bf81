"""/book while Open Library is down: answers from the shelf, a notice once, one log line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.catalog.test_catalog import CANTIK
from tests.conftest import write_config
from tests.fakes.openlibrary_api import FakeOpenLibrary

NOTICE_ID = "Hasil daring sedang tidak tersedia."
NOTICE_EN = "Online results are unavailable right now."
LASKAR = replace(
    CANTIK, source_id="lp", title="Laskar Pelangi", authors=("Andrea Hirata",), year=2005
)


@pytest.fixture
def config(tmp_path: Path, openlibrary: FakeOpenLibrary) -> Config:
    extra = (
        f'[openlibrary]\nbase_url = "{openlibrary.base_url}"\nrequests_per_second = 10\n'
        "timeout_seconds = 0.2\n"
    )
    return load_config(write_config(tmp_path, extra), env={})


@pytest.fixture
async def catalog(app: App):
    feature = next(f for f in app.services.registry.features if f.name == "catalog")
    await feature.catalog.upsert([LASKAR])
    return feature.catalog


def outage_lines(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pustaka.openlibrary" and words in r.getMessage()
    ]


async def test_unreachable_open_library(
    make_chat, catalog, openlibrary: FakeOpenLibrary, clock: FakeClock, caplog
) -> None:
    """Open Library refusing connections: the book on the shelf is shown, the notice once per
    member for the whole outage, Open Library not asked again until the back-off has passed,
    one log line when the outage begins and one when it ends."""
    caplog.set_level("INFO", logger="pustaka")
    await openlibrary.stop()
    ani, budi = make_chat(user="ani"), make_chat(user="budi")
    tom = make_chat(user="tom", locale="en")

    first = await ani.say("/buku laskar pelangi")
    assert "Laskar Pelangi — Andrea Hirata (2005)" in first
    assert "ada di rak" in first
    assert NOTICE_ID in first
    again = await ani.say("/buku laskar pelangi")
    assert "Laskar Pelangi — Andrea Hirata (2005)" in again and NOTICE_ID not in again
    assert NOTICE_ID in await budi.say("/buku laskar pelangi")
    assert NOTICE_ID not in await budi.say("/buku cantik")
    english = await tom.say("/book laskar pelangi")
    assert "on the shelf" in english and NOTICE_EN in english
    assert NOTICE_EN not in await tom.say("/book laskar pelangi")
    assert len(outage_lines(caplog, "unreachable")) == 1

    await openlibrary.start()
    await clock.advance(10)
    assert "Di tempat lain" not in await ani.say("/buku bumi manusia")  # not asked yet
    assert openlibrary.requests == []
    await clock.advance(25)
    back = await ani.say("/buku bumi manusia")
    assert "Di tempat lain, di Open Library" in back
    assert "Bumi Manusia — Pramoedya Ananta Toer (1980) (tidak ada di perpustakaan kami)" in back
    assert len(outage_lines(caplog, "unreachable")) == 1
    assert outage_lines(caplog, "answers again") == ["Open Library answers again, after 35 s"]
    assert not [r for r in caplog.records if r.levelno >= 30]


async def test_hanging_open_library(
    make_chat, catalog, openlibrary: FakeOpenLibrary, clock: FakeClock
) -> None:
    """Open Library that does not answer: the first search gives up after the timeout, the
    next ones answer from the shelf without asking; a new outage tells members again."""
    openlibrary.fail_next("hang", times=1)
    ani = make_chat(user="ani")
    first = await ani.say("/buku laskar pelangi")
    assert "Laskar Pelangi — Andrea Hirata (2005)" in first and NOTICE_ID in first
    second = await ani.say("/buku laskar pelangi")
    assert NOTICE_ID not in second
    assert len(openlibrary.requests) == 1

    await clock.advance(31)
    assert "Di tempat lain" in await ani.say("/buku bumi manusia")  # back
    openlibrary.fail_next("hang", times=1)
    assert NOTICE_ID in await ani.say("/buku anak semua bangsa")  # a new outage


def test_console_chat_stays_clean_while_open_library_is_down(tmp_path: Path) -> None:
    """The console chat with Open Library unreachable: no log line among the answers, the
    notice once, the books from the shelf."""
    from tests.bot.adapters.test_console import pustaka
    from tests.bot.catalog.test_openlibrary import refused_url

    write_config(tmp_path, f'[openlibrary]\nbase_url = "{refused_url()}"\n', sample=True)
    done = pustaka("chat", cwd=tmp_path, stdin=b"/buku laskar pelangi\n/buku bumi manusia\n")
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "Laskar Pelangi — Andrea Hirata (2005)" in out
    assert "Bumi Manusia — Pramoedya Ananta Toer (1980)" in out
    assert out.count(NOTICE_ID) == 1
    assert "WARNING" not in out + err and "cannot connect" not in out + err
