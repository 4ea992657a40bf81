"""The calendar's page on the web dashboard: the month with what will be posted, and changes
made through the /calendar commands, refused as the commands refuse them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient

from bot.process.app import App
from cogs.calendar import web
from tests.cogs.calendar.test_calendar import number
from tests.conftest import WEB, Chat
from tests.web import csrf_of, sign_in

# The fake clock starts on Monday 5 January 2026, 10:00 WIB.


pytestmark = pytest.mark.settings(WEB)


async def scheduled(make_chat: Callable[..., Chat]) -> tuple[Chat, int]:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/event reminders 1h")
    await librarian.say('/event create "Bedah Buku" "Kamis jam 19.00"')
    await librarian.say("/event confirm 1")
    return librarian, number(await librarian.say("/calendar"), "Bedah Buku")


async def test_the_month_shows_what_will_be_posted_on_its_day(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian, item = await scheduled(make_chat)
    await sign_in(client, librarian)
    html = await (await client.get("/p/calendar")).text()
    assert "Kalender: Januari 2026" in html
    cell = re.search(r'<span class="day">8</span>(.*?)</td>', html, re.S)
    assert cell and "Pengingat Bedah Buku" in cell.group(1) and "18.00 WIB" in cell.group(1)
    assert f"#{item}</code> Kamis, 8 Januari 2026, 18.00 WIB" in html
    february = await (await client.get("/p/calendar?month=2026-02")).text()
    assert "Februari 2026" in february and "Bedah Buku" not in february


async def test_a_later_month_shows_its_items_however_full_the_months_before_are(
    client: TestClient, make_chat: Callable[..., Chat], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "SHOWN", 2)  # a month shows at most 2 items here, not 1,000
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/event reminders 1h")
    for title, when in (
        ("Bedah Buku", "Kamis jam 19.00"),
        ("Klub Puisi", "Jumat jam 19.00"),
        ("Dongeng Anak", "Sabtu jam 10.00"),
        ("Temu Penulis", "12 Februari 2026 19.00"),
    ):
        await librarian.say(f'/event create "{title}" "{when}"')
    for event in range(1, 5):
        await librarian.say(f"/event confirm {event}")
    await sign_in(client, librarian)
    january = await (await client.get("/p/calendar")).text()
    assert "Bedah Buku" in january and "Klub Puisi" in january
    assert "Dongeng Anak" not in january and "Hanya item pertama yang ditampilkan" in january
    february = await (await client.get("/p/calendar?month=2026-02")).text()
    assert "Pengingat Temu Penulis" in february
    assert "Bedah Buku" not in february


async def test_moving_pausing_and_cancelling_go_through_the_commands(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian, item = await scheduled(make_chat)
    page = await sign_in(client, librarian)
    csrf = csrf_of(page)

    def form(action: str, **values: str) -> dict[str, str]:
        return {"csrf": csrf, "action": action, "id": str(item), "month": "2026-01", **values}

    moved = await client.post("/p/calendar", data=form("move", date="2026-01-09", time="17:30"))
    html = await moved.text()
    assert f"Dipindah #{item} ke Jumat, 9 Januari 2026, 17.30 WIB" in html
    assert f"Jumat, 9 Januari 2026\n#{item} 17.30 WIB" in await librarian.say("/calendar")

    paused = await (await client.post("/p/calendar", data=form("pause"))).text()
    assert f"Dijeda #{item}" in paused
    assert "dijeda" in await librarian.say("/calendar")
    again = await (await client.post("/p/calendar", data=form("pause"))).text()
    assert f"#{item} sudah dijeda" in again  # the command's own refusal

    past = await (
        await client.post("/p/calendar", data=form("move", date="2025-01-01", time="10:00"))
    ).text()
    assert "masa lalu" in past or "sudah lewat" in past

    cancelled = await (await client.post("/p/calendar", data=form("cancel"))).text()
    assert f"Dibatalkan #{item}" in cancelled
    assert "Bedah Buku" not in await librarian.say("/calendar")


async def test_another_communitys_item_cannot_be_touched(
    client: TestClient, make_chat: Callable[..., Chat], app: App
) -> None:
    _, item = await scheduled(make_chat)
    logins = app.services.web.logins
    assert logins is not None
    token = await logins.link(  # as /dashboard gives it to a moderator of another community
        "console",
        "rina",
        {
            "platform": "console",
            "member_id": "rina",
            "display_name": "rina",
            "channel_id": "#lain",
            "community_id": "other-library",
            "community_name": "Perpustakaan Lain",
            "thread_id": None,
            "moderator": True,
        },
        app.services.clock.now(),
    )
    page = await (await client.get(f"/login/{token}")).text()
    assert "Perpustakaan Lain" in page
    html = await (await client.get("/p/calendar")).text()
    assert "Bedah Buku" not in html
    refused = await client.post(
        "/p/calendar",
        data={"csrf": csrf_of(page), "action": "cancel", "id": str(item), "month": "2026-01"},
    )
    assert f"Tidak ada jadwal #{item} untuk komunitas ini" in await refused.text()
    assert (
        await app.services.scheduler.state(
            (await app.services.scheduler.job(item)).key  # type: ignore[union-attr]
        )
        == "pending"
    )


async def test_members_cannot_open_the_calendar(client: TestClient) -> None:
    response = await client.get("/p/calendar")
    assert response.status == 401


async def test_an_items_changes_are_offered_when_it_is_opened(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian, item = await scheduled(make_chat)
    await sign_in(client, librarian)
    month = await (await client.get("/p/calendar?month=2026-01")).text()
    assert 'name="action" value="move"' not in month  # a full month stays light
    opened = await (await client.get(f"/p/calendar?month=2026-01&item={item}")).text()
    assert f'<input type="hidden" name="id" value="{item}">' in opened
    assert 'value="2026-01-08"' in opened and 'value="18:00"' in opened  # its date and time
    assert "Batalkan item ini untuk seterusnya?" not in opened
    asked = await (await client.get(f"/p/calendar?month=2026-01&item={item}&confirm=1")).text()
    assert "Batalkan item ini untuk seterusnya?" in asked
