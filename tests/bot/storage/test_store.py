from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.process.features import discover
from bot.storage import store as store_module
from bot.storage.store import (
    CORE,
    LAYOUT,
    Conflict,
    Migration,
    SchemaTooNewError,
    Store,
    StoreError,
    latest_version,
    migrations,
    read_migrations,
)

LEGACY_CHAIN = Path(__file__).resolve().parents[2] / "fixtures" / "legacy_db" / "chain"
LEGACY_LAST = 11  # the last version of the single chain (Pustaka before feature packages)


def every_feature() -> list[list[Migration]]:
    return [package.migrations for package in discover() if package.migrations]


NOW = "2026-01-01T00:00:00+00:00"
# Rows valid from a given schema version on, to check migrations keep data.
ROWS_BY_VERSION = {
    1: [
        "INSERT INTO members (platform, platform_id, display_name, created_at, last_seen_at)"
        f" VALUES ('telegram', '42', 'Sari', '{NOW}', '{NOW}')",
        "INSERT INTO communities (platform, platform_id, name, created_at)"
        f" VALUES ('discord', '7', 'Klub Baca', '{NOW}')",
        "INSERT INTO community_members (community_id, member_id, first_seen_at, last_seen_at)"
        f" VALUES (1, 1, '{NOW}', '{NOW}')",
    ],
    2: [
        "INSERT INTO command_usage (at, platform, community_id, member_id, command, outcome)"
        f" VALUES ('{NOW}', 'discord', 1, 1, 'help', 'ok')",
    ],
    3: [
        f"INSERT INTO button_keys (command, keep, created_at) VALUES ('/lang en', 0, '{NOW}')",
        "INSERT INTO polls (platform, poll_id, channel_id, commands, created_at)"
        f" VALUES ('telegram', 'p1', '-100', '[\"/answer 1\"]', '{NOW}')",
        "INSERT INTO platform_state (platform, key, value) VALUES ('discord', 'k', 'v')",
    ],
    4: [
        "INSERT INTO books (source, source_id, title, fingerprint, added_at, updated_at)"
        f" VALUES ('sample', '1', 'Bumi Manusia', 'f', '{NOW}', '{NOW}')",
        "INSERT INTO copies (book_id, call_number, status)"
        " VALUES (1, '899.221 TOE b', 'available')",
        "INSERT INTO book_isbns (isbn, book_id) VALUES ('9789799731234', 1)",
        "INSERT INTO books_fts (rowid, title) VALUES (1, 'Bumi Manusia')",
        "INSERT INTO harvests (url, metadata_prefix, last_from)"
        f" VALUES ('http://x', 'oai_dc', '{NOW}')",
        f"INSERT INTO openlibrary_cache (url, body, fetched_at) VALUES ('u', '{{}}', '{NOW}')",
    ],
    5: [
        "INSERT INTO jobs (kind, key, due_at) VALUES ('reminder', 'r1', '2026-01-01T00:00:00')",
        "INSERT INTO sent_keys (key, sent_at) VALUES ('r1:42', '2026-01-01T00:00:00')",
    ],
    6: [
        "INSERT INTO events (community_id, destination, title, starts_at, created_at)"
        " VALUES (1, '{}', 'Bedah Buku', '2026-12-05T07:00:00', '2026-01-01T00:00:00')",
        "INSERT INTO rsvps (event_id, member_id, answer, at)"
        " VALUES (1, 1, 'going', '2026-01-01T00:00:00')",
        "INSERT INTO reminder_optouts (member_id) VALUES (1)",
    ],
    7: [
        "UPDATE events SET rrule = 'FREQ=WEEKLY;BYDAY=SA', local_start = '2026-12-05T14:00:00'",
        "INSERT INTO event_skips (event_id, occurrence) VALUES (1, '2026-12-12')",
        "INSERT INTO rsvps (event_id, occurrence, member_id, answer, at)"
        " VALUES (1, '2026-12-19', 1, 'maybe', '2026-01-01T00:00:00')",
        "INSERT INTO event_settings (community_id, reminder_minutes) VALUES (1, '1440,60')",
        "INSERT INTO personal_reminders (member_id, text, due_at, created_at)"
        " VALUES (1, 'Kembalikan buku', '2026-12-01T01:00:00', '2026-01-01T00:00:00')",
    ],
    8: [
        "INSERT INTO quiz_packs (community_id, key, title, source, imported_at)"
        f" VALUES (1, 'klub', 'Kuis Klub', 'title = \"Kuis Klub\"', '{NOW}')",
        "INSERT INTO quiz_seasons (community_id, name, destination, started_at)"
        f" VALUES (1, 'Musim 1', '{{}}', '{NOW}')",
        "INSERT INTO quizzes (community_id, season_id, destination, channel, pack_key,"
        " pack_title, seconds, mode, started_at)"
        f" VALUES (1, 1, '{{}}', 'discord:7:', 'klub', 'Kuis Klub', 20, 'buttons', '{NOW}')",
        "INSERT INTO quiz_questions (quiz_id, position, prompt, choices, correct)"
        " VALUES (1, 1, 'Siapa menulis Bumi Manusia?', '[\"Pramoedya\", \"Chairil\"]', 0)",
        "INSERT INTO quiz_answers (question_id, member_id, answer, correct, points, answered_at)"
        f" VALUES (1, 1, 'A', 1, 140, '{NOW}')",
    ],
    9: [
        "INSERT INTO shelf (member_id, book_id, status, updated_at)"
        f" VALUES (1, 1, 'read', '{NOW}')",
        "INSERT INTO ratings (member_id, book_id, stars, review, rated_at)"
        f" VALUES (1, 1, 5, 'Luar biasa', '{NOW}')",
        "INSERT INTO suggestions (community_id, member_id, book_id, note, created_at)"
        f" VALUES (1, 1, 1, 'Wajib dibaca', '{NOW}')",
        f"INSERT INTO suggestion_votes (suggestion_id, member_id, voted_at) VALUES (1, 1, '{NOW}')",
        "INSERT INTO unmet_demand (at, kind, key, wanted, member_id)"
        f" VALUES ('{NOW}', 'missing', 'laut bercerita', 'Laut Bercerita', 1)",
    ],
    10: [
        "INSERT INTO clubs (community_id, name, name_key, created_at)"
        f" VALUES (1, 'Klub Sastra', 'klub sastra', '{NOW}')",
        "INSERT INTO club_readings (club_id, book_id, title, starts_at, weeks, unit)"
        f" VALUES (1, 1, 'Bumi Manusia', '{NOW}', 4, 'percent')",
        f"INSERT INTO club_members (club_id, member_id, joined_at) VALUES (1, 1, '{NOW}')",
        "INSERT INTO club_progress (reading_id, member_id, fraction, unit, value, updated_at)"
        f" VALUES (1, 1, 0.25, 'percent', 25, '{NOW}')",
        "INSERT INTO club_prompts (reading_id, section, text) VALUES (1, 1, 'Siapa Minke?')",
        f"INSERT INTO club_votes (club_id, closes_at, created_at) VALUES (1, '{NOW}', '{NOW}')",
        "INSERT INTO club_vote_options (vote_id, position, book_id, title)"
        " VALUES (1, 1, 1, 'Bumi Manusia')",
        "INSERT INTO club_ballots (vote_id, member_id, position, cast_at)"
        f" VALUES (1, 1, 1, '{NOW}')",
        "INSERT INTO club_settings (community_id, members_create) VALUES (1, 1)",
    ],
    11: [
        "INSERT INTO copies (book_id, call_number, status, due)"
        " VALUES (1, '899.221 TOE b', 'on_loan', '2026-12-10')",
    ],
}
USAGE = (
    "INSERT INTO command_usage (at, platform, command, outcome)"
    f" VALUES ('{NOW}', 'console', ?, 'ok')"
)


