"""The SQLite subset features write, as PostgreSQL reads it (bot/storage/dialect.py)."""

from __future__ import annotations

import pytest

from bot.storage.dialect import Untranslatable, fold, fts_query, split_statements, translate


def sql(text: str, keys: dict[str, tuple[str, ...]] | None = None) -> str:
    return translate(text, (keys or {}).get).sql


def test_placeholders_are_numbered_outside_strings_and_comments() -> None:
    assert sql("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ? -- e = ?") == (
        "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2 -- e = ?"
    )


def test_table_definitions_get_postgresql_types() -> None:
    made = translate(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, f REAL, b BLOB) WITHOUT ROWID"
    )
    assert made.sql.rstrip() == (
        "CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT NOT NULL, f DOUBLE PRECISION, b BYTEA)"
    )
    assert made.after == (  # SQLite's rowid: the largest + 1 when no id is given
        "CREATE TRIGGER pustaka_rowid BEFORE INSERT ON t"
        " FOR EACH ROW EXECUTE FUNCTION pustaka_rowid('id')",
    )
    assert sql("ALTER TABLE jobs ADD COLUMN paused INTEGER NOT NULL DEFAULT 0") == (
        "ALTER TABLE jobs ADD COLUMN paused BIGINT NOT NULL DEFAULT 0"
    )
    assert "INTEGER" in sql("SELECT 'INTEGER' FROM t")  # only definitions change


def test_insert_or_ignore_and_or_replace() -> None:
    assert sql("INSERT OR IGNORE INTO s (k) VALUES (?)") == (
        "INSERT INTO s (k) VALUES ($1) ON CONFLICT DO NOTHING"
    )
    assert sql("INSERT OR IGNORE INTO s (k) VALUES (?) RETURNING k") == (
        "INSERT INTO s (k) VALUES ($1) ON CONFLICT DO NOTHING RETURNING k"
    )
    assert sql(
        "INSERT OR REPLACE INTO state (platform, key, value) VALUES (?, ?, ?)",
        {"state": ("platform", "key")},
    ) == (
        "INSERT INTO state (platform, key, value) VALUES ($1, $2, $3)"
        " ON CONFLICT (platform, key) DO UPDATE SET value = excluded.value"
    )
    with pytest.raises(Untranslatable, match="primary key"):
        sql("INSERT OR REPLACE INTO unknown (a) VALUES (?)")


def test_sqlite_only_words_are_rewritten() -> None:
    assert sql("SELECT 1 FROM t WHERE a IS ? AND b IS NOT ?") == (
        "SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2"
    )
    assert sql("SELECT 1 FROM t WHERE a LIKE ? AND b NOT LIKE 'x%'") == (
        "SELECT 1 FROM t WHERE a ILIKE $1 AND b NOT ILIKE 'x%'"
    )
    assert sql("SELECT ifnull(a, 0), CAST(b AS INTEGER) FROM t") == (
        "SELECT coalesce(a, 0), CAST(b AS BIGINT) FROM t"
    )
    assert sql("SELECT 1 FROM jobs WHERE json_extract(payload, '$.a.b') = ?") == (
        "SELECT 1 FROM jobs WHERE ((payload)::jsonb #>> '{a,b}') = $1"
    )
    assert "now()" in sql("INSERT INTO t (at) VALUES (datetime('now'))")


def test_a_bare_column_in_an_upsert_is_the_existing_row() -> None:
    assert sql(
        "INSERT INTO words (word, uses) VALUES (?, ?)"
        " ON CONFLICT (word) DO UPDATE SET uses = uses + excluded.uses"
    ).endswith("DO UPDATE SET uses = words.uses + excluded.uses")


def test_subqueries_in_from_are_named() -> None:
    assert sql("SELECT n FROM (SELECT 1 AS n) ORDER BY n") == (
        "SELECT n FROM (SELECT 1 AS n) AS _subquery0 ORDER BY n"
    )
    assert sql("SELECT n FROM (SELECT 1 AS n) AS named") == "SELECT n FROM (SELECT 1 AS n) AS named"


def test_what_has_no_honest_translation_is_refused() -> None:
    for text in ("UPDATE OR IGNORE t SET a = 1", "PRAGMA user_version", "SELECT 1 WHERE a GLOB ?"):
        with pytest.raises(Untranslatable):
            sql(text)


def test_full_text_match_uses_the_tsvector() -> None:
    done = translate("SELECT rowid FROM books_fts WHERE books_fts MATCH ? AND rowid > ?")
    assert done.sql == (
        "SELECT rowid FROM books_fts WHERE books_fts.document @@ CAST($1 AS tsquery) AND rowid > $2"
    )
    assert done.fts_params == (0,)


def test_fts5_queries_become_tsqueries() -> None:
    assert fts_query('"bumi" "manu"*') == "'bumi' & 'manu':*"
    assert fts_query('title : ("bumi" "manusia")') == "( 'bumi':A & 'manusia':A )"
    assert fts_query('subjects : ("sastra indonesia" OR "klasik")') == (
        "( ('sastra':C <-> 'indonesia':C) | 'klasik':C )"
    )
    assert fts_query('authors : ("tohari") "Ronggéng"') == "( 'tohari':B ) & 'ronggeng'"
    assert fold("Ronggéng Dukuh-Paruk (1982)") == ["ronggeng", "dukuh", "paruk", "1982"]


def test_scripts_split_at_semicolons_outside_strings() -> None:
    script = (
        "CREATE TABLE a (x TEXT DEFAULT ';');\n-- a comment; still one\nINSERT INTO a VALUES (1);\n"
    )
    assert [s.strip() for s in split_statements(script)] == [
        "CREATE TABLE a (x TEXT DEFAULT ';')",
        "-- a comment; still one\nINSERT INTO a VALUES (1)",
    ]
