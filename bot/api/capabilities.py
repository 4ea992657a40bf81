"""What a platform can do, declared by its adapter, so features ask about an ability and never
about a platform's name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Capabilities:
    shared_room: bool = False
    """Every member reads one room, private messages included (the console is one terminal): a
    private copy of what the room was told only repeats it."""
    native_polls: bool = False
    """A vote arrives from the platform's own poll or buttons, which show the member their vote,
    so the bot need not confirm it."""
    quiz_polls: bool = False
    """Quiz questions can be the platform's own quiz polls (Telegram), answered in the poll."""
    hashtag_homes: bool = False
    """A club's home may be the group chat itself (a Telegram group without topics): its posts
    are told apart by the club's hashtag."""
    role_mentions: bool = False
    """A moderator's post may mention one of the server's roles (Discord ``<@&id>``)."""
    text_limit: int = 0
    """The most characters one message shows (0: no limit); longer text is split."""
    caption_limit: int = 0
    """The most characters shown with an image (0: as `text_limit`); a post with an image and
    longer text is refused rather than split."""
    images: bool = False
    """A picture sent with a reply (a PNG attachment) is shown in the conversation, so a chart
    can stand in for a table of numbers."""


PLAIN = Capabilities()
"""A platform that declared nothing: it can do none of the above."""
