"""Pustaka: a community bot for a library's readers on Discord, Telegram and the console."""

__version__ = "0.1.0"
