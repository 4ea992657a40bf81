"""A busy group throttled by Telegram's per-group limit (about 20 messages a minute; the fake
refuses more with a 429, as Telegram does) holds none of the slots other chats need: a member's
private /about is answered at once meanwhile, and the bot never runs into the group's limit."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.fakes.running import telegram_bot
from tests.fakes.telegram_api import FakeTelegram, group_chat, private_chat, text_message, user

GROUP = -100777


async def test_a_private_reply_during_a_throttled_group_burst(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    telegram_fake.group_limit = 20
    async with telegram_bot(tmp_path, telegram_fake):
        for n in range(40):  # 20 go at once, the rest wait for the group limit
            telegram_fake.push_update(
                text_message("/about", chat=group_chat(GROUP), sender=user(3000 + n))
            )
        in_group = lambda c: str(c.params.get("chat_id")) == str(GROUP)  # noqa: E731
        await telegram_fake.wait_for("sendMessage", count=15, within=20, where=in_group)
        await asyncio.sleep(1)  # the group is now held back by its per-minute limit
        asked = time.monotonic()
        telegram_fake.push_update(
            text_message("/about", chat=private_chat(4000), sender=user(4000))
        )
        alone = lambda c: str(c.params.get("chat_id")) == "4000"  # noqa: E731
        await telegram_fake.wait_for("sendMessage", within=30, where=alone)
        waited = time.monotonic() - asked
        assert waited < 1.5, f"the private /about waited {waited:.1f} s behind the group"
        assert len([c for c in telegram_fake.sent() if in_group(c)]) < 40  # still throttled
        assert telegram_fake.floods == 0
