"""What the bot stores about a member, and how it forgets them (/privacy, /forgetme).

The core never names a feature's tables, so each feature declares in its ``setup()`` what it keeps
about a member (``package.personal_data(Personal(...), ...)``): per table, the column that holds
the member, how the data is described to them, an example of it, and how /forgetme forgets it:

- ``Forget.DELETE``: the member's rows go (their shelf, reviews, RSVPs, reminders, progress);
- ``Forget.ANONYMISE``: the rows stay, no longer naming them, where counts and leaderboards must
  stay consistent (quiz points, votes cast, usage records): a nullable column is emptied, a NOT
  NULL one keeps pointing at the member's row, which itself is emptied of everything that said
  who they were (platform id, name, language, dates) and shows as "former member".

The core's own tables are declared here (`CORE_DATA`), and so are the "traces": rows of the core's
message machinery (the inbox, scheduled jobs, sent keys, buttons, polls) whose text names the
member's platform id, found by scanning it; those are deleted. Everything happens in one
transaction. :func:`undeclared` finds a table column that holds a member and that no declaration
covers, so a new feature cannot forget to say what it stores.

Usage records (rows declared with ``usage_at``) are kept ``[privacy] keep_usage_days``: a daily
durable job (`PRUNE`) deletes older ones.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum
from string import Formatter
from typing import TYPE_CHECKING

from bot.api.commands import N_
from bot.api.identity import Member
from bot.time.clock import utc_text

if TYPE_CHECKING:
    from bot.api.services import Services
    from bot.storage.scheduler import Job
    from bot.storage.store import Atomic, Column, Store


log = logging.getLogger("pustaka.privacy")

CORE = ""
"""The name the core's own declarations go under."""
PRUNE = "privacy.prune"
PRUNE_AT = time(3, 0)  # local time of the daily pruning of usage records
PRUNE_BATCH = 5000  # rows deleted a transaction
FORGOTTEN = "forgotten:"
"""The platform id a forgotten member's row takes (with its own id), so it names no one."""
FORMER_MEMBER = N_("former member")
"""The name a forgotten member's row shows where their anonymous points and votes are listed."""
EXAMPLES = 3
EXAMPLE_LENGTH = 60  # characters


class Forget(Enum):
    DELETE = "delete"
    ANONYMISE = "anonymise"


class Holds(Enum):
    MEMBER = "member"
    """The column holds ``members.id``."""
    PLATFORM_ID = "platform_id"
    """The column holds the member's platform id (as the platform spells it)."""


@dataclass(frozen=True, slots=True)
class Personal:
    """One table's data about a member, as its feature declares it."""

    table: str
    column: str
    about: str
    """How it is named to the member: an ``N_()`` message id (“Books on your shelf”)."""
    forget: Forget = Forget.DELETE
    example: str | None = None
    """An SQL expression over the table's row shown as an example (a book's title)."""
    blank: tuple[str, ...] = ()
    """Text columns emptied when the rows stay anonymous (a suggestion's note)."""
    holds: Holds = Holds.MEMBER
    usage_at: str | None = None
    """For usage records: the column with the time, pruned after ``[privacy] keep_usage_days``
    (the table's primary key must be one column)."""
    jobs: str | None = None
    """The key prefix of the scheduled jobs a deleted row had, formatted with the row's columns
    (``"remind:{id}:"``): those still pending are cancelled with it."""


@dataclass(frozen=True, slots=True)
class Trace:
    """Core rows whose text may name a member by platform id: deleted when it does."""

    table: str
    column: str
    key: tuple[str, ...]
    """The columns that identify a row."""


