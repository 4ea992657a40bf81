"""1,000 members answer one quiz question in one burst, through the real Telegram adapter.

The loopback fake Bot API (tests/fakes/telegram_api.py) offers 1,000 button presses at once to the
real python-telegram-bot Application running Pustaka's TelegramAdapter with every feature loaded.
Measured: each press's handling time inside the adapter (decode, dispatch, record the answer in
SQLite, answer the callback), and the throughput from the burst being offered until the last
callback answer arrived. Afterwards the database file is opened anew to check that every answer
is there exactly once, and the calls are checked for messages sent to the group per answer (none
may be). The baseline, in the same run and against the same kind of fake: a bare
python-telegram-bot echo bot answering 1,000 text messages with sendMessage.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.adapters.telegram import TelegramAdapter  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.process.app import App  # noqa: E402
from cogs.quiz.packs import bundled_packs  # noqa: E402
from tests.fakes.telegram_api import (  # noqa: E402
    BOT_USER,
    Call,
    FakeTelegram,
    group_chat,
    private_chat,
    text_message,
    user,
)

GROUP = -100500
LIBRARIAN = 4004
FIRST_MEMBER = 100_000


class TimedAdapter(TelegramAdapter):
    """The real adapter, timing each button press from its arrival to its callback answer."""

    handled: list[float]

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        start = time.perf_counter()
        await super()._on_callback(update, context)
        self.handled.append(time.perf_counter() - start)


def press(data: str, member: int) -> dict[str, Any]:
    message = {
        "message_id": 1001,
        "date": int(time.time()),
        "chat": group_chat(GROUP),
        "from": BOT_USER,
        "text": "Pertanyaan 1 dari 1",
    }
    return {
        "callback_query": {
            "id": f"cb-{member}",
            "from": user(member, f"Anggota {member}"),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
    }


async def multiple_choice_question(fake: FakeTelegram, pack: str) -> Call:
    """Start a one-question quiz, again until its question has choices (buttons to press)."""
    librarian = user(LIBRARIAN, "Pustakawan")
    for _ in range(50):
        before = len([c for c in fake.sent() if in_group(c)])
        fake.push_update(
            text_message(f"/quiz start {pack} 1 300", chat=group_chat(GROUP), sender=librarian)
        )
        posted = await fake.wait_for("sendMessage", count=before + 2, within=30, where=in_group)
        if "reply_markup" in posted[-1].params:
            return posted[-1]
        fake.push_update(text_message("/quiz stop", chat=group_chat(GROUP), sender=librarian))
        await fake.wait_for("sendMessage", count=before + 3, within=30, where=in_group)
    raise RuntimeError(f"no question with choices in {pack}")


def in_group(call: Call) -> bool:
    return int(call.params.get("chat_id") or 0) == GROUP


async def pustaka(members: int, directory: Path) -> dict[str, Any]:
    fake = FakeTelegram()
    fake.admins[GROUP] = [LIBRARIAN]
    await fake.start()
    path = directory / "config.toml"
    database = directory / "quiz.db"
    path.write_text(
        f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n'
        f'[database]\npath = "{database}"\n[catalog]\nsample = false\n'
        "[openlibrary]\nenabled = false\n",
        encoding="utf-8",
    )
    app = await App.open(load_config(path, env={}))
    adapter = TimedAdapter(app.dispatcher)
    adapter.handled = []
    task = asyncio.create_task(adapter.run())
    try:
        await fake.wait_for("setMyCommands", count=6, within=60)
        question = await multiple_choice_question(fake, bundled_packs()[0].key)
        keyboard = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
        data = keyboard[0]["callback_data"]
        group_messages = len([c for c in fake.sent() if in_group(c)])
        updates = [press(data, FIRST_MEMBER + i) for i in range(members)]
        start = time.perf_counter()
        for update in updates:
            fake.push_update(update)
        await fake.wait_for("answerCallbackQuery", count=members, within=600)
        elapsed = time.perf_counter() - start
        after = len([c for c in fake.sent() if in_group(c)])
        alerts = [c.params.get("text", "") for c in fake.sent("answerCallbackQuery")]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()
        await fake.stop()
    with sqlite3.connect(database) as db:
        rows, distinct = db.execute(
            "SELECT count(*), count(DISTINCT member_id) FROM quiz_answers"
        ).fetchone()
    handled = sorted(adapter.handled)
    return {
        "elapsed": elapsed,
        "rate": members / elapsed,
        "p50": statistics.median(handled),
        "p99": handled[int(len(handled) * 0.99) - 1],
        "worst": handled[-1],
        "rows": rows,
        "distinct": distinct,
        "acknowledged": sum("sudah masuk" in text for text in alerts),
        "group_messages": after - group_messages,
    }


async def echo(members: int) -> dict[str, Any]:
    fake = FakeTelegram()
    await fake.start()
    application = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()

    async def answer(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application.add_handler(MessageHandler(filters.TEXT, answer))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling()
    try:
        updates = [
            text_message(
                f"halo {i}", chat=private_chat(FIRST_MEMBER + i), sender=user(FIRST_MEMBER + i)
            )
            for i in range(members)
        ]
        start = time.perf_counter()
        for update in updates:
            fake.push_update(update)
        await fake.wait_for("sendMessage", count=members, within=600)
        elapsed = time.perf_counter() - start
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await fake.stop()
    return {"elapsed": elapsed, "rate": members / elapsed}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="bursts of each, interleaved (medians reported)"
    )
    args = parser.parse_args()
    members = args.members
    logging.basicConfig(level=logging.ERROR)
    baselines, runs = [], []
    for _ in range(args.rounds):
        baselines.append(await echo(members))
        with tempfile.TemporaryDirectory() as directory:
            runs.append(await pustaka(members, Path(directory)))
    ok = all(r["rows"] == r["distinct"] == r["acknowledged"] == members for r in runs)
    loud = sum(r["group_messages"] for r in runs)
    rate = statistics.median(r["rate"] for r in runs)
    base = statistics.median(b["rate"] for b in baselines)
    print(
        f"quiz burst, {members} answers in one burst, median of {args.rounds}:"
        f" {rate:.0f} answers/s (rounds: {_rates(runs)});"
        f" handling p50 {statistics.median(r['p50'] for r in runs) * 1000:.1f} ms,"
        f" p99 {statistics.median(r['p99'] for r in runs) * 1000:.1f} ms,"
        f" worst {max(r['worst'] for r in runs) * 1000:.1f} ms"
    )
    print(
        f"  every round: {members} rows for {members} members in the database"
        f" ({'each answer exactly once' if ok else 'MISMATCH'}),"
        f" {members} private acknowledgements, {loud} group messages during the bursts"
    )
    print(
        f"  bare python-telegram-bot echo bot, same run: {base:.0f} updates/s"
        f" (rounds: {_rates(baselines)})"
        f" → Pustaka {rate / base:.2f}× (target ≥ 0.5×)"
    )
    if not ok or loud:
        sys.exit(1)


def _rates(results: list[dict[str, Any]]) -> str:
    return ", ".join(f"{result['rate']:.0f}" for result in results)


if __name__ == "__main__":
    asyncio.run(main())