def schema(path: Path) -> list[tuple[str, str]]:
    """Every table and index of the file, with its SQL in one normalised spelling (not the
    planner's statistics, which `PRAGMA optimize` adds when it sees fit)."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND name NOT LIKE 'sqlite_stat%' ORDER BY name"
        ).fetchall()
    return [(name, " ".join(sql.split())) for name, sql in rows]


def row_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


def with_extra_migration(monkeypatch: pytest.MonkeyPatch, name: str, sql: str) -> int:
    """Pretend this Pustaka ships one more core migration; returns its version."""
    good = migrations()
    version = len(good) + 1
    extra = Migration(CORE, version, name, sql)
    monkeypatch.setattr(store_module, "migrations", lambda: [*good, extra])
    return version


def core_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        row = db.execute("SELECT version FROM schema_versions WHERE package = 'core'").fetchone()
        return row[0]


def single_chain_database(path: Path, version: int) -> None:
    """A database as Pustaka 0.1 left it at `version` of its one migration chain, with rows in
    every table it had (the chain is kept verbatim in tests/fixtures/legacy_db/chain/)."""
    with closing(sqlite3.connect(path)) as db:
        for file in sorted(LEGACY_CHAIN.glob("*.sql"))[:version]:
            db.executescript(f"BEGIN;\n{file.read_text(encoding='utf-8')}\nCOMMIT;")
        for number in range(1, version + 1):
            for sql in ROWS_BY_VERSION[number]:
                db.execute(sql)
        db.commit()
        db.execute(f"PRAGMA user_version = {version}")


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (FTS5's own shadow tables aside)."""
    with closing(sqlite3.connect(path)) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'books_fts_%' AND name != 'schema_versions'"
            )
        ]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