CORE_DATA = (
    Personal(
        "members",
        "id",
        N_("Your name, language and when I last saw you"),
        example="display_name || ' (' || platform || ')'",
    ),
    Personal(
        "community_members",
        "member_id",
        N_("Groups where you talked to me"),
        example="(SELECT name FROM communities WHERE id = community_id)",
    ),
    Personal(
        "command_usage",
        "member_id",
        N_("Commands you used"),
        Forget.ANONYMISE,
        example="'/' || command",
        usage_at="at",
    ),
    Personal("community_link_codes", "created_by", N_("Community link codes you made")),
    Personal(
        "web_sessions",
        "member_id",
        N_("Your web dashboard sessions"),
        example="created_at",
        holds=Holds.PLATFORM_ID,
    ),
    Personal(
        "web_links",
        "member_id",
        N_("Your web dashboard links"),
        example="created_at",
        holds=Holds.PLATFORM_ID,
    ),
)
TRACES = (
    Trace("inbox", "payload", ("platform", "update_id")),
    Trace("jobs", "key", ("id",)),
    Trace("jobs", "payload", ("id",)),
    Trace("sent_keys", "key", ("key",)),
    Trace("button_keys", "command", ("id",)),
    Trace("polls", "channel_id", ("platform", "poll_id")),
    Trace("outbox", "destination", ("id",)),
    Trace("outbox", "replies", ("id",)),
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PersonalData:
    """Every declaration, by the package that made it (the core's under `CORE`)."""

    def __init__(self) -> None:
        self.declared: dict[str, tuple[Personal, ...]] = {CORE: CORE_DATA}

    def add(self, package: str, data: Iterable[Personal]) -> None:
        found = tuple(data)
        for personal in found:
            for name in (personal.table, personal.column, *personal.blank):
                if not _IDENTIFIER.fullmatch(name):
                    raise ValueError(f"{package}: {name!r} is not a table or column name")
        self.declared[package] = self.declared.get(package, ()) + found

    def all(self) -> list[tuple[str, Personal]]:
        return [(package, p) for package, data in self.declared.items() for p in data]


@dataclass(frozen=True, slots=True)
class MemberForgotten:
    """Published (``services.events``) once a member was forgotten: a feature whose other
    members' state followed theirs catches up (a seat they held goes to the waiting list)."""

    member_id: int


@dataclass(frozen=True, slots=True)
class Found:
    """What one declaration holds about a member: how many rows, a few examples."""

    package: str
    personal: Personal
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Inventory:
    found: list[Found]
    traces: int
    """Rows of the message machinery naming the member (updates, scheduled posts, keys)."""


async def inventory(store: Store, data: PersonalData, member: Member) -> Inventory:
    """Everything stored about `member`, declaration by declaration (those holding nothing left
    out), and how many message-machinery rows name them."""

    def work(db: Atomic) -> Inventory:
        found = []
        for package, personal in data.all():
            where, args = _where(personal, member)
            total = int(db.fetchval(f"SELECT count(*) FROM {personal.table} WHERE {where}", args))
            if not total:
                continue
            examples: tuple[str, ...] = ()
            if personal.example:
                rows = db.fetchall(
                    f"SELECT DISTINCT {personal.example} FROM {personal.table} WHERE {where}"
                    f" ORDER BY 1 LIMIT {EXAMPLES}",
                    args,
                )
                examples = tuple(_short(row[0]) for row in rows if row[0] not in (None, ""))
            found.append(Found(package, personal, total, examples))
        return Inventory(found, sum(len(keys) for keys in _traces(db, member).values()))

    return await store.atomically(work)


async def forget(
    store: Store, data: PersonalData, member: Member, now: datetime, *, former: str
) -> int:
    """Forget `member` in one transaction: their rows deleted or anonymised as declared, the
    message-machinery rows naming them deleted, their own row emptied and named `former` (the
    bot's word for a former member, where anonymous points are listed). How many rows changed."""
    tables = await store.tables()

    def work(db: Atomic) -> int:
        changed = 0
        for (table, _column), keys in _traces(db, member).items():
            for key_columns, values in keys:
                where = " AND ".join(f"{c} = ?" for c in key_columns)
                changed += _count(db, f"DELETE FROM {table} WHERE {where}", values)
        for _package, personal in data.all():
            if personal.table == "members":
                continue
            changed += _forget_rows(db, personal, member, _declared_column(tables, personal))
        changed += _count(
            db,
            "UPDATE members SET platform_id = ?, display_name = ?, locale = NULL,"
            " platform_locale = NULL, created_at = ?, last_seen_at = ? WHERE id = ?",
            (f"{FORGOTTEN}{member.id}", former, utc_text(now), utc_text(now), member.id),
        )
        return changed

    return await store.atomically(work)


def _count(db: Atomic, sql: str, params: tuple[object, ...]) -> int:
    """How many rows an UPDATE or DELETE changed (RETURNING: neither engine's rowcount)."""
    return len(db.fetchall(f"{sql} RETURNING 1", params))


def _declared_column(tables: dict[str, tuple[Column, ...]], personal: Personal) -> Column:
    for column in tables.get(personal.table, ()):
        if column.name == personal.column:
            return column
    raise ValueError(f"{personal.table}.{personal.column} does not exist")


def _forget_rows(db: Atomic, personal: Personal, member: Member, column: Column) -> int:
    where, args = _where(personal, member)
    if personal.forget is Forget.DELETE:
        if personal.jobs:
            for row in db.fetchall(f"SELECT * FROM {personal.table} WHERE {where}", args):
                prefix = personal.jobs.format(**dict(zip(row.keys(), row, strict=True)))
                db.execute(
                    "UPDATE jobs SET state = 'cancelled' WHERE state = 'pending'"
                    " AND key >= ? AND key < ?",
                    (prefix, prefix + "\U0010ffff"),
                )
        return _count(db, f"DELETE FROM {personal.table} WHERE {where}", args)
    emptied = [f"{name} = ''" for name in personal.blank]
    if column.nullable:
        emptied.append(f"{personal.column} = NULL")
    elif personal.holds is Holds.PLATFORM_ID:
        emptied.append(f"{personal.column} = '{FORGOTTEN}{member.id}'")
    if not emptied:  # the rows point at the member's row, which is emptied itself
        return int(db.fetchval(f"SELECT count(*) FROM {personal.table} WHERE {where}", args))
    return _count(db, f"UPDATE {personal.table} SET {', '.join(emptied)} WHERE {where}", args)


def _where(personal: Personal, member: Member) -> tuple[str, tuple[object, ...]]:
    value = member.id if personal.holds is Holds.MEMBER else member.platform_id
    return f"{personal.column} = ?", (value,)


def _traces(
    db: Atomic, member: Member
) -> dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[object, ...]]]]:
    """The message-machinery rows whose text names the member's platform id as a whole word (a
    Telegram id inside a group's negative id, or inside a longer number, is not them)."""
    if not member.platform_id or member.platform_id.startswith(FORGOTTEN):
        return {}
    pattern = re.compile(rf"(?<![\w-]){re.escape(member.platform_id)}(?!\w)")
    found: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[object, ...]]]] = {}
    seen: set[tuple[str, tuple[object, ...]]] = set()
    for trace in TRACES:
        keys = ", ".join(trace.key)
        rows = db.fetchall(
            f"SELECT {trace.column}, {keys} FROM {trace.table} WHERE instr({trace.column}, ?) > 0",
            (member.platform_id,),
        )
        for text, *key in rows:
            row = (trace.table, tuple(key))
            if row not in seen and pattern.search(str(text)):
                seen.add(row)
                found.setdefault((trace.table, trace.column), []).append((trace.key, tuple(key)))
    return found


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= EXAMPLE_LENGTH else text[: EXAMPLE_LENGTH - 1] + "…"


