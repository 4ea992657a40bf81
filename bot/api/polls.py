"""Native polls the bot sent, remembered so each vote runs its option's command after restarts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.api.context import Destination
from bot.api.replies import Poll
from bot.storage.store import Store


@dataclass(frozen=True, slots=True)
class SentPoll:
    destination: Destination
    community_name: str
    commands: tuple[str, ...]

    def command_for(self, option: int) -> str | None:
        return self.commands[option] if 0 <= option < len(self.commands) else None


async def remember(
    store: Store,
    poll_id: str,
    poll: Poll,
    destination: Destination,
    community_name: str,
    now: datetime,
) -> None:
    await store.execute(
        "INSERT OR REPLACE INTO polls (platform, poll_id, channel_id, thread_id, community_id,"
        " community_name, commands, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            destination.platform,
            poll_id,
            destination.channel_id,
            destination.thread_id,
            destination.community_id,
            community_name,
            json.dumps([option.command for option in poll.options]),
            now.isoformat(),
        ),
    )


async def find(store: Store, platform: str, poll_id: str) -> SentPoll | None:
    row = await store.fetchone(
        "SELECT * FROM polls WHERE platform = ? AND poll_id = ?", (platform, poll_id)
    )
    if row is None:
        return None
    destination = Destination(platform, row["channel_id"], row["community_id"], row["thread_id"])
    return SentPoll(destination, row["community_name"], tuple(json.loads(row["commands"])))