async def test_fresh_database_is_ready(tmp_path: Path) -> None:
    """A new file (and its folder) gets the latest schema, WAL, foreign keys and a busy timeout."""
    path = tmp_path / "sub" / "p.db"
    store = await Store.open(path)
    try:
        assert store.path == path
        assert await store.schema_version() == latest_version() >= 2
        assert await store.fetchval("PRAGMA journal_mode") == "wal"
        assert await store.fetchval("PRAGMA foreign_keys") == 1
        assert await store.fetchval("PRAGMA busy_timeout") == 5000
        assert await store.fetchval("PRAGMA synchronous") == 1  # NORMAL
    finally:
        await store.close()


async def test_in_memory_database(caplog: pytest.LogCaptureFixture) -> None:
    """':memory:' works (for quick tests) and each applied migration is logged."""
    caplog.set_level(logging.INFO, logger="pustaka.store")
    store = await Store.open(":memory:")
    try:
        assert store.path is None
        assert await store.schema_version() == latest_version()
    finally:
        await store.close()
    logged = [record.getMessage() for record in caplog.records if record.name == "pustaka.store"]
    assert len([line for line in logged if "migrated to version" in line]) == latest_version()


async def test_query_methods(tmp_path: Path) -> None:
    """execute gives the new row's id; fetchone, fetchall, fetchval and executemany work."""
    store = await Store.open(tmp_path / "p.db")
    try:
        assert await store.execute(USAGE, ("help",)) == 1
        await store.executemany(USAGE, [("lang",), ("about",)])
        assert await store.execute(USAGE, ("stats",)) == 4
        rows = await store.fetchall("SELECT id, command FROM command_usage ORDER BY id")
        assert [(row["id"], row["command"]) for row in rows] == [
            (1, "help"),
            (2, "lang"),
            (3, "about"),
            (4, "stats"),
        ]
        row = await store.fetchone("SELECT command FROM command_usage WHERE id = :id", {"id": 3})
        assert row is not None and row["command"] == "about"
        assert await store.fetchone("SELECT 1 FROM command_usage WHERE id = 99") is None
        assert await store.fetchval("SELECT id FROM command_usage WHERE id = 99", default=-1) == -1
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(latest_version()))
async def test_core_migrates_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    """A database at any earlier core version upgrades to the same schema and keeps its rows."""
    fresh = tmp_path / "fresh.db"
    await (await Store.open(fresh)).close()
    old = tmp_path / "old.db"
    store = await Store.open(old, target_version=start)
    assert await store.schema_version() == start
    await store.close()
    before = row_counts(old)
    store = await Store.open(old)
    try:
        assert await store.schema_version() == latest_version()
    finally:
        await store.close()
    assert schema(old) == schema(fresh)
    assert {table: row_counts(old)[table] for table in before} == before


