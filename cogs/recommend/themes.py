"""Reading themes (data/themes.toml here): Indonesian and English names mapped to subjects.

The file is validated by the small schema below and every problem is reported together, like the
sample catalog (bot/catalog/sample.py). A theme is found by its key, either name or an alias,
compared as plain words (case and accents ignored).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

THEMES_FILE = Path(__file__).resolve().parent / "data" / "themes.toml"
RESERVED = frozenset({"like", "me", "today", "theme"})  # subcommands of /recommend
_WORD = re.compile(r"\w+", re.UNICODE)
_KEY = re.compile(r"[a-z][a-z -]*[a-z]")


class ThemesError(Exception):
    """The themes file is broken; the message lists every problem, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    names: dict[str, str]  # locale → name
    aliases: tuple[str, ...]
    subjects: tuple[str, ...]

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["en"]


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """Words only, lower case, accents removed: "Fiksi  Ilmiah" → "fiksi ilmiah"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(_WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c))))


class Themes:
    def __init__(self, themes: Sequence[Theme]) -> None:
        self.all = tuple(themes)
        self._by_name: dict[str, Theme] = {}
        for theme in self.all:
            for name in (theme.key, *theme.names.values(), *theme.aliases):
                self._by_name.setdefault(plain(name), theme)

    def find(self, text: str) -> Theme | None:
        return self._by_name.get(plain(text))

    def names(self) -> list[str]:
        return list(self._by_name)


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _texts(value: object, at_least: int) -> bool:
    return isinstance(value, list) and len(value) >= at_least and all(map(_text, value))


def _problems(theme: dict[str, Any]) -> list[str]:
    known = {"key", "id", "en", "aliases", "subjects"}
    problems = [f"unknown key {key!r}" for key in theme if key not in known]
    key = theme.get("key")
    if not (isinstance(key, str) and _KEY.fullmatch(key)):
        problems.append("key must be lower-case words (letters, spaces or hyphens)")
    elif key in RESERVED:
        problems.append(f"key {key!r} is a /recommend subcommand")
    for name in ("id", "en"):
        if not _text(theme.get(name)):
            problems.append(f"{name} (the theme's name) must be a non-empty string")
    if "aliases" in theme and not _texts(theme["aliases"], 0):
        problems.append("aliases must be a list of non-empty strings")
    elif any(plain(a) in RESERVED for a in theme.get("aliases", [])):
        problems.append("an alias is a /recommend subcommand")
    if not _texts(theme.get("subjects"), 1):
        problems.append("subjects must be a non-empty list of non-empty strings")
    return problems


def load_themes(path: Path = THEMES_FILE) -> Themes:
    """Load and validate the themes; raises ThemesError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ThemesError([f"{path.name}: cannot be read: {error.strerror or error}"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ThemesError([f"{path.name}: not valid TOML: {error}"]) from None
    problems = [f"{path.name}: unknown top-level key {key!r}" for key in data if key != "theme"]
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise ThemesError([*problems, f"{path.name}: no [[theme]] tables"])
    themes: list[Theme] = []
    owner: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"{path.name} theme {number}: must be a [[theme]] table")
            continue
        label = f"{path.name} theme {number} ({entry.get('key', '?')})"
        found = _problems(entry)
        problems.extend(f"{label}: {problem}" for problem in found)
        if found:
            continue
        theme = Theme(
            key=entry["key"],
            names={"id": entry["id"].strip(), "en": entry["en"].strip()},
            aliases=tuple(a.strip() for a in entry.get("aliases", [])),
            subjects=tuple(s.strip() for s in entry["subjects"]),
        )
        for name in {plain(n) for n in (theme.key, *theme.names.values(), *theme.aliases)}:
            if owner.get(name, theme.key) != theme.key:
                problems.append(f"{label}: the name {name!r} is also theme {owner[name]!r}'s")
            owner.setdefault(name, theme.key)
        themes.append(theme)
    if problems:
        raise ThemesError(problems)
    return Themes(themes)
