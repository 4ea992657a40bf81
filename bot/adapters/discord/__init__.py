"""Discord through discord.py: slash commands, embeds, persistent buttons and polls."""

from __future__ import annotations

from bot.adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
