"""The chart drawing process (cogs/stats/drawing.py): charts come back as PNGs; a killed drawing
process costs no chart and is replaced; it ends with the bot, even a bot killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cogs.stats.chart import SIZE, Chart, Words
from cogs.stats.drawing import Drawing, DrawingFailed
from tests.cogs.stats.test_stats import decoded_size

WORDS = Words(
    title="Statistik: 30 hari terakhir — 1.200 anggota ikut serta",
    weekly="Anggota aktif per minggu",
    new="Baru",
    returning="Kembali",
    features="Aktivitas per fitur",
    heat="Kapan anggota aktif",
    weekdays=("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
    hour="Jam",
    nothing="Tidak ada apa-apa.",
    insights=(("Kuis (jawaban)", (("Kuis Sastra", 1200.0),)),),
    locale="id",
)
CHART = Chart(
    words=WORDS,
    weeks=(("02/11", 800, 120), ("09/11", 900, 80)),
    features=(("Kuis", 12000.0), ("Buku", 9000.0)),
    heat=tuple(tuple(day * hour for hour in range(24)) for day in range(7)),
)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture
async def drawing() -> object:
    drawing = Drawing(apart=True)
    yield drawing
    await drawing.close()


async def test_a_chart_comes_back_from_the_drawing_process(drawing: Drawing) -> None:
    await drawing.start()
    pid = drawing.pid
    assert pid is not None and pid != os.getpid()
    assert decoded_size(await drawing.draw(CHART)) == SIZE
    assert decoded_size(await drawing.draw(CHART)) == SIZE
    assert drawing.pid == pid, "one process draws every chart"
    assert "matplotlib" in Path(f"/proc/{pid}/maps").read_text()
    await drawing.close()
    assert not alive(pid)


async def test_a_killed_drawing_process_costs_no_chart(drawing: Drawing) -> None:
    await drawing.start()
    first = drawing.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert decoded_size(await drawing.draw(CHART)) == SIZE  # drawn here this once
    assert decoded_size(await drawing.draw(CHART)) == SIZE
    assert drawing.pid not in (None, first)


async def test_a_chart_matplotlib_refuses_does_not_stop_the_next(drawing: Drawing) -> None:
    broken = Chart(words=WORDS, weeks=(), features=(), heat=((1, 2), (3,)))
    with pytest.raises(DrawingFailed):
        await drawing.draw(broken)
    assert decoded_size(await drawing.draw(CHART)) == SIZE


def test_the_drawing_process_ends_with_a_killed_bot() -> None:
    script = textwrap.dedent(
        """
        import asyncio
        from cogs.stats.drawing import Drawing

        async def main():
            drawing = Drawing(apart=True)
            await drawing.start()
            print(drawing.pid, flush=True)
            await asyncio.sleep(600)

        asyncio.run(main())
        """
    )
    bot = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        assert bot.stdout is not None
        pid = int(bot.stdout.readline())
        assert alive(pid)
    finally:
        bot.kill()
        bot.wait()
    deadline = time.monotonic() + 20
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid), "the drawing process outlived the bot"
