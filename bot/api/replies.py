"""What a feature answers with. Adapters render it natively; features never format for one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.api.posts import Tracked
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
    keep: bool = False
    """Pressing it leaves its message as it is (quiz answers, RSVPs). Otherwise the answer to
    the press takes the message's place where the platform can edit messages."""
    acting_on: str | None = None
    """The community (platform id) the command acts on when pressed in a private chat: a
    moderator's answer to "which group?"."""
    url: str | None = None
    """A link button: pressing it opens this address (http or https) instead of running a
    command; `command` is then unused."""

    @classmethod
    def link(cls, label: str, url: str) -> Choice:
        return cls(label, "", url=url)


@dataclass(frozen=True, slots=True)
class Poll:
    """A native poll where the platform has one (Telegram, Discord), numbered choices elsewhere.

    Each option is a :class:`Choice`: a vote runs the option's command as the voting member, so a
    feature handles poll votes, button presses and typed commands the same way.
    """

    question: str
    options: tuple[Choice, ...]
    correct: int | None = None
    """For a quiz: the index of the right option (Telegram shows it after a vote)."""
    explanation: str | None = None
    open_seconds: int | None = None


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
    poll: Poll | None = None
    ping: str | None = None
    """A deliberate mention ("@everyone", a role) sent with a moderator's announcement. The
    dispatcher drops it from the replies of member commands; adapters never ping otherwise."""
    private: bool = False
    """Only the asking member sees it (ephemeral on Discord, a private chat on Telegram)."""
    attachment: tuple[str, bytes] | None = None
    """A file sent with the message: (file name, content), e.g. an event's .ics."""
    image: tuple[str, bytes] | None = None
    """A picture shown in the message: (file name, content), e.g. an announcement's image."""
    tracked: Tracked | None = None
    """A post whose presses and replies are counted (bot/api/posts.py)."""

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
        poll: Poll | None = None,
        ping: str | None = None,
        private: bool = False,
        attachment: tuple[str, bytes] | None = None,
        image: tuple[str, bytes] | None = None,
        tracked: Tracked | None = None,
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
            poll=poll,
            ping=ping,
            private=private,
            attachment=attachment,
            image=image,
            tracked=tracked,
        )
