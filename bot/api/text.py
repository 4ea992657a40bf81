"""Formatted text that every adapter can render safely.

A template (written by us or a translator) may use four marks: ``**bold**``, ``__italic__``,
```code``` and ``||spoiler||`` (hidden until the reader reveals it, where the platform can).
Values put into its ``{placeholders}`` are never read as marks: they become plain spans, and
each adapter escapes plain spans for its platform (HTML for Telegram, markdown for Discord). So
a member's name like ``*_<b>`` reaches every platform as those very characters.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

_MARK = re.compile(r"(\*\*|__|`|\|\|)")
_STYLE_OF_MARK = {"**": "bold", "__": "italic", "`": "code", "||": "spoiler"}


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str | None = None
    spoiler: bool = False
    countdown: datetime | None = None
    """The moment this span counts down to: where the platform shows a live relative time
    (Discord's ``<t:…:R>``), that replaces `text`, which should read the same ("in 20 seconds")."""


@dataclass(frozen=True, slots=True)
class Text:
    spans: tuple[Span, ...] = ()

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls((Span(text),)) if text else cls()

    @classmethod
    def link(cls, label: str, url: str) -> Text:
        return cls((Span(label, url=url),))

    @classmethod
    def countdown(cls, text: str, until: datetime) -> Text:
        """`text` ("in 20 seconds"), shown as a live countdown to `until` where the platform can."""
        return cls((Span(text, countdown=until),))

    @classmethod
    def format(cls, template: str, /, **values: Any) -> Text:
        """Build text from a trusted template; values are inserted as plain text."""
        spans: list[Span] = []
        style = {"bold": False, "italic": False, "code": False, "spoiler": False}
        for literal, field, spec, conversion in string.Formatter().parse(template):
            for piece in _MARK.split(literal):
                if piece in _STYLE_OF_MARK:
                    key = _STYLE_OF_MARK[piece]
                    style[key] = not style[key]
                elif piece:
                    spans.append(Span(piece, **style))
            if field is None:
                continue
            value = values[field]
            if isinstance(value, Text):
                spans.extend(
                    replace(s, **{k: v or getattr(s, k) for k, v in style.items()})
                    for s in value.spans
                )
                continue
            if conversion == "r":
                value = repr(value)
            elif conversion == "s":
                value = str(value)
            rendered = format(value, spec or "")
            if rendered:
                spans.append(Span(rendered, **style))
        return cls(tuple(_merge(spans)))

    @classmethod
    def join(cls, parts: Iterable[Text | str], separator: Text | str = "") -> Text:
        sep = as_text(separator)
        spans: list[Span] = []
        for index, part in enumerate(parts):
            if index:
                spans.extend(sep.spans)
            spans.extend(as_text(part).spans)
        return cls(tuple(_merge(spans)))

    def __add__(self, other: Text | str) -> Text:
        return Text(tuple(_merge([*self.spans, *as_text(other).spans])))

    def __radd__(self, other: str) -> Text:
        return as_text(other) + self

    def __bool__(self) -> bool:
        return any(span.text for span in self.spans)

    def __len__(self) -> int:
        return sum(len(span.text) for span in self.spans)

    def __str__(self) -> str:
        return "".join(span.text for span in self.spans)

    def lines(self) -> list[Text]:
        """Split on newlines, keeping each span's style."""
        result: list[list[Span]] = [[]]
        for span in self.spans:
            parts = span.text.split("\n")
            for index, part in enumerate(parts):
                if index:
                    result.append([])
                if part:
                    result[-1].append(replace(span, text=part))
        return [Text(tuple(line)) for line in result]


def as_text(value: Text | str) -> Text:
    return value if isinstance(value, Text) else Text.plain(value)


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and replace(merged[-1], text="") == replace(span, text=""):
            merged[-1] = replace(merged[-1], text=merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged
