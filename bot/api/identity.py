"""Members and communities, stored with their platform ids.

A member's data is keyed by (platform, platform id); our own integer id is what other tables
reference. Each message refreshes the member's display name, reported language and last-seen time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import SUPPORTED_LOCALES
from bot.storage.store import Atomic, Store


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    platform: str
    platform_id: str
    display_name: str
    locale: str | None
    """Chosen with /lang; None until the member chooses."""
    platform_locale: str | None


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    platform: str
    platform_id: str
    name: str
    locale: str | None
    timezone: str | None


def supported_locale(language_code: str | None) -> str | None:
    """Map a platform language code (``en-US``, ``id``, ``in``) to a locale we speak."""
    if not language_code:
        return None
    base = language_code.replace("_", "-").split("-")[0].lower()
    if base == "in":  # the old ISO 639 code for Indonesian, still sent by some Android phones
        base = "id"
    return base if base in SUPPORTED_LOCALES else None


async def remember(
    store: Store,
    *,
    platform: str,
    member_id: str,
    display_name: str,
    platform_locale: str | None,
    community_id: str | None,
    community_name: str,
    now: datetime,
) -> tuple[Member, Community | None]:
    """Create or refresh the member (and the community they wrote in) and return both.

    Runs on every message, so it is one trip to the database (see ``Store.atomically``)."""
    stamp = now.isoformat()

    def work(db: Atomic) -> tuple[Member, Community | None]:
        row = db.fetchone(
            """
            INSERT INTO members (platform, platform_id, display_name, platform_locale,
                                 created_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (platform, platform_id) DO UPDATE SET
                display_name = excluded.display_name,
                platform_locale = COALESCE(excluded.platform_locale, members.platform_locale),
                last_seen_at = excluded.last_seen_at
            RETURNING id, platform, platform_id, display_name, locale, platform_locale
            """,
            (platform, member_id, display_name, platform_locale, stamp, stamp),
        )
        member = Member(*row)
        if community_id is None:
            return member, None
        row = db.fetchone(
            """
            INSERT INTO communities (platform, platform_id, name, created_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (platform, platform_id) DO UPDATE SET
                name = CASE WHEN excluded.name = '' THEN communities.name ELSE excluded.name END
            RETURNING id, platform, platform_id, name, locale, timezone
            """,
            (platform, community_id, community_name, stamp),
        )
        community = Community(*row)
        db.execute(
            """
            INSERT INTO community_members (community_id, member_id, first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (community_id, member_id) DO UPDATE SET
                last_seen_at = excluded.last_seen_at
            """,
            (community.id, member.id, stamp, stamp),
        )
        return member, community

    return await store.atomically(work)


async def set_member_locale(store: Store, member: Member, locale: str | None) -> Member:
    await store.execute("UPDATE members SET locale = ? WHERE id = ?", (locale, member.id))
    return Member(
        member.id,
        member.platform,
        member.platform_id,
        member.display_name,
        locale,
        member.platform_locale,
    )


async def set_community_locale(store: Store, community: Community, locale: str | None) -> None:
    await store.execute("UPDATE communities SET locale = ? WHERE id = ?", (locale, community.id))


async def set_community_timezone(store: Store, community: Community, timezone: str) -> None:
    await store.execute(
        "UPDATE communities SET timezone = ? WHERE id = ?", (timezone, community.id)
    )


CONSOLE = ("console", "console")
"""The console's one community, as (platform, platform id)."""
CONSOLE_NAMES = frozenset({"console", "console:console"})
"""What a librarian types to name the console's community on the command line."""


def address(community: Community) -> str:
    """``platform:id``, how the command line names a community."""
    return f"{community.platform}:{community.platform_id}"


async def communities(store: Store, platform: str | None = None) -> list[Community]:
    """Every community the bot has seen (on one platform), by platform then name."""
    where, args = (" WHERE platform = ?", (platform,)) if platform else ("", ())
    rows = await store.fetchall(
        "SELECT id, platform, platform_id, name, locale, timezone FROM communities"
        f"{where} ORDER BY platform, name",
        args,
    )
    return [Community(*row) for row in rows]


async def community_at(store: Store, platform: str, platform_id: str) -> Community | None:
    row = await store.fetchone(
        "SELECT id, platform, platform_id, name, locale, timezone FROM communities"
        " WHERE platform = ? AND platform_id = ?",
        (platform, platform_id),
    )
    return Community(*row) if row else None


async def console_community(store: Store, now: datetime) -> Community:
    """The console's community, created when first asked for (before anyone chatted there)."""
    platform, platform_id = CONSOLE
    await store.execute(
        "INSERT INTO communities (platform, platform_id, name, created_at) VALUES (?, ?, '', ?)"
        " ON CONFLICT (platform, platform_id) DO NOTHING",
        (platform, platform_id, now.isoformat()),
    )
    found = await community_at(store, platform, platform_id)
    assert found is not None
    return found


async def community(store: Store, community_id: int) -> Community | None:
    row = await store.fetchone(
        "SELECT id, platform, platform_id, name, locale, timezone FROM communities WHERE id = ?",
        (community_id,),
    )
    return Community(*row) if row else None


def resolve_timezone(community: Community | None, default: ZoneInfo) -> ZoneInfo:
    """The community's timezone (set with /settings timezone), else the bot's."""
    return ZoneInfo(community.timezone) if community and community.timezone else default


def resolve_locale(member: Member, community: Community | None, default: str) -> str:
    """The member's choice, then their platform's language, then the community's, then ours."""
    return (
        member.locale
        or supported_locale(member.platform_locale)
        or (community.locale if community else None)
        or default
    )
