"""The series table: which series a community switched on, when they post, and what they showed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.api.context import Destination
from bot.storage.store import Store
from bot.time.recurrence import Recurrence


@dataclass(frozen=True, slots=True)
class Series:
    community_id: int
    kind: str
    enabled: bool
    rule: str | None
    start: datetime
    """The first occurrence in the community's wall-clock time (naive); for the reading days
    and the digest after each import only its time of day counts."""
    channel: Destination
    revision: int
    cursor: int
    mark: str | None

    @property
    def recurrence(self) -> Recurrence | None:
        return Recurrence(self.rule, self.start) if self.rule else None


@dataclass(frozen=True, slots=True)
class Shown:
    theme: str
    book_ids: tuple[int, ...]


_COLUMNS = "community_id, kind, enabled, rule, start, channel, revision, cursor, mark"


def _series(row: tuple) -> Series:
    return Series(
        community_id=row[0],
        kind=row[1],
        enabled=bool(row[2]),
        rule=row[3],
        start=datetime.fromisoformat(row[4]),
        channel=Destination.from_key(row[5]),
        revision=row[6],
        cursor=row[7],
        mark=row[8],
    )


class SeriesStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, community_id: int, kind: str) -> Series | None:
        row = await self.store.fetchone(
            f"SELECT {_COLUMNS} FROM series WHERE community_id = ? AND kind = ?",
            (community_id, kind),
        )
        return _series(tuple(row)) if row else None

    async def of_community(self, community_id: int) -> list[Series]:
        rows = await self.store.fetchall(
            f"SELECT {_COLUMNS} FROM series WHERE community_id = ?", (community_id,)
        )
        return [_series(tuple(row)) for row in rows]

    async def enabled(self) -> list[Series]:
        rows = await self.store.fetchall(f"SELECT {_COLUMNS} FROM series WHERE enabled = 1")
        return [_series(tuple(row)) for row in rows]

    async def switch_on(
        self,
        community_id: int,
        kind: str,
        rule: str | None,
        start: datetime,
        channel: Destination,
        mark: str | None,
    ) -> Series:
        """Switch a series on (again) with this timing; its jobs take the next revision. The
        rotation and what was shown are kept; the digest's mark only where it had none."""
        await self.store.execute(
            "INSERT INTO series (community_id, kind, rule, start, channel, mark)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (community_id, kind) DO UPDATE SET enabled = 1, rule = excluded.rule,"
            " start = excluded.start, channel = excluded.channel, revision = revision + 1,"
            " mark = coalesce(mark, excluded.mark)",
            (community_id, kind, rule, start.isoformat(), channel.key(), mark),
        )
        found = await self.get(community_id, kind)
        assert found is not None
        return found

    async def retime(self, series: Series, rule: str | None, start: datetime) -> Series:
        await self.store.execute(
            "UPDATE series SET rule = ?, start = ?, revision = revision + 1"
            " WHERE community_id = ? AND kind = ?",
            (rule, start.isoformat(), series.community_id, series.kind),
        )
        found = await self.get(series.community_id, series.kind)
        assert found is not None
        return found

    async def next_revision(self, series: Series) -> Series:
        return await self.retime(series, series.rule, series.start)

    async def switch_off(self, community_id: int, kind: str) -> bool:
        rows = await self.store.fetchall(
            "UPDATE series SET enabled = 0, revision = revision + 1"
            " WHERE community_id = ? AND kind = ? AND enabled = 1 RETURNING kind",
            (community_id, kind),
        )
        return bool(rows)

    async def set_mark(self, series: Series, mark: str) -> None:
        await self.store.execute(
            "UPDATE series SET mark = ? WHERE community_id = ? AND kind = ?",
            (mark, series.community_id, series.kind),
        )

    # what was shown ---------------------------------------------------------------------

    async def shown(self, series: Series, occurrence: str) -> Shown | None:
        rows = await self.store.fetchall(
            "SELECT theme, book_id FROM series_books"
            " WHERE community_id = ? AND kind = ? AND occurrence = ? ORDER BY place",
            (series.community_id, series.kind, occurrence),
        )
        return Shown(rows[0][0], tuple(row[1] for row in rows)) if rows else None

    async def recent_books(self, series: Series, since: date) -> set[int]:
        rows = await self.store.fetchall(
            "SELECT book_id FROM series_books"
            " WHERE community_id = ? AND kind = ? AND posted_on >= ?",
            (series.community_id, series.kind, since.isoformat()),
        )
        return {row[0] for row in rows}

    async def remember(
        self, series: Series, occurrence: str, day: date, shown: Shown, cursor: int
    ) -> None:
        """What an occurrence shows, and where the rotation goes on: one transaction."""
        async with self.store.transaction() as tx:
            await tx.executemany(
                "INSERT OR IGNORE INTO series_books"
                " (community_id, kind, occurrence, theme, book_id, place, posted_on)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        series.community_id,
                        series.kind,
                        occurrence,
                        shown.theme,
                        book,
                        place,
                        day.isoformat(),
                    )
                    for place, book in enumerate(shown.book_ids)
                ],
            )
            await tx.execute(
                "UPDATE series SET cursor = ? WHERE community_id = ? AND kind = ?",
                (cursor, series.community_id, series.kind),
            )

    # languages --------------------------------------------------------------------------

    async def bilingual(self, community_id: int) -> bool:
        found = await self.store.fetchval(
            "SELECT 1 FROM series_bilingual WHERE community_id = ?", (community_id,)
        )
        return found == 1

    async def set_bilingual(self, community_id: int, on: bool) -> None:
        if on:
            await self.store.execute(
                "INSERT OR IGNORE INTO series_bilingual (community_id) VALUES (?)",
                (community_id,),
            )
        else:
            await self.store.execute(
                "DELETE FROM series_bilingual WHERE community_id = ?", (community_id,)
            )
