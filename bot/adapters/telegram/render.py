"""Replies as Telegram HTML: every value escaped, long text split on line boundaries.

Telegram counts its limits (4,096 characters a message, 1,024 a caption) on the text after the
HTML is parsed, so lengths here are of the visible text. Styled spans never cross a line, so any
split between lines leaves every tag closed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.api.replies import Reply
from bot.api.text import Span, Text

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class Line:
    html: str
    length: int  # visible characters


def span_html(span: Span) -> str:
    out = html.escape(span.text, quote=False)
    if span.code:
        out = f"<code>{out}</code>"
    if span.bold:
        out = f"<b>{out}</b>"
    if span.italic:
        out = f"<i>{out}</i>"
    if span.spoiler:
        out = f"<tg-spoiler>{out}</tg-spoiler>"
    if span.url and span.url.startswith(("http://", "https://", "tg://")):
        out = f'<a href="{html.escape(span.url, quote=True)}">{out}</a>'
    return out


def text_lines(text: Text) -> list[Line]:
    return [Line("".join(span_html(s) for s in line.spans), len(line)) for line in text.lines()]


def reply_lines(reply: Reply) -> list[Line]:
    """The whole reply, one entry a line: title, text, fields, footer."""
    lines: list[Line] = []
    if reply.title:
        lines.append(Line(f"<b>{html.escape(reply.title, quote=False)}</b>", len(reply.title)))
    lines.extend(text_lines(reply.text))
    for field in reply.fields:
        lines.append(Line("", 0))
        lines.append(Line(f"<b>{html.escape(field.name, quote=False)}</b>", len(field.name)))
        lines.extend(text_lines(field.value))
    if reply.footer:
        lines.append(Line("", 0))
        lines.append(Line(f"<i>{html.escape(reply.footer, quote=False)}</i>", len(reply.footer)))
    while lines and not lines[0].length:
        lines.pop(0)
    return lines


def chunks(lines: list[Line], first_limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack lines into messages; the first may have a smaller limit (a photo's caption).

    With a caption limit, the first message is the caption and may be empty when even the first
    line is longer than a caption can be.
    """
    messages: list[str] = []
    current: list[str] = []
    size, limit = 0, first_limit
    for line in _fitting(lines, MESSAGE_LIMIT):
        extra = line.length + (1 if current else 0)
        if size + extra > limit and (current or line.length > limit):
            messages.append("\n".join(current))
            current, size, limit, extra = [], 0, MESSAGE_LIMIT, line.length
        current.append(line.html)
        size += extra
    if current:
        messages.append("\n".join(current))
    return messages


def _fitting(lines: list[Line], limit: int) -> list[Line]:
    """Cut lines longer than a message into pieces, keeping the style of each piece."""
    out: list[Line] = []
    for line in lines:
        if line.length <= limit:
            out.append(line)
            continue
        out.extend(_cut(line.html, limit))
    return out


def _cut(markup: str, limit: int) -> list[Line]:
    # A line this long is rare (a pasted wall of text); it is split as plain text.
    text = html.unescape(_strip_tags(markup))
    return [
        Line(html.escape(text[i : i + limit], quote=False), len(text[i : i + limit]))
        for i in range(0, len(text), limit)
    ]


def _strip_tags(markup: str) -> str:
    out, inside = [], False
    for char in markup:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)