@pytest.mark.parametrize("start", range(LEGACY_LAST + 1))
async def test_single_chain_database_upgrades_in_place(tmp_path: Path, start: int) -> None:
    """A database from before feature packages, at any of its versions, gets exactly the schema
    of a new database, every feature's tables included, and keeps every row of every table."""
    fresh = tmp_path / "fresh.db"
    await (await Store.open(fresh, packages=every_feature())).close()
    old = tmp_path / "old.db"
    single_chain_database(old, start)
    before = contents(old)
    store = await Store.open(old, packages=every_feature())
    try:
        versions = await store.versions()
    finally:
        await store.close()
    assert schema(old) == schema(fresh)
    after = contents(old)
    if start == LEGACY_LAST:
        assert in_old_columns(after, before) == before
    else:  # later migrations of the chain may add columns to the rows
        assert {t: len(after[t]) for t in before} == {t: len(rows) for t, rows in before.items()}
    assert versions[CORE] == latest_version()
    assert versions == {**versions, **{m[0].package: len(m) for m in every_feature()}}
    with closing(sqlite3.connect(old)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LAYOUT


async def test_single_chain_rows_fill_every_table(tmp_path: Path) -> None:
    """The upgrade test above has rows in every table of the last single-chain version, so no
    table's rows go unchecked."""
    assert set(ROWS_BY_VERSION) == set(range(1, LEGACY_LAST + 1))
    path = tmp_path / "old.db"
    single_chain_database(path, LEGACY_LAST)
    empty = [table for table, rows in contents(path).items() if not rows]
    assert empty == []


async def test_feature_tables_come_when_the_feature_does(tmp_path: Path) -> None:
    """An upgraded database keeps its single-chain version for a feature loaded later: its
    tables are recognised, not created again (which would fail) or emptied."""
    path = tmp_path / "old.db"
    single_chain_database(path, LEGACY_LAST)
    quiz = [chain for chain in every_feature() if chain[0].package == "quiz"]
    await (await Store.open(path)).close()
    store = await Store.open(path, packages=quiz)
    try:
        assert await store.schema_version("quiz") == len(quiz[0])
        assert await store.fetchval("SELECT title FROM quiz_packs") == "Kuis Klub"
        assert await store.schema_version("events") == 0
    finally:
        await store.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    """A database from a newer Pustaka is refused with both versions named, and left alone."""
    path = tmp_path / "p.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {LAYOUT + 1}")
    with pytest.raises(SchemaTooNewError) as raised:
        await Store.open(path)
    message = str(raised.value)
    assert f"version {LAYOUT + 1} is newer" in message
    assert f"({LAYOUT})" in message
    assert schema(path) == []
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.parametrize("package", [CORE, "quiz"])
async def test_newer_package_is_refused(tmp_path: Path, package: str) -> None:
    """One package written by a newer Pustaka (the core's tables or a feature's) is refused
    before anything is written, naming the package and both versions."""
    path = tmp_path / "p.db"
    await (await Store.open(path, packages=every_feature())).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE schema_versions SET version = 99 WHERE package = ?", (package,))
        db.commit()
    before = schema(path)
    with pytest.raises(SchemaTooNewError, match=f"{package} tables are at version 99"):
        await Store.open(path, packages=every_feature())
    assert schema(path) == before


