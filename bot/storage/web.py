"""The web dashboard's one-time links and sessions (tables in migrations/0019_web_sessions.sql).

A link's token and a session's token are 256 random bits given to the moderator once; only their
SHA-256 hashes are stored, so the database alone opens no session. A link is used at most once
(the first request to open it marks it used in the same statement that checks it) and expires
after ``LINK_LIFETIME``; a session expires after ``SESSION_IDLE`` without a request.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.storage.store import Store
from bot.time.clock import utc_text

LINK_LIFETIME = timedelta(minutes=10)
SESSION_IDLE = timedelta(days=1)
LINKS_PER_WINDOW = 5
"""At most so many links a moderator may ask for within one ``LINK_LIFETIME``."""
SEEN_EVERY = timedelta(minutes=1)
"""A session's last use is written at most this often (a page load is not a write each time)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    key: str
    """The token's hash: the session's name in the table, never shown."""
    platform: str
    member_id: str
    who: dict[str, Any]
    csrf: str
    locale: str | None
    notice: str | None
    seen_at: datetime


class TooManyLinks(Exception):
    """A moderator asked for more links than ``LINKS_PER_WINDOW`` within ``LINK_LIFETIME``."""


class WebLogins:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def link(self, platform: str, member_id: str, who: dict[str, Any], now: datetime) -> str:
        """A new one-time link token for this moderator; :class:`TooManyLinks` past the limit."""
        recent = await self.store.fetchval(
            "SELECT count(*) FROM web_links WHERE platform = ? AND member_id = ?"
            " AND created_at > ?",
            (platform, member_id, utc_text(now - LINK_LIFETIME)),
        )
        if int(recent or 0) >= LINKS_PER_WINDOW:
            raise TooManyLinks
        await self.store.execute(
            "DELETE FROM web_links WHERE expires_at < ?", (utc_text(now - LINK_LIFETIME),)
        )
        token = secrets.token_urlsafe(32)
        await self.store.execute(
            "INSERT INTO web_links (token_hash, platform, member_id, who, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                _hash(token),
                platform,
                member_id,
                json.dumps(who, sort_keys=True),
                utc_text(now),
                utc_text(now + LINK_LIFETIME),
            ),
        )
        return token

    async def open(self, token: str, now: datetime) -> tuple[str, Session] | None:
        """Use a link: a new session (its token, given once, and the session), or None when the
        link is unknown, used already or expired."""
        row = await self.store.fetchone(
            "UPDATE web_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ? RETURNING platform, member_id, who",
            (utc_text(now), _hash(token), utc_text(now)),
        )
        if row is None:
            return None
        platform, member_id, who = row
        session_token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        await self.store.execute(
            "DELETE FROM web_sessions WHERE seen_at < ?", (utc_text(now - SESSION_IDLE),)
        )
        await self.store.execute(
            "INSERT INTO web_sessions (token_hash, platform, member_id, who, csrf, created_at,"
            " seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_hash(session_token), platform, member_id, who, csrf, utc_text(now), utc_text(now)),
        )
        return session_token, Session(
            _hash(session_token), platform, member_id, json.loads(who), csrf, None, None, now
        )

    async def session(self, token: str, now: datetime) -> Session | None:
        """The session this cookie's token names, when it has been used within a day; its use
        is noted (at most once a minute)."""
        row = await self.store.fetchone(
            "SELECT token_hash, platform, member_id, who, csrf, locale, notice, seen_at"
            " FROM web_sessions WHERE token_hash = ? AND seen_at > ?",
            (_hash(token), utc_text(now - SESSION_IDLE)),
        )
        if row is None:
            return None
        key, platform, member_id, who, csrf, locale, notice, seen_at = row
        seen = datetime.fromisoformat(seen_at)
        if now - seen >= SEEN_EVERY:
            await self.store.execute(
                "UPDATE web_sessions SET seen_at = ? WHERE token_hash = ?", (utc_text(now), key)
            )
            seen = now
        return Session(key, platform, member_id, json.loads(who), csrf, locale, notice, seen)

    async def set_locale(self, session: Session, locale: str) -> None:
        await self.store.execute(
            "UPDATE web_sessions SET locale = ? WHERE token_hash = ?", (locale, session.key)
        )

    async def tell(self, session: Session, notice: str | None) -> None:
        """What the next page shows once (the outcome of a change), or None to clear it."""
        await self.store.execute(
            "UPDATE web_sessions SET notice = ? WHERE token_hash = ?", (notice, session.key)
        )

    async def end(self, session: Session) -> None:
        await self.store.execute("DELETE FROM web_sessions WHERE token_hash = ?", (session.key,))

    async def end_all(self, platform: str, member_id: str) -> int:
        """End every session of this moderator, and the links not yet used; how many sessions."""
        await self.store.execute(
            "DELETE FROM web_links WHERE platform = ? AND member_id = ?", (platform, member_id)
        )
        ended = await self.store.fetchall(
            "DELETE FROM web_sessions WHERE platform = ? AND member_id = ? RETURNING token_hash",
            (platform, member_id),
        )
        return len(ended)
