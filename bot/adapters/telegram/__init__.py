"""Telegram through python-telegram-bot: polling or webhook, HTML replies, inline keyboards."""

from __future__ import annotations

from bot.adapters.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
