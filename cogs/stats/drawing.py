"""Where /stats charts are drawn: in a process of their own (`python -m cogs.stats.drawing`).

Why not in the bot: matplotlib with numpy adds about 60 MB to the process that imports it, for
good, and drawing a chart holds the interpreter for a few hundred milliseconds, during which
the bot answers no one. The drawing process imports only cogs/stats/chart.py and matplotlib;
it is started a little after a platform that shows images comes up (cogs/stats/commands.py),
so the first /stats does not wait for matplotlib's import (half a second to over a second).
It reads charts from its standard input and writes PNGs to its standard output, one frame each
(a 4-byte length, then the bytes: a pickled `Chart` in, PNG out, or a text error; an empty
answer first when it is ready); it ends when its input closes, so it never outlives the bot,
even one killed with SIGKILL. If it dies, the chart is drawn in the bot this once and the next
chart starts another process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import struct
import sys
from pathlib import Path
from typing import BinaryIO

from cogs.stats import chart

log = logging.getLogger("pustaka.stats")

_LENGTH = struct.Struct(">I")
_PNG, _ERROR = b"P", b"E"
_HOME = str(Path(__file__).resolve().parents[2])
"""The folder holding cogs/, however the bot was started."""


class DrawingFailed(Exception):
    """The drawing process could not draw this chart (the error is matplotlib's)."""


class Drawing:
    """Draws charts; `apart` (``[stats] chart_process``): in the drawing process."""

    def __init__(self, apart: bool) -> None:
        self.apart = apart
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        """Start the drawing process and return once it is ready to draw (matplotlib imported,
        a first chart drawn); at once when it runs already."""
        if self.apart:
            async with self._lock:
                await self._started()

    async def draw(self, plan: chart.Chart) -> bytes:
        if self.apart:
            async with self._lock:
                try:
                    return await self._ask(plan)
                except (OSError, EOFError, asyncio.IncompleteReadError) as error:
                    log.warning("the chart drawing process stopped (%r); drawn here", error)
                    await self.close()
        return await asyncio.to_thread(chart.render, plan)

    async def close(self) -> None:
        """End the drawing process (it holds nothing to keep: killed, not asked)."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()

    async def _started(self) -> asyncio.subprocess.Process:
        if self._process is not None and self._process.returncode is None:
            return self._process
        paths = os.environ.get("PYTHONPATH")
        self._process = process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": _HOME + (os.pathsep + paths if paths else "")},
        )
        try:
            await _answer(process)  # ready
        except BaseException:
            await self.close()
            raise
        log.info("chart drawing process ready (pid %d)", process.pid)
        return process

    async def _ask(self, plan: chart.Chart) -> bytes:
        process = await self._started()
        assert process.stdin is not None
        request = pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)
        process.stdin.write(_LENGTH.pack(len(request)) + request)
        await process.stdin.drain()
        return await _answer(process)


async def _answer(process: asyncio.subprocess.Process) -> bytes:
    assert process.stdout is not None
    kind = await process.stdout.readexactly(1)
    (length,) = _LENGTH.unpack(await process.stdout.readexactly(_LENGTH.size))
    answer = await process.stdout.readexactly(length)
    if kind == _ERROR:
        raise DrawingFailed(answer.decode("utf-8", "replace"))
    return answer


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    # A first chart, thrown away: matplotlib loads its fonts and text machinery on the first
    # drawing (half a second), which the first member's chart should not wait for.
    chart.render(chart.SAMPLE)
    answers.write(_PNG + _LENGTH.pack(0))
    answers.flush()
    while header := requests.read(_LENGTH.size):
        (length,) = _LENGTH.unpack(header)
        plan = pickle.loads(requests.read(length))
        try:
            kind, body = _PNG, chart.render(plan)
        except Exception as error:  # matplotlib's, for this chart: the next one may draw
            kind, body = _ERROR, repr(error).encode()
        answers.write(kind + _LENGTH.pack(len(body)) + body)
        answers.flush()


if __name__ == "__main__":
    # Answers go to the real standard output alone: a stray print (a library's) goes to stderr.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(sys.stdin.buffer, answers)
