"""The statistics page of the web dashboard: /stats's table for the days asked, its chart as a
PNG, and the figures as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import WEB, Chat
from tests.web import sign_in

pytestmark = pytest.mark.settings(WEB + "[stats]\nchart_process = false\n")


async def test_the_page_shows_the_figures_the_chart_and_the_downloads(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    for name in ("ani", "budi", "citra"):
        member = make_chat(user=name)
        await member.say("/help")
        await member.say("/about")
    librarian = make_chat(user="pustakawan", moderator=True)
    await sign_in(client, librarian)

    page = await client.get("/p/stats?days=7")
    html = await page.text()
    assert "Statistik: 7 hari terakhir" in html
    assert '<img class="chart" src="/p/stats?days=7&amp;format=png"' in html
    assert "Anggota aktif" in html or "anggota" in html.lower()

    chart = await client.get("/p/stats?days=7&format=png")
    assert chart.status == 200 and chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG\r\n\x1a\n")

    download = await client.get("/p/stats?days=7&format=csv")
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(await download.text())))
    summary = {row[1]: row[2] for row in rows if row[0] == "summary"}
    assert summary["members"] == "4"  # three members and the librarian


async def test_a_days_value_out_of_range_shows_the_default(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    await sign_in(client, make_chat(user="pustakawan", moderator=True))
    html = await (await client.get("/p/stats?days=9999")).text()
    assert "Statistik: 30 hari terakhir" in html


async def test_the_pages_figures_are_at_most_a_minute_old(
    client: TestClient, make_chat: Callable[..., Chat], clock
) -> None:
    await make_chat(user="ani").say("/help")
    await sign_in(client, make_chat(user="pustakawan", moderator=True))

    async def members() -> str:
        download = await client.get("/p/stats?days=7&format=csv")
        rows = csv.reader(io.StringIO(await download.text()))
        return {row[1]: row[2] for row in rows if row[0] == "summary"}["members"]

    assert await members() == "2"
    await make_chat(user="budi").say("/help")
    assert await members() == "2"  # the page and its chart read the figures once
    await clock.advance(61)
    assert await members() == "3"


async def test_a_range_of_past_days_counts_only_those_days(
    client: TestClient, make_chat: Callable[..., Chat], clock
) -> None:
    await make_chat(user="ani").say("/help")  # Monday 5 January 2026
    await clock.advance(8 * 24 * 3600)
    await make_chat(user="budi").say("/help")  # Tuesday 13 January
    await sign_in(client, make_chat(user="pustakawan", moderator=True))

    page = await (await client.get("/p/stats?from=2026-01-05&to=2026-01-06")).text()
    assert "Statistik: 5 Januari 2026 sampai 6 Januari 2026" in page
    assert 'src="/p/stats?from=2026-01-05&amp;to=2026-01-06&amp;format=png"' in page
    rows = csv.reader(
        io.StringIO(
            await (await client.get("/p/stats?from=2026-01-05&to=2026-01-06&format=csv")).text()
        )
    )
    summary = {row[1]: row[2] for row in rows if row[0] == "summary"}
    assert (summary["members"], summary["uses"]) == ("1", "1")  # ani alone, once

    later = await (await client.get("/p/stats?from=2026-01-12&to=2026-02-01")).text()
    assert "Statistik: 30 hari terakhir" in later  # a range not over yet: the usual view
