"""A Telegram message's formatting, back into the marks every platform's commands read.

Telegram clients never send marks: a moderator who taps Bold in the toolbar, or types
``**Penting**`` (which the app turns into bold itself), sends plain text plus entities (what is
bold, where, in UTF-16 code units). Commands that keep formatting (/announce) read the marks
Discord users type (cogs/announce/markup.py), so the entities are written back as those marks:
bold ``**…**``, italic ``__…__``, code ```…```, spoiler ``||…||``, a link on words
``[label](https://…)``. Underline and strikethrough have no shared mark and stay plain. Marks
pair within a line, so a style across lines is closed and reopened at each line break.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import MessageEntity

_MARKS = {
    MessageEntity.BOLD: "**",
    MessageEntity.ITALIC: "__",
    MessageEntity.CODE: "`",
    MessageEntity.SPOILER: "||",
}


def with_marks(text: str, entities: Sequence[MessageEntity]) -> str:
    units = text.encode("utf-16-le")
    # (position in UTF-16 units, order at that position, mark): closings come before openings
    # at one position, inner ranges close before and open after the ranges around them.
    insertions: list[tuple[int, int, str]] = []
    for entity in entities:
        start, end = entity.offset, entity.offset + entity.length
        if entity.type == MessageEntity.TEXT_LINK and entity.url:
            if "\n" in _between(units, start, end) or not entity.url.startswith("http"):
                continue
            insertions += [
                (start, 1_000_000 - entity.length, "["),
                (end, entity.length, f"]({entity.url})"),
            ]
            continue
        mark = _MARKS.get(entity.type)
        if mark is None:
            continue
        for line_start, line_end in _lines(units, start, end):
            length = line_end - line_start
            insertions += [(line_start, 1_000_000 - length, mark), (line_end, length, mark)]
    if not insertions:
        return text
    pieces, position = [], 0
    for at, _, mark in sorted(insertions):
        pieces += [_between(units, position, at), mark]
        position = at
    pieces.append(_between(units, position, len(units) // 2))
    return "".join(pieces)


def _between(units: bytes, start: int, end: int) -> str:
    # an offset inside a character (never from Telegram itself) shows as �, never fails
    return units[start * 2 : end * 2].decode("utf-16-le", "replace")


def _lines(units: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of [start, end) between line breaks, without empty or blank-only ones."""
    parts, begin = [], start
    for line in _between(units, start, end).split("\n"):
        width = len(line.encode("utf-16-le")) // 2
        stripped = line.strip()
        if stripped:
            lead = len(line[: len(line) - len(line.lstrip())].encode("utf-16-le")) // 2
            trail = len(line[len(line.rstrip()) :].encode("utf-16-le")) // 2
            parts.append((begin + lead, begin + width - trail))
        begin += width + 1
    return parts
