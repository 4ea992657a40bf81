"""The quiz's section of the configuration file, ``[quiz]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuizSettings:
    telegram_answers: str = "buttons"
    """How Telegram members answer a quiz question: "buttons" (an inline keyboard) or "poll"
    (Telegram's native quiz poll)."""
