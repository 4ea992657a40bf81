"""How an adapter says it cannot serve its platform at all."""

from __future__ import annotations


class PlatformRefused(Exception):
    """The platform refused the bot for good (a wrong token): the message says what to fix.

    Anything else — a network down at start or later — an adapter waits out by itself."""
