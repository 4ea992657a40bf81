"""The ``[stats]`` section of config.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatsSettings:
    chart_process: bool = True
    """Draw /stats charts in a process of their own (cogs/stats/drawing.py), started when
    Discord or Telegram comes up; false: in the bot itself, when asked."""
