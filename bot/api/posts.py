"""Posts whose responses are counted: a press on one of their buttons, a member's reply to them.

A feature marks such a post with :class:`Tracked` (``Reply.tracked``); the adapter that posts it
remembers which platform messages it became (:func:`remember`). When a member presses a button
under one of those messages or replies to it, the adapter says which message (``Incoming``'s
``pressed_on`` and ``reply_to``) and the dispatcher publishes :class:`PostResponse`, which
statistics count. Features stay free of platform ids, and a press still runs the button's
command as any press does.

The rows name no member and are dropped after :data:`KEEP` (the longest period statistics
show), when a newer post is remembered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.storage.store import Store
from bot.time.clock import utc_text

if TYPE_CHECKING:
    from bot.api.context import Context

KEEP = timedelta(days=365 + 7)
PRESS, REPLY = "press", "reply"


@dataclass(frozen=True, slots=True)
class Tracked:
    """What a post is called in statistics: `post` as members saw it ("Book of the day: Laut
    Bercerita, 7 December"), `series` the series it belongs to, or ""."""

    post: str
    series: str = ""


@dataclass(frozen=True, slots=True)
class PostResponse:
    """A member (`ctx`) pressed a button of a tracked post (PRESS) or replied to it (REPLY)."""

    ctx: Context
    post: Tracked
    kind: str


async def remember(
    store: Store,
    platform: str,
    channel_id: str,
    message_ids: Sequence[str],
    tracked: Tracked,
    now: datetime,
) -> None:
    """The messages a tracked post became in one channel."""
    when = utc_text(now)
    await store.execute("DELETE FROM tracked_messages WHERE sent_at < ?", (utc_text(now - KEEP),))
    for message_id in message_ids:
        await store.execute(
            "INSERT INTO tracked_messages (platform, channel_id, message_id, post, series,"
            " sent_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (platform, channel_id, message_id, tracked.post[:200], tracked.series[:200], when),
        )


async def find(store: Store, platform: str, channel_id: str, message_id: str) -> Tracked | None:
    """The tracked post a platform message belongs to, if it is one."""
    row = await store.fetchone(
        "SELECT post, series FROM tracked_messages"
        " WHERE platform = ? AND channel_id = ? AND message_id = ?",
        (platform, channel_id, message_id),
    )
    return None if row is None else Tracked(row[0], row[1])