async def test_failed_migration_keeps_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that fails half-way leaves no half-made tables and the old version."""
    broken = with_extra_migration(monkeypatch, "broken", "CREATE TABLE half (x);\nTHIS IS NOT SQL;")
    path = tmp_path / "p.db"
    with pytest.raises(StoreError, match="broken"):
        await Store.open(path)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version FROM schema_versions").fetchone()[0] == broken - 1
        assert "half" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}


async def test_migration_leaving_dangling_references_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration whose rows point at missing rows is rolled back, naming the table."""
    path = tmp_path / "p.db"
    await (await Store.open(path)).close()
    dangling = with_extra_migration(
        monkeypatch,
        "dangling",
        "INSERT INTO community_members VALUES (5, 5, '2026-01-01', '2026-01-01');",
    )
    with pytest.raises(StoreError, match="dangling.*community_members"):
        await Store.open(path)
    assert row_counts(path)["community_members"] == 0
    assert core_version(path) == dangling - 1


async def test_migration_rebuilding_a_table_keeps_rows_that_reference_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding members in a migration does not cascade-delete anyone's communities."""
    path = tmp_path / "p.db"
    store = await Store.open(path)
    for sql in ROWS_BY_VERSION[1]:
        await store.execute(sql)
    await store.close()
    rebuild = with_extra_migration(
        monkeypatch,
        "rebuild_members",
        """
        CREATE TABLE members_new (
            id INTEGER PRIMARY KEY, platform TEXT NOT NULL, platform_id TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '', locale TEXT, platform_locale TEXT,
            created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, UNIQUE (platform, platform_id)
        );
        INSERT INTO members_new SELECT * FROM members;
        DROP TABLE members;
        ALTER TABLE members_new RENAME TO members;
        """,
    )
    store = await Store.open(path)
    try:
        assert await store.schema_version() == rebuild
        assert await store.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await store.close()
    assert row_counts(path)["community_members"] == 1


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (["0001_a.sql", "0003_c.sql"], "without gaps"),
        (["0001_a.sql", "0001_b.sql"], "without gaps"),
        (["0001_a.sql", "2_b.sql"], "2_b.sql is not named NNNN_name.sql"),
    ],
)
def test_misnumbered_migrations_are_refused(tmp_path: Path, names: list[str], words: str) -> None:
    """Migration files with a gap, a repeated number or a bad name are refused."""
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match=words):
        read_migrations(tmp_path, "quiz")


def test_legacy_marks_are_read(tmp_path: Path) -> None:
    """A migration's first line `-- legacy: N` names the single-chain migration it holds."""
    (tmp_path / "0001_a.sql").write_text("-- legacy: 8\nCREATE TABLE a (x);\n", encoding="utf-8")
    (tmp_path / "0002_b.sql").write_text("CREATE TABLE b (x);\n", encoding="utf-8")
    assert [m.legacy for m in read_migrations(tmp_path, "quiz")] == [8, None]


async def test_target_version_out_of_range_is_refused(tmp_path: Path) -> None:
    """Asking for a schema version this Pustaka does not have is a clear error."""
    with pytest.raises(StoreError, match=f"no schema version {latest_version() + 1}"):
        await Store.open(tmp_path / "p.db", target_version=latest_version() + 1)


async def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    """Pointing the bot at some other file gives a StoreError, and the file is untouched."""
    path = tmp_path / "notes.txt"
    path.write_bytes(b"not a database, just some notes " * 100)
    with pytest.raises(StoreError, match="notes.txt"):
        await Store.open(path)
    assert path.read_bytes() == b"not a database, just some notes " * 100


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    """Nothing written inside a failed transaction remains."""
    store = await Store.open(tmp_path / "p.db")
    try:
        with pytest.raises(RuntimeError):
            async with store.transaction() as tx:
                await tx.execute(ROWS_BY_VERSION[1][0])
                raise RuntimeError("stop")
        assert await store.fetchval("SELECT count(*) FROM members") == 0
    finally:
        await store.close()


