"""Which process holds a piece of shared work, and taking back what a stopped process held.

Several processes may serve one PostgreSQL database (three `pustaka run`, say). Work a process
takes on is marked with its number, the store's :attr:`Store.owner`: a job it claimed
(``jobs.owner``, state 'running'), a message key it is sending (``sent_keys.owner``, 'sending'),
a message in its outbox queues (``outbox.owner``) and an update it stored to handle
(``inbox.owner``). Only work whose owner has stopped is taken back; a starting process leaves
alone what a live one is doing.

Whether an owner still runs:

- PostgreSQL: each process holds a session advisory lock (class `OWNERS_LOCK`, key its number)
  on a connection of its own for as long as it runs. The server drops the lock the moment that
  connection ends — a clean stop, a crash, a SIGKILL — so there is no lease to wait out and no
  clock to trust. The live owners are those whose lock `pg_locks` shows. Every process looks for
  a stopped one's work every `SWEEP` seconds (the scheduler, the outbox, Telegram's inbox) and
  at start.
- SQLite: one process uses a file, so every owner but this store is stopped; work is taken back
  at start only, as before several processes were possible.

An owner's number is drawn at random among those no live process holds; a stopped process's
number drawn again (1 in 2³¹ for each stopped process whose work was not taken back yet) would
leave that work to the new process, which does it as its own. Work without an owner (written by
a Pustaka before owners) counts as a stopped process's.
"""

from __future__ import annotations

from typing import Any

from bot.storage.store import Store

SWEEP = 2.0
"""Seconds between two looks for a stopped process's work on a shared (PostgreSQL) database."""

OWNERS_LOCK = 0x70757374
"""The advisory lock class whose keys are the live processes' numbers ("pust")."""


async def stopped(store: Store, *held: tuple[str, str, tuple[Any, ...]]) -> tuple[int, ...]:
    """The owners that stopped among those of the rows each (table, condition, parameters)
    selects. The rows are read before the live owners: an owner that wrote a row held its lock
    before, so one not live afterwards has stopped for good (a process starting in between is
    not mistaken for a stopped one)."""
    owners: set[int] = set()
    for table, condition, params in held:
        owners.update(
            int(row[0])
            for row in await store.fetchall(
                f"SELECT DISTINCT owner FROM {table} WHERE {condition} AND owner IS NOT NULL",
                params,
            )
        )
    return tuple(sorted(owners - await store.live_owners())) if owners else ()


def held_by(owners: tuple[int, ...]) -> str:
    """SQL (with `owners` as its parameters): a row of one of these stopped owners, or of
    none."""
    marks = ",".join("?" * len(owners)) or "NULL"
    return f"(owner IS NULL OR owner IN ({marks}))"


async def left_behind(
    store: Store, table: str, condition: str, params: tuple[Any, ...] = ()
) -> tuple[str, tuple[Any, ...]]:
    """A condition (SQL, with its parameters: `params`, then the owners') for the rows of `table`
    matching `condition` that a stopped process holds. An owner seen stopped never runs again,
    so the rows it names stay its until they are taken back (``UPDATE … WHERE`` this, which
    takes each row once however many processes try)."""
    gone = await stopped(store, (table, condition, params))
    return f"{condition} AND {held_by(gone)}", (*params, *gone)
