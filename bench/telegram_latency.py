"""How long `pustaka run` takes to answer /start and /help on Telegram (loopback fake Bot API).

Starts the real process against tests/fakes/telegram_api.py, sends each command ROUNDS times and
prints the median and worst time from the update being offered to the reply arriving. The fake
answers getUpdates at once when an update is waiting, so this is the bot's own latency plus
python-telegram-bot's polling round trip.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_api import FakeTelegram, text_message  # noqa: E402

ROUNDS = 20


async def main() -> None:
    fake = FakeTelegram()
    await fake.start()
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "config.toml").write_text(
            f'[telegram]\nbase_url = "{fake.base_url}"\n[database]\npath = "b.db"\n'
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PUSTAKA_TELEGRAM_TOKEN": fake.token}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=directory,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await fake.wait_for("setMyCommands", count=6, within=60)
            for command in ("/start", "/help"):
                times = []
                for _ in range(ROUNDS):
                    before = len(fake.sent())
                    start = time.perf_counter()
                    fake.push_update(text_message(command))
                    await fake.wait_for("sendMessage", count=before + 1)
                    times.append(time.perf_counter() - start)
                print(
                    f"telegram {command:6} median {statistics.median(times) * 1000:6.1f} ms"
                    f"  worst {max(times) * 1000:6.1f} ms  ({ROUNDS} rounds)"
                )
        finally:
            process.send_signal(signal.SIGTERM)
            await process.wait()
            await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