async def test_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    """When COMMIT itself fails, later writes still get saved on their own."""
    path = tmp_path / "p.db"
    store = await Store.open(path)
    with pytest.raises(Conflict):
        async with store.transaction() as tx:
            await tx.execute("PRAGMA defer_foreign_keys = ON")
            await tx.execute(ROWS_BY_VERSION[1][2])  # points at a member that does not exist
    await store.execute(USAGE, ("help",))
    await store.close()
    assert row_counts(path)["command_usage"] == 1
    assert row_counts(path)["community_members"] == 0


async def test_store_methods_inside_own_transaction_raise(tmp_path: Path) -> None:
    """Using the store instead of the transaction inside it is an error, not a silent hang."""
    store = await Store.open(tmp_path / "p.db")
    try:
        async with store.transaction() as tx:
            await tx.execute(USAGE, ("help",))
            with pytest.raises(StoreError, match="transaction's methods"):
                async with asyncio.timeout(5):
                    await store.execute(USAGE, ("lang",))
            with pytest.raises(StoreError, match="transaction's methods"):
                async with store.transaction():
                    pass
        with pytest.raises(StoreError, match="already ended"):
            await tx.execute(USAGE, ("late",))
        rows = await store.fetchall("SELECT command FROM command_usage")
        assert [row["command"] for row in rows] == ["help"]
    finally:
        await store.close()


@pytest.mark.parametrize("commit", [True, False])
async def test_other_tasks_wait_for_a_transaction(tmp_path: Path, commit: bool) -> None:
    """A statement from another task lands after the transaction, never inside it."""
    store = await Store.open(tmp_path / "p.db")
    entered = asyncio.Event()

    async def in_transaction() -> None:
        async with store.transaction() as tx:
            await tx.execute(USAGE, ("first",))
            entered.set()
            await asyncio.sleep(0.05)  # the other task tries to write now
            await tx.execute(USAGE, ("second",))
            if not commit:
                raise RuntimeError("rolled back")

    async def outside() -> None:
        await entered.wait()
        await store.execute(USAGE, ("outside",))

    try:
        results = await asyncio.gather(in_transaction(), outside(), return_exceptions=True)
        assert results[1] is None
        assert isinstance(results[0], RuntimeError) != commit
        rows = await store.fetchall("SELECT command FROM command_usage ORDER BY id")
        expected = ["first", "second", "outside"] if commit else ["outside"]
        assert [row["command"] for row in rows] == expected
    finally:
        await store.close()


async def test_close_waits_for_the_running_transaction(tmp_path: Path) -> None:
    """Closing while a transaction runs lets it commit first; closing twice is harmless."""
    path = tmp_path / "p.db"
    store = await Store.open(path)
    entered = asyncio.Event()

    async def write() -> None:
        async with store.transaction() as tx:
            entered.set()
            await asyncio.sleep(0.05)
            await tx.execute(ROWS_BY_VERSION[1][0])

    writer = asyncio.create_task(write())
    await entered.wait()
    await asyncio.gather(store.close(), store.close())
    await store.close()
    await writer
    assert row_counts(path)["members"] == 1
    with pytest.raises(StoreError, match="closed"):
        await store.fetchval("SELECT count(*) FROM members")


def in_old_columns(
    after: dict[str, list[tuple[object, ...]]], before: dict[str, list[tuple[object, ...]]]
) -> dict[str, list[tuple[object, ...]]]:
    """`after`'s rows of the tables in `before`, cut to the columns those had (a later migration
    may add a column, with its default, at the end)."""
    return {
        table: sorted((row[: len(rows[0])] for row in after[table]), key=repr) if rows else []
        for table, rows in before.items()
    }
