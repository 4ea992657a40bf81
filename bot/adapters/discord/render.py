"""Replies as Discord embeds: markdown with every value escaped, long text split into embeds."""

from __future__ import annotations

import discord

from bot.api.replies import Reply
from bot.api.text import Span, Text

COLOUR = discord.Colour(0x2E7D5B)
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
TITLE_LIMIT = 256
FIELDS_PER_EMBED = 25


def span_markdown(span: Span) -> str:
    if span.countdown is not None:
        out = f"<t:{int(span.countdown.timestamp())}:R>"  # Discord counts it down live
    elif span.code:
        out = "`" + span.text.replace("`", "ˋ") + "`"
    else:
        out = discord.utils.escape_markdown(span.text)
    if span.bold:
        out = f"**{out}**"
    if span.italic:
        out = f"*{out}*"
    if span.spoiler:
        out = f"||{out}||"
    if span.url and span.url.startswith(("http://", "https://")):
        url = span.url.replace(")", "%29").replace(" ", "%20")
        out = f"[{out}]({url})"
    return out


def markdown(text: Text) -> str:
    return "\n".join("".join(span_markdown(s) for s in line.spans) for line in text.lines())


def embeds(reply: Reply) -> list[discord.Embed]:
    """One embed, or several when the text is longer than an embed's description allows."""
    pieces = _split(markdown(reply.text), DESCRIPTION_LIMIT) or [""]
    made = []
    for index, piece in enumerate(pieces):
        embed = discord.Embed(description=piece or None, colour=COLOUR)
        if index == 0:
            if reply.title:
                embed.title = _cut(reply.title, TITLE_LIMIT)
            if reply.image_url:
                embed.set_thumbnail(url=reply.image_url)
        made.append(embed)
    last = made[-1]
    for field in reply.fields[:FIELDS_PER_EMBED]:
        last.add_field(
            name=_cut(discord.utils.escape_markdown(field.name), FIELD_NAME_LIMIT),
            value=_cut(markdown(field.value) or "—", FIELD_VALUE_LIMIT),
            inline=field.inline,
        )
    if reply.footer:
        last.set_footer(text=_cut(reply.footer, 2048))
    return made


def _split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut between lines where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current:
        pieces.append(current)
    return pieces


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