# Checking the declarations against the schema ------------------------------------------------


MEMBER_COLUMN_NAMES = frozenset({"member_id", "user_id", "platform_user_id"})


def member_columns(tables: dict[str, tuple[Column, ...]]) -> set[tuple[str, str]]:
    """Every (table, column) that refers to ``members`` or is named as holding a member."""
    return {
        (table, column.name)
        for table, columns in tables.items()
        if table != "members"
        for column in columns
        if column.references == "members" or column.name in MEMBER_COLUMN_NAMES
    }


async def undeclared(store: Store, data: PersonalData) -> list[tuple[str, str]]:
    """Columns holding a member that no declaration covers, and declarations naming a table
    or column the schema lacks: both mean /forgetme would leave something behind."""
    tables = await store.tables()
    declared = {(p.table, p.column) for _, p in data.all()}
    missing = member_columns(tables) - declared
    for _, personal in data.all():
        names = {column.name for column in tables.get(personal.table, ())}
        fields = [f for _, f, _, _ in Formatter().parse(personal.jobs or "") if f]
        for name in (personal.column, *personal.blank, *fields):
            if name not in names:
                missing.add((personal.table, name))
    return sorted(missing)


# Pruning usage records -----------------------------------------------------------------------


async def prune_usage(store: Store, data: PersonalData, now: datetime, keep_days: int) -> int:
    """Delete usage records older than `keep_days`; how many. In batches of `PRUNE_BATCH`, one
    transaction each, so the first pruning of years of records never holds the database long."""
    before = utc_text(now - timedelta(days=keep_days))
    pruned = 0
    tables = await store.tables()
    for _package, personal in data.all():
        if not personal.usage_at:
            continue
        key = _single_key(tables, personal.table)
        sql = (
            f"DELETE FROM {personal.table} WHERE {key} IN (SELECT {key} FROM {personal.table}"
            f" WHERE {personal.usage_at} < ? LIMIT {PRUNE_BATCH})"
        )
        while deleted := await store.atomically(lambda db, sql=sql: _count(db, sql, (before,))):
            pruned += deleted
    return pruned


def _single_key(tables: dict[str, tuple[Column, ...]], table: str) -> str:
    keys = [column.name for column in tables.get(table, ()) if column.primary_key]
    if len(keys) != 1:
        raise ValueError(f"{table}: usage records need a primary key of one column, not {keys}")
    return keys[0]


async def start_pruning(services: Services) -> None:
    """Handle the daily pruning job and plan the next one (the same key: a no-op when planned)."""

    async def run(job: Job) -> None:
        keep = services.config.privacy.keep_usage_days
        pruned = await prune_usage(services.store, services.privacy, services.clock.now(), keep)
        if pruned:
            log.info("pruned %d usage records older than %d days", pruned, keep)
        await _plan(services)

    services.scheduler.handle(PRUNE, run)
    await _plan(services)


async def _plan(services: Services) -> None:
    zone = services.config.bot.tz
    local = services.clock.now().astimezone(zone)
    due = datetime.combine(local.date(), PRUNE_AT, zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), PRUNE_AT, zone)
    await services.scheduler.schedule(PRUNE, f"{PRUNE}:{due.date().isoformat()}", due)
