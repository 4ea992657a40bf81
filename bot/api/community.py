"""One community on several platforms: circles of linked communities and their homes.

A library's Discord server and its Telegram group (or channel) are two communities, one per
platform, each with its own id. A moderator links them into a *circle* with a one-time code
(``/community link`` on one side, ``/community join CODE`` on the other). Features read shared
things — events, leaderboards, clubs, statistics — across :func:`circle`, and post announcements
and series to every :func:`homes` entry. A member stays one person per platform.

Rows made in a community keep its own id, so unlinking needs no copying: each side keeps what it
made, and stops seeing the other's.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from bot.api.context import Destination, Once
from bot.storage.store import Atomic, Store

CODE_LIFETIME = timedelta(minutes=10)
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code is read off one screen and typed on another."""


async def circle(store: Store, community_id: int) -> tuple[int, ...]:
    """This community and every community linked with it, itself first."""
    rows = await store.fetchall(
        "SELECT community_id FROM community_links WHERE circle_id ="
        " (SELECT circle_id FROM community_links WHERE community_id = ?)"
        " ORDER BY community_id",
        (community_id,),
    )
    others = tuple(row[0] for row in rows if row[0] != community_id)
    return (community_id, *others)


async def home(store: Store, community_id: int) -> Destination | None:
    row = await store.fetchone(
        "SELECT destination FROM community_homes WHERE community_id = ?", (community_id,)
    )
    return Destination.from_key(row[0]) if row else None


async def homes(store: Store, community_id: int) -> list[Destination]:
    """Where posts for the circle go: each community's home in circle order (unset: left out)."""
    found = []
    for member in await circle(store, community_id):
        where = await home(store, member)
        if where is not None:
            found.append(where)
    return found


async def set_home(store: Store, community_id: int, destination: Destination) -> None:
    await store.execute(
        "INSERT INTO community_homes (community_id, destination, set_at)"
        " VALUES (?, ?, datetime('now'))"
        " ON CONFLICT (community_id) DO UPDATE SET"
        " destination = excluded.destination, set_at = excluded.set_at",
        (community_id, destination.key()),
    )


def normalise_code(typed: str) -> str:
    """What a member types (any case, with or without the dash or spaces) as a stored code."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


async def new_code(
    store: Store, community_id: int, member_id: int, now: datetime, *, once: Once | None = None
) -> str:
    """A fresh one-time code for linking this community; earlier unused ones stop working.
    Through `once` (``ctx.once``), a command handled again after a crash gets the same code."""
    code = normalise_code("".join(secrets.choice(_ALPHABET) for _ in range(8)))

    def work(db: Atomic) -> str:
        db.execute(
            "DELETE FROM community_link_codes WHERE community_id = ? OR expires_at < ?",
            (community_id, now.isoformat()),
        )
        db.execute(
            "INSERT INTO community_link_codes (code, community_id, created_by, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (code, community_id, member_id, (now + CODE_LIFETIME).isoformat()),
        )
        return code

    return str(await once("code", work) if once else await store.atomically(work))


class Refusal(enum.Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SAME = "same"
    """The code was made in this very community, or one already in its circle."""
    ALREADY_LINKED = "already_linked"
    """This community is in another circle: it must unlink first."""


async def code_owner(store: Store, typed: str, joining: int, now: datetime) -> int | Refusal:
    """The community a code links to, or why `joining` cannot use it (nothing is changed)."""
    found = await store.atomically(lambda db: _owner(db, normalise_code(typed), joining, now))
    return Refusal(found) if isinstance(found, str) else found


async def join(
    store: Store, typed: str, joining: int, now: datetime, *, once: Once | None = None
) -> int | Refusal:
    """Use a code: `joining` enters the circle of the code's community. The code is spent.
    Through `once`, a command handled again after a crash gets the first answer back, not
    "that code is not known"."""
    code, stamp = normalise_code(typed), now.isoformat()

    def work(db: Atomic) -> int | str:
        found = _owner(db, code, joining, now)
        if isinstance(found, str):
            return found
        spent = db.fetchone(
            "DELETE FROM community_link_codes WHERE code = ? RETURNING code", (code,)
        )
        if spent is None:  # used by someone else a moment ago
            return Refusal.UNKNOWN.value
        circle_row = db.fetchone(
            "SELECT circle_id FROM community_links WHERE community_id = ?", (found,)
        )
        circle_id = circle_row[0] if circle_row else found
        for linked in [found, joining] if circle_row is None else [joining]:
            db.execute(
                "INSERT OR REPLACE INTO community_links (community_id, circle_id, linked_at)"
                " VALUES (?, ?, ?)",
                (linked, circle_id, stamp),
            )
        return found

    found = await once("join", work) if once else await store.atomically(work)
    return Refusal(found) if isinstance(found, str) else found


def _owner(db: Atomic, code: str, joining: int, now: datetime) -> int | str:
    """The code's community, or the value of the Refusal (kept as JSON by ``ctx.once``)."""
    row = db.fetchone(
        "SELECT community_id, expires_at FROM community_link_codes WHERE code = ?", (code,)
    )
    if row is None:
        return Refusal.UNKNOWN.value
    owner, expires = row
    if datetime.fromisoformat(expires) < now:
        return Refusal.EXPIRED.value
    circle_row = db.fetchone(
        "SELECT circle_id FROM community_links WHERE community_id = ?", (joining,)
    )
    linked = (
        [
            r[0]
            for r in db.fetchall(
                "SELECT community_id FROM community_links WHERE circle_id = ?", (circle_row[0],)
            )
        ]
        if circle_row
        else [joining]
    )
    if owner in linked or owner == joining:
        return Refusal.SAME.value
    if len(linked) > 1:
        return Refusal.ALREADY_LINKED.value
    return int(owner)


async def unlink(store: Store, community_id: int) -> bool:
    """Take this community out of its circle; a circle left with one community dissolves.

    Returns False when it was not linked."""

    def work(db: Atomic) -> bool:
        row = db.fetchone(
            "SELECT circle_id FROM community_links WHERE community_id = ?", (community_id,)
        )
        if row is None:
            return False
        db.execute("DELETE FROM community_links WHERE community_id = ?", (community_id,))
        rest = [
            r[0]
            for r in db.fetchall(
                "SELECT community_id FROM community_links WHERE circle_id = ?", (row[0],)
            )
        ]
        if len(rest) == 1:
            db.execute("DELETE FROM community_links WHERE circle_id = ?", (row[0],))
        elif rest and row[0] == community_id:
            # The circle was named after the one leaving, who may start another circle later.
            db.execute(
                "UPDATE community_links SET circle_id = ? WHERE circle_id = ?", (min(rest), row[0])
            )
        return True

    return await store.atomically(work)
