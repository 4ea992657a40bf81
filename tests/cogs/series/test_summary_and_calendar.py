"""The monthly summary reads the other features through their public modules; every series'
next post can be described for /calendar."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

import pytest

from bot.api.jobs import JobContext
from bot.api.package import FeatureFactory, FeaturePackage
from bot.process.app import App
from bot.storage.scheduler import Job
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import run_jobs
from tests.cogs.quiz.test_quiz import quiz_features
from tests.cogs.series.test_series import DAY, HOUR, config
from tests.conftest import Chat

__all__ = ["config"]

ANSWERS = {"Bumi Manusia": "pramoedya ananta toer", "Laskar Pelangi": "andrea hirata"}


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    """Every feature, the quiz with its small test pack."""
    return quiz_features()


async def test_the_monthly_summary_tells_the_month_before(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "Minggu, 1 Februari 2026, 09.00 WIB" in await librarian.say("/series on monthly")
    await librarian.say('/club create "Klub Sastra" "Bumi Manusia"')
    sari = make_chat(user="sari")
    await sari.say("/club join Klub Sastra")
    await sari.say("/club progress 50%")  # the creator is a member too, at 0%
    await sari.say("/buku Kitab Omong Kosong Yang Tidak Ada")
    start = sari.output.tell()  # the console prints the question in the newest chat
    await librarian.say("/quiz start uji 1 20")
    asked = sari.printed_since(start)
    answer = next((a for title, a in ANSWERS.items() if title in asked), "pulau buru")
    await sari.say(f"/jawab {answer}")
    await run_jobs(app, clock, 30)
    start = sari.output.tell()
    await run_jobs(app, clock, 26 * DAY + 23 * HOUR)  # Sunday 1 February, 09.00 WIB
    posted = sari.printed_since(start)
    assert posted.count("Januari 2026 di perpustakaan") == 1
    assert "Klub Sastra: Bumi Manusia — rata-rata 25%, 0 dari 2 selesai" in posted
    assert "1. Kitab Omong Kosong Yang Tidak Ada — dicari 1 anggota" in posted
    assert re.search(r"Juara kuis\n1\. sari — 1\d\d poin\n", posted)


async def test_each_series_describes_its_next_post_for_the_calendar(
    app: App, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/series on weekly")
    await librarian.say("/series on arrivals")
    feature = next(f for f in app.services.registry.features if f.name == "series")
    rows = await app.services.store.fetchall(
        "SELECT id, kind, key, payload, due_at, attempts FROM jobs"
        " WHERE kind = 'series.post' AND state = 'pending' ORDER BY key"
    )
    jobs = [
        Job(r[0], r[1], r[2], json.loads(r[3]), datetime.fromisoformat(r[4]), r[5]) for r in rows
    ]
    assert len(jobs) == 2  # one pending job a series
    community = jobs[0].payload["community"]
    ctx = await JobContext.start(app.services).for_community(community)
    lines = [await feature.describe_job(ctx, job, (community,)) for job in jobs]
    assert lines == [
        "Seri: kabar buku baru, ke setiap kanal utama komunitas, bila katalog punya buku baru",
        "Seri: rekomendasi mingguan, ke setiap kanal utama komunitas",
    ]
    assert await feature.describe_job(ctx, jobs[0], (community + 1,)) is None
    await librarian.say("/series off weekly")
    assert await feature.describe_job(ctx, jobs[1], (community,)) is None
