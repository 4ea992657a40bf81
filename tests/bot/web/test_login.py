"""Signing in to the dashboard: one-time links, sessions, CSRF, headers, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.time.clock import FakeClock
from tests.conftest import WEB, Chat
from tests.web import csrf_of, link_of, sign_in

pytestmark = pytest.mark.settings(WEB + "port = 18080\n")


async def test_a_moderator_signs_in_with_the_link_from_dashboard(
    client: TestClient, make_chat
) -> None:
    chat: Chat = make_chat(moderator=True)
    path = await link_of(chat)
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1; Secure behind an https public_url
    home = await client.get("/")
    html = await home.text()
    assert home.status == 200
    assert "Masuk sebagai sari" in html  # the bot's language: Indonesian
    assert "Perpustakaan" in html


async def test_a_link_opens_once(client: TestClient, make_chat) -> None:
    chat: Chat = make_chat(moderator=True)
    path = await link_of(chat)
    assert (await client.get(path)).status == 200
    client.session.cookie_jar.clear()
    again = await client.get(path)
    assert again.status == 403
    assert "sudah dipakai" in await again.text()
    assert (await client.get("/")).status == 401


async def test_a_link_expires_after_ten_minutes(
    client: TestClient, make_chat, clock: FakeClock
) -> None:
    chat: Chat = make_chat(moderator=True)
    path = await link_of(chat)
    await clock.advance(timedelta(minutes=10, seconds=1).total_seconds())
    response = await client.get(path)
    assert response.status == 403
    assert "kedaluwarsa" in await response.text()


async def test_a_session_ends_after_a_day_without_use(
    client: TestClient, make_chat, clock: FakeClock
) -> None:
    await sign_in(client, make_chat(moderator=True))
    await clock.advance(timedelta(hours=23).total_seconds())
    assert (await client.get("/")).status == 200  # used: a day from now again
    await clock.advance(timedelta(hours=23).total_seconds())
    assert (await client.get("/")).status == 200
    await clock.advance(timedelta(days=1, minutes=2).total_seconds())
    response = await client.get("/")
    assert response.status == 401
    assert "/dashboard" in await response.text()


async def test_members_get_no_link(client: TestClient, make_chat) -> None:
    answer = await make_chat(user="budi").say("/dashboard")
    assert "Hanya moderator" in answer
    assert "/login/" not in answer


async def test_a_forged_or_guessed_link_opens_nothing_and_many_tries_are_stopped(
    client: TestClient,
) -> None:
    for attempt in range(10):
        response = await client.get(f"/login/guess{attempt}")
        assert response.status == 403
    assert (await client.get("/login/guess-again")).status == 429


async def test_a_moderator_may_ask_for_five_links_in_ten_minutes(make_chat) -> None:
    chat: Chat = make_chat(moderator=True)
    for _ in range(5):
        await link_of(chat)
    answer = await chat.say("/dashboard")
    assert "/login/" not in answer
    assert "beberapa tautan" in answer


async def test_a_post_without_its_csrf_token_is_refused(client: TestClient, make_chat) -> None:
    html = await sign_in(client, make_chat(moderator=True))
    refused = await client.post("/language", data={"locale": "en", "next": "/"})
    assert refused.status == 403
    assert "kedaluwarsa" in await refused.text()
    forged = await client.post("/language", data={"locale": "en", "csrf": "x" * 43})
    assert forged.status == 403
    assert "Masuk sebagai" in await (await client.get("/")).text()  # unchanged
    changed = await client.post("/language", data={"locale": "en", "csrf": csrf_of(html)})
    assert changed.status == 200
    assert "Signed in as sari" in await changed.text()


async def test_the_language_switch_never_sends_the_browser_elsewhere(
    client: TestClient, make_chat
) -> None:
    html = await sign_in(client, make_chat(moderator=True))
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await client.post(
            "/language",
            data={"locale": "en", "next": elsewhere, "csrf": csrf_of(html)},
            allow_redirects=False,
        )
        assert response.headers["Location"] == "/"


async def test_logout_all_ends_every_session(client: TestClient, make_chat, app) -> None:
    from aiohttp.test_utils import TestServer

    from bot.web.server import WebServer

    chat: Chat = make_chat(moderator=True)
    await sign_in(client, chat)
    async with TestClient(TestServer(WebServer(app.dispatcher).application())) as phone:
        await sign_in(phone, chat)
        assert (await phone.get("/")).status == 200
        answer = await chat.say("/dashboard logout-all")
        assert "2 sesi" in answer
        assert (await phone.get("/")).status == 401
    assert (await client.get("/")).status == 401


async def test_signing_out_ends_this_session(client: TestClient, make_chat) -> None:
    html = await sign_in(client, make_chat(moderator=True))
    response = await client.post("/logout", data={"csrf": csrf_of(html)})
    assert response.status == 200
    assert (await client.get("/")).status == 401


async def test_every_answer_carries_the_security_headers(client: TestClient, make_chat) -> None:
    answers = [await client.get("/"), await client.get("/login/nope")]
    await sign_in(client, make_chat(moderator=True))
    answers += [
        await client.get("/"),
        await client.get("/static/dashboard.css"),
        await client.get("/p/no-such-page"),
    ]
    for response in answers:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_dashboard_off_says_how_to_turn_it_on(tmp_path) -> None:
    from bot.config import load_config
    from bot.process.app import App
    from tests.conftest import Chat, write_config

    config = load_config(write_config(tmp_path), env={})
    app = await App.open(config)
    try:
        answer = await Chat(app, moderator=True).say("/dashboard")
    finally:
        await app.close()
    assert "[web] enabled = true" in answer


async def test_behind_https_the_cookie_is_secure_and_links_use_the_public_address(
    tmp_path,
) -> None:
    from aiohttp.test_utils import TestServer

    from bot.config import load_config
    from bot.process.app import App
    from bot.web.server import WebServer
    from tests.conftest import Chat, write_config

    extra = '[web]\nenabled = true\npublic_url = "https://bot.perpus.example/"\n'
    app = await App.open(load_config(write_config(tmp_path, extra), env={}))
    try:
        answer = await Chat(app, moderator=True).say("/dashboard")
        assert "(https://bot.perpus.example/login/" in answer
        token = answer.split("/login/")[1].split(")")[0]
        async with TestClient(TestServer(WebServer(app.dispatcher).application())) as client:
            response = await client.get(f"/login/{token}", allow_redirects=False)
            assert "Secure" in response.headers["Set-Cookie"]
    finally:
        await app.close()


async def test_every_change_is_logged_with_the_moderator(
    client: TestClient, make_chat, caplog
) -> None:
    import logging

    html = await sign_in(client, make_chat(user="rina", moderator=True))
    with caplog.at_level(logging.INFO, logger="pustaka.web"):
        await client.post(
            "/p/calendar", data={"csrf": csrf_of(html), "action": "pause", "id": "99"}
        )
    assert any(
        "rina (console rina)" in record.getMessage()
        and "changed calendar: pause" in record.getMessage()
        for record in caplog.records
    )


async def test_behind_a_proxy_one_address_guessing_links_does_not_lock_out_others(
    tmp_path,
) -> None:
    from aiohttp.test_utils import TestServer

    from bot.config import load_config
    from bot.process.app import App
    from bot.web.server import WebServer
    from tests.conftest import Chat, write_config

    extra = '[web]\nenabled = true\npublic_url = "https://bot.perpus.example"\n'
    app = await App.open(load_config(write_config(tmp_path, extra), env={}))
    try:
        async with TestClient(TestServer(WebServer(app.dispatcher).application())) as proxy:
            guesser = {"X-Forwarded-For": "203.0.113.9"}
            for attempt in range(10):
                await proxy.get(f"/login/guess{attempt}", headers=guesser)
            assert (await proxy.get("/login/again", headers=guesser)).status == 429
            answer = await Chat(app, moderator=True).say("/dashboard")
            token = answer.split("/login/")[1].split(")")[0]
            librarian = {"X-Forwarded-For": "198.51.100.4"}
            response = await proxy.get(f"/login/{token}", headers=librarian, allow_redirects=False)
            assert response.status == 303
    finally:
        await app.close()


async def test_a_port_in_use_leaves_the_bot_running_and_says_why(tmp_path, caplog) -> None:
    import logging
    import socket

    from bot.config import load_config
    from bot.process.app import App
    from bot.web.server import WebServer
    from tests.conftest import Chat, write_config

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        extra = f"[web]\nenabled = true\nport = {port}\n"
        app = await App.open(load_config(write_config(tmp_path, extra), env={}))
        try:
            with caplog.at_level(logging.ERROR, logger="pustaka.web"):
                await WebServer(app.dispatcher).run()  # returns instead of serving
            assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
            assert "Perpustakaan" in await Chat(app).say("/about")
        finally:
            await app.close()
