"""What the durable outbox costs a message, and what a throttled group costs everyone else.

1. A follow-up message (``services.messenger.send``, as a reminder or a post is sent) from the
   call until its request reaches the loopback Telegram Bot API (the time the server records),
   with the outbox and without it (the message handed to the adapter directly), alternately in
   one run: the outbox's cost is the difference of the medians. Each message goes to another
   chat and they are 50 ms apart, so no limit applies.
2. 40 commands in one group within a second (Telegram's per-group limit holds most answers back;
   the fake answers 429 past 20 a minute, as Telegram does), then a member's private /about: the
   time until that answer is at the server.
3. 40 posts to that group through the outbox (20 go at once, the rest wait in the group's
   queue), then a private message: how long the caller was held, and when the private message
   reached the server.

Run: ``python bench/outbox.py`` (in-process: the real python-telegram-bot against
tests/fakes/telegram_api.py).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.api.context import Destination  # noqa: E402
from bot.api.replies import Reply  # noqa: E402
from tests.fakes.running import telegram_bot  # noqa: E402
from tests.fakes.telegram_api import (  # noqa: E402
    FakeTelegram,
    group_chat,
    private_chat,
    text_message,
    user,
)

ROUNDS = 200
GROUP = -100777


async def follow_ups() -> None:
    fake = FakeTelegram()
    await fake.start()
    with tempfile.TemporaryDirectory() as directory:
        async with telegram_bot(Path(directory), fake) as app:
            messenger = app.services.messenger
            outbox = messenger.outbox
            times: dict[str, list[float]] = {"with the outbox": [], "without": []}
            chat = 5000
            for round_ in range(ROUNDS * 2):
                label = "with the outbox" if round_ % 2 else "without"
                messenger.outbox = outbox if round_ % 2 else None
                chat += 1
                before = len(fake.sent())
                start = time.monotonic()
                await messenger.send(
                    Destination("telegram", str(chat), private=True), Reply.of("x")
                )
                [*_, arrived] = await fake.wait_for("sendMessage", count=before + 1)
                times[label].append(arrived.at - start)
                await asyncio.sleep(0.05)  # below Telegram's 30 a second: no limit applies
            messenger.outbox = outbox
            for label, measured in times.items():
                print(
                    f"follow-up {label:16} median {statistics.median(measured) * 1000:5.2f} ms"
                    f"  p90 {statistics.quantiles(measured, n=10)[-1] * 1000:5.2f} ms"
                    f"  ({len(measured)} messages)"
                )
    await fake.stop()


async def throttled_group() -> None:
    fake = FakeTelegram(group_limit=20)
    await fake.start()
    with tempfile.TemporaryDirectory() as directory:
        async with telegram_bot(Path(directory), fake):
            for n in range(40):
                fake.push_update(
                    text_message("/about", chat=group_chat(GROUP), sender=user(3000 + n))
                )
                await asyncio.sleep(0.02)  # 40 commands within a second
            asked = time.perf_counter()
            fake.push_update(text_message("/about", chat=private_chat(4000), sender=user(4000)))
            alone = lambda c: str(c.params.get("chat_id")) == "4000"  # noqa: E731
            await fake.wait_for("sendMessage", within=120, where=alone)
            waited = time.perf_counter() - asked
            in_group = sum(1 for c in fake.sent() if str(c.params.get("chat_id")) == str(GROUP))
            print(
                f"private /about during a 40-command group burst: {waited * 1000:.0f} ms"
                f" ({in_group} of 40 group answers sent by then; {fake.floods} refused by the"
                " group's flood limit)"
            )
    await fake.stop()


async def throttled_posts() -> None:
    fake = FakeTelegram(group_limit=20)
    await fake.start()
    with tempfile.TemporaryDirectory() as directory:
        async with telegram_bot(Path(directory), fake) as app:
            messenger = app.services.messenger
            group = Destination("telegram", str(GROUP), str(GROUP))
            start = time.monotonic()
            for n in range(40):
                await messenger.send(group, Reply.of(f"post {n}"))
            queued = time.monotonic() - start
            asked = time.monotonic()
            await messenger.send(Destination("telegram", "4000", private=True), Reply.of("x"))
            alone = lambda c: str(c.params.get("chat_id")) == "4000"  # noqa: E731
            [arrived] = await fake.wait_for("sendMessage", within=120, where=alone)
            in_group = sum(1 for c in fake.sent() if str(c.params.get("chat_id")) == str(GROUP))
            print(
                f"40 posts to one group handed over in {queued * 1000:.0f} ms; a private message"
                f" after them reached the server in {(arrived.at - asked) * 1000:.1f} ms"
                f" ({in_group} of 40 posts sent by then; {fake.floods} refused by the flood limit)"
            )
    await fake.stop()


async def main() -> None:
    await follow_ups()
    await throttled_group()
    await throttled_posts()


if __name__ == "__main__":
    asyncio.run(main())
