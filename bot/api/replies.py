"""What a feature answers with. Adapters render it natively; features never format for one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.api.text import Text, as_text


class ChoiceStyle(StrEnum):
    NORMAL = "normal"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button. `command` is the typed command that does the same, e.g. ``/lang en``."""

    label: str
    command: str
    style: ChoiceStyle = ChoiceStyle.NORMAL


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: Text
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    text: Text = Text()
    title: str | None = None
    fields: tuple[Field, ...] = ()
    image_url: str | None = None
    choices: tuple[Choice, ...] = ()
    footer: str | None = None
    private: bool = False
    """Only the asking member sees it (ephemeral on Discord, a private chat on Telegram)."""

    @classmethod
    def of(
        cls,
        text: Text | str = "",
        *,
        title: str | None = None,
        fields: list[tuple[str, Text | str]] | list[Field] | None = None,
        image_url: str | None = None,
        choices: list[Choice] | None = None,
        footer: str | None = None,
        private: bool = False,
    ) -> Reply:
        """Build a reply from plain strings or Text, whichever is handy."""
        made: list[Field] = []
        for item in fields or []:
            made.append(item if isinstance(item, Field) else Field(item[0], as_text(item[1])))
        return cls(
            text=as_text(text),
            title=title,
            fields=tuple(made),
            image_url=image_url,
            choices=tuple(choices or ()),
            footer=footer,
            private=private,
        )
