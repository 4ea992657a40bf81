"""Files members send with a command: a Telegram document, a Discord attachment, a console path.

Adapters hand them in as :class:`Attachment` with a way to fetch the bytes; nothing is downloaded
until a handler reads it, and never more than the parameter allows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


class FileTooLarge(Exception):
    """A file over the command's limit; the dispatcher tells the member the limit."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(f"{name} is larger than {limit} bytes")
        self.name = name
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    size: int | None
    """As the platform reports it, before download; None when unknown."""
    fetch: Callable[[], Awaitable[bytes]] = field(repr=False, compare=False)
    limit: int | None = None
    """Set by the dispatcher from the parameter's ``max_bytes``."""

    async def read(self) -> bytes:
        if self.limit is not None and self.size is not None and self.size > self.limit:
            raise FileTooLarge(self.name, self.limit)
        data = await self.fetch()
        if self.limit is not None and len(data) > self.limit:
            raise FileTooLarge(self.name, self.limit)
        return data
