"""Replies as JSON, for the outbox to keep a message until its platform takes it."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.api.posts import Tracked
from bot.api.replies import Choice, ChoiceStyle, Field, Poll, Reply
from bot.api.text import Span, Text


def dumps(replies: Sequence[Reply]) -> str:
    return json.dumps([_reply(r) for r in replies], ensure_ascii=False, separators=(",", ":"))


def loads(data: str) -> tuple[Reply, ...]:
    return tuple(_read_reply(r) for r in json.loads(data))


def _text(text: Text) -> list[dict[str, Any]]:
    spans = []
    for span in text.spans:
        found: dict[str, Any] = {"t": span.text}
        for flag in ("bold", "italic", "code", "spoiler"):
            if getattr(span, flag):
                found[flag] = True
        if span.url:
            found["url"] = span.url
        if span.countdown:
            found["countdown"] = span.countdown.isoformat()
        spans.append(found)
    return spans


def _read_text(spans: list[dict[str, Any]]) -> Text:
    return Text(
        tuple(
            Span(
                s["t"],
                bold=s.get("bold", False),
                italic=s.get("italic", False),
                code=s.get("code", False),
                url=s.get("url"),
                spoiler=s.get("spoiler", False),
                countdown=datetime.fromisoformat(s["countdown"]) if "countdown" in s else None,
            )
            for s in spans
        )
    )


def _choice(choice: Choice) -> dict[str, Any]:
    return {
        "label": choice.label,
        "command": choice.command,
        "style": str(choice.style),
        "keep": choice.keep,
        "acting_on": choice.acting_on,
    }


def _read_choice(data: dict[str, Any]) -> Choice:
    return Choice(
        data["label"], data["command"], ChoiceStyle(data["style"]), data["keep"], data["acting_on"]
    )


def _reply(reply: Reply) -> dict[str, Any]:
    poll = reply.poll
    return {
        "text": _text(reply.text),
        "title": reply.title,
        "fields": [[f.name, _text(f.value), f.inline] for f in reply.fields],
        "image_url": reply.image_url,
        "choices": [_choice(c) for c in reply.choices],
        "footer": reply.footer,
        "poll": poll
        and {
            "question": poll.question,
            "options": [_choice(c) for c in poll.options],
            "correct": poll.correct,
            "explanation": poll.explanation,
            "open_seconds": poll.open_seconds,
        },
        "ping": reply.ping,
        "private": reply.private,
        "attachment": reply.attachment
        and [reply.attachment[0], base64.b64encode(reply.attachment[1]).decode()],
        "tracked": reply.tracked and [reply.tracked.post, reply.tracked.series],
    }


def _read_reply(data: dict[str, Any]) -> Reply:
    poll = data["poll"]
    attachment = data["attachment"]
    return Reply(
        text=_read_text(data["text"]),
        title=data["title"],
        fields=tuple(Field(n, _read_text(value), inline) for n, value, inline in data["fields"]),
        image_url=data["image_url"],
        choices=tuple(_read_choice(c) for c in data["choices"]),
        footer=data["footer"],
        poll=poll
        and Poll(
            poll["question"],
            tuple(_read_choice(c) for c in poll["options"]),
            poll["correct"],
            poll["explanation"],
            poll["open_seconds"],
        ),
        ping=data["ping"],
        private=data["private"],
        attachment=attachment and (attachment[0], base64.b64decode(attachment[1])),
        tracked=Tracked(*tracked) if (tracked := data.get("tracked")) else None,
    )
