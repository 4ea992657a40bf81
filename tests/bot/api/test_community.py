"""Circles of linked communities: codes, joining, refusals and unlinking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.api import community as circles
from bot.api.context import Destination
from bot.storage.store import Store
from tests.databases import target

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(target(tmp_path / "s.db"))
    yield store
    await store.close()


async def add(store: Store, platform: str, platform_id: str) -> int:
    await store.execute(
        "INSERT INTO communities (platform, platform_id, name, created_at) VALUES (?, ?, ?, ?)",
        (platform, platform_id, platform_id, NOW.isoformat()),
    )
    row = await store.fetchone(
        "SELECT id FROM communities WHERE platform = ? AND platform_id = ?", (platform, platform_id)
    )
    assert row is not None
    return int(row[0])


async def moderator(store: Store) -> int:
    await store.execute(
        "INSERT INTO members (platform, platform_id, created_at, last_seen_at)"
        " VALUES ('discord', 'm', ?, ?)",
        (NOW.isoformat(), NOW.isoformat()),
    )
    return 1


async def test_a_code_links_two_communities_once(store: Store) -> None:
    by = await moderator(store)
    discord, telegram, channel = (
        await add(store, "discord", "g"),
        await add(store, "telegram", "-100"),
        await add(store, "telegram", "-200"),
    )
    assert await circles.circle(store, discord) == (discord,)
    code = await circles.new_code(store, discord, by, NOW)
    assert await circles.join(store, code.lower().replace("-", " "), telegram, NOW) == discord
    assert await circles.circle(store, discord) == (discord, telegram)
    assert await circles.circle(store, telegram) == (telegram, discord)
    # Spent: the same code cannot link a third community.
    assert await circles.join(store, code, channel, NOW) is circles.Refusal.UNKNOWN
    # A code from inside the circle brings the channel in.
    code = await circles.new_code(store, telegram, by, NOW)
    assert await circles.join(store, code, channel, NOW) == telegram
    assert set(await circles.circle(store, discord)) == {discord, telegram, channel}


async def test_refusals(store: Store) -> None:
    by = await moderator(store)
    a, b, c = (
        await add(store, "discord", "a"),
        await add(store, "telegram", "b"),
        await add(store, "telegram", "c"),
    )
    code = await circles.new_code(store, a, by, NOW)
    assert await circles.join(store, code, a, NOW) is circles.Refusal.SAME
    assert await circles.join(store, "ZZZZ-ZZZZ", b, NOW) is circles.Refusal.UNKNOWN
    late = NOW + circles.CODE_LIFETIME + timedelta(seconds=1)
    assert await circles.join(store, code, b, late) is circles.Refusal.EXPIRED
    assert await circles.circle(store, b) == (b,)
    # b already in a circle with c cannot join a's with a new code.
    await circles.join(store, await circles.new_code(store, c, by, NOW), b, NOW)
    code = await circles.new_code(store, a, by, NOW)
    assert await circles.join(store, code, b, NOW) is circles.Refusal.ALREADY_LINKED
    # A new code replaces the community's earlier one.
    first = await circles.new_code(store, a, by, NOW)
    await circles.new_code(store, a, by, NOW)
    assert await circles.code_owner(store, first, c, NOW) is circles.Refusal.UNKNOWN


async def test_unlinking_keeps_the_rest_together(store: Store) -> None:
    by = await moderator(store)
    a, b, c, d = [await add(store, "telegram", str(n)) for n in range(4)]
    await circles.join(store, await circles.new_code(store, a, by, NOW), b, NOW)
    await circles.join(store, await circles.new_code(store, a, by, NOW), c, NOW)
    assert await circles.unlink(store, a)  # the one that started the circle leaves
    assert await circles.circle(store, a) == (a,)
    assert await circles.circle(store, b) == (b, c)
    # a starts a new circle; b and c stay apart from it.
    await circles.join(store, await circles.new_code(store, a, by, NOW), d, NOW)
    assert await circles.circle(store, a) == (a, d)
    assert await circles.circle(store, b) == (b, c)
    assert await circles.unlink(store, b)
    assert await circles.circle(store, c) == (c,)  # a circle of one dissolves
    assert not await circles.unlink(store, c)


async def test_homes_of_a_circle(store: Store) -> None:
    by = await moderator(store)
    a, b = await add(store, "discord", "g"), await add(store, "telegram", "-1")
    await circles.join(store, await circles.new_code(store, a, by, NOW), b, NOW)
    assert await circles.homes(store, a) == []
    here = Destination("discord", "55", "g")
    await circles.set_home(store, a, here)
    await circles.set_home(store, b, Destination("telegram", "-1", "-1", "7"))
    assert await circles.homes(store, b) == [Destination("telegram", "-1", "-1", "7"), here]
