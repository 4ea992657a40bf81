"""The first matches in id order from PostgreSQL's index, asked octave by octave, are the first
matches in id order, wherever the ids lie. Runs under `make test-postgres`."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.catalog.postgres_search import expected_share, first_matches, octave
from bot.storage.store import Store
from tests.databases import on_postgres, target

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only: `make test-postgres`")


def test_octaves_split_the_ids_at_powers_of_two() -> None:
    assert [octave(i) for i in (0, 1, 8191, 8192, 16383, 16384, 2**20, 2**62)] == [
        13,
        13,
        13,
        14,
        14,
        15,
        21,
        63,
    ]


async def test_first_matches_are_the_lowest_matching_ids(tmp_path: Path) -> None:
    rng = random.Random(3)
    ids = sorted(
        {rng.randrange(1, 8192) for _ in range(40)}  # dense at first …
        | {rng.randrange(8192, 2**21) for _ in range(400)}  # … sparse over many octaves …
        | {2**40 + 5, 2**62 + 1}  # … and far out
    )
    words = {i: rng.sample(["kopi", "senja", "hujan", "rare"], rng.randint(1, 3)) for i in ids}
    words[2**62 + 1] = ["rare", "lonely"]
    store = await Store.open(target(tmp_path / "catalog.db"))
    try:
        await store.executemany(
            "INSERT INTO books_fts (rowid, title, subjects) VALUES (?, ?, ?)",
            [(i, " ".join(w), "hujan" if i % 2 else "") for i, w in words.items()],
        )
        for query, test in [
            ("'kopi'", "'hujan':C"),
            ("'senja' & 'hujan'", "'senja':A"),
            ("'rare'", "'rare':A"),
            ("'lonely'", "'rare':A"),
            ("'kop':*", "'kopi':C"),
            ("'absent'", "'kopi':A"),
        ]:
            everything = [
                (row[0], row[1])
                for row in await store.fetchall(
                    "SELECT rowid, document @@ CAST(? AS tsquery) FROM books_fts"
                    " WHERE document @@ CAST(? AS tsquery) ORDER BY rowid",
                    (test, query),
                )
            ]
            for count in (1, 2, 5, 30, 100, 300, 1000):
                found = await first_matches(store, query, count, [test])
                assert found == everything[:count], (query, count)
        await store.execute("ANALYZE books_fts")
        assert await expected_share(store, ["kopi"], prefix=False) is not None
        for query, test in [("'kopi'", "'hujan':C"), ("'rare'", "'rare':A"), ("'kop':*", "'x'")]:
            everything = [
                (row[0], row[1])
                for row in await store.fetchall(
                    "SELECT rowid, document @@ CAST(? AS tsquery) FROM books_fts"
                    " WHERE document @@ CAST(? AS tsquery) ORDER BY rowid",
                    (test, query),
                )
            ]
            for share in (1.0, 0.1, 1e-6, 1e-12):  # the first query sized right or wrong
                for count in (1, 30, 300):
                    found = await first_matches(store, query, count, [test], share)
                    assert found == everything[:count], (query, count, share)
        assert len(await first_matches(store, "'absent'", 5)) == 0
        assert len(await first_matches(store, "'lonely'", 5)) == 1
    finally:
        await store.close()
