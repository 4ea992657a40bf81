"""A moderator's announcement text with the formatting chat platforms share, read into
:class:`~bot.api.text.Text` so every adapter renders it natively and escapes everything else.

Understood: ``**bold**``, ``*italic*`` or ``__italic__``, ```code```, ``||spoiler||``,
``[label](https://…)`` and bare ``https://…`` addresses. A mark left open is shown as typed;
HTML or other markup stays plain text, so nothing a moderator types can break a post.
"""

from __future__ import annotations

import re

from bot.api.text import Span, Text

_TOKEN = re.compile(
    r"\[(?P<label>[^\[\]\n]{1,200})\]\((?P<target>https?://[^\s()]{1,500})\)"
    r"|(?P<url>https?://[^\s<>()\[\]]{1,500})"
    r"|`(?P<code>[^`\n]{1,500})`"
    r"|(?P<mark>\*\*|__|\|\||\*)"
)
_STYLE = {"**": "bold", "__": "italic", "*": "italic", "||": "spoiler"}


def read_markup(body: str) -> Text:
    """The text with its marks applied; unmatched marks stay as typed."""
    spans: list[Span] = []
    for line_number, line in enumerate(body.split("\n")):
        if line_number:
            spans.append(Span("\n"))
        spans.extend(_line(line))
    return Text.join([Text((span,)) for span in spans])


def _line(line: str) -> list[Span]:
    """Marks pair within a line; a mark without its partner is plain text."""
    tokens: list[tuple[str, str, str | None]] = []  # (kind, text, url)
    position = 0
    for match in _TOKEN.finditer(line):
        if match.start() > position:
            tokens.append(("text", line[position : match.start()], None))
        if match["label"]:
            tokens.append(("link", match["label"], match["target"]))
        elif match["url"]:
            url = match["url"].rstrip(".,;:!?")
            tokens.append(("link", url, url))
            if len(url) < len(match["url"]):
                tokens.append(("text", match["url"][len(url) :], None))
        elif match["code"]:
            tokens.append(("code", match["code"], None))
        else:
            tokens.append(("mark", match["mark"], None))
        position = match.end()
    if position < len(line):
        tokens.append(("text", line[position:], None))
    paired = _paired(tokens)
    style = {"bold": False, "italic": False, "spoiler": False}
    spans: list[Span] = []
    for index, (kind, text, url) in enumerate(tokens):
        if kind == "mark" and index in paired:
            key = _STYLE[text]
            style[key] = not style[key]
            continue
        spans.append(Span(text, code=kind == "code", url=url, **style))
    return spans


def _paired(tokens: list[tuple[str, str, str | None]]) -> set[int]:
    """The positions of marks that close or are closed by a later mark of the same kind."""
    opened: dict[str, int] = {}
    paired: set[int] = set()
    for index, (kind, text, _) in enumerate(tokens):
        if kind != "mark":
            continue
        if text in opened:
            paired.update((opened.pop(text), index))
        else:
            opened[text] = index
    return paired
