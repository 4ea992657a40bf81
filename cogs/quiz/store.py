"""Quizzes, their questions and answers, seasons and imported packs in the database.

One answer per member and question is the primary key of quiz_answers, and the deadline is checked
by the INSERT itself, so concurrent answers, double presses and late ones are decided by the
database, never by what a task happened to read a moment before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.api.context import Once
from bot.storage.store import Atomic, Conflict, Store
from bot.time.clock import utc_text as _utc
from cogs.quiz.game import Asked, Drawn


class Recorded(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class Quiz:
    id: int
    community_id: int
    season_id: int | None
    destination: str
    channel: str
    pack_key: str
    pack_title: str
    seconds: int
    mode: str
    state: str
    questions: int


@dataclass(frozen=True, slots=True)
class Home:
    """Where a quiz is played besides its own channel: another home of its circle."""

    community_id: int
    destination: str
    channel: str
    mode: str


@dataclass(frozen=True, slots=True)
class Season:
    id: int
    community_id: int
    name: str
    destination: str
    started_at: datetime
    ends_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class Score:
    member_id: int
    name: str
    points: int
    right: int


_QUIZ = (
    "q.id, q.community_id, q.season_id, q.destination, q.channel, q.pack_key, q.pack_title,"
    " q.seconds, q.mode, q.state,"
    " (SELECT count(*) FROM quiz_questions WHERE quiz_id = q.id)"
)
_QUESTION = (
    "id, quiz_id, position, prompt, choices, correct, answers, explanation, image,"
    " opened_at, closes_at, closed_at"
)
_SEASON = "id, community_id, name, destination, started_at, ends_at, ended_at"


class QuizStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Quizzes -----------------------------------------------------------------------------

    async def create(
        self,
        *,
        community_id: int,
        season_id: int | None,
        destination: str,
        channel: str,
        pack_key: str,
        pack_title: str,
        seconds: int,
        mode: str,
        started_by: int | None,
        now: datetime,
        questions: list[Drawn],
        origin: str | None = None,
        homes: Sequence[Home] = (),
    ) -> int | None:
        """The new quiz's id, or None when a quiz is already running in that channel (or one
        was already started from `origin`: a scheduled occurrence's job key, or one a /quiz
        start kept for its update). Of its other `homes`, one with a quiz of its own running is
        left out."""
        try:
            async with self.store.transaction() as tx:
                quiz_id = int(
                    await tx.fetchval(
                        "INSERT INTO quizzes (community_id, season_id, destination, channel,"
                        " pack_key, pack_title, seconds, mode, started_by, started_at, origin)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (
                            community_id,
                            season_id,
                            destination,
                            channel,
                            pack_key,
                            pack_title,
                            seconds,
                            mode,
                            started_by,
                            _utc(now),
                            origin,
                        ),
                    )
                )
                await tx.executemany(
                    "INSERT INTO quiz_questions (quiz_id, position, prompt, choices, correct,"
                    " answers, explanation, image) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            quiz_id,
                            position,
                            q.prompt,
                            json.dumps(q.choices, ensure_ascii=False),
                            q.correct,
                            json.dumps(q.answers, ensure_ascii=False),
                            q.explanation,
                            q.image,
                        )
                        for position, q in enumerate(questions, 1)
                    ],
                )
                await tx.execute(
                    "INSERT INTO quiz_homes (quiz_id, community_id, destination, channel, mode)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (quiz_id, community_id, destination, channel, mode),
                )
                await tx.executemany(
                    "INSERT OR IGNORE INTO quiz_homes"
                    " (quiz_id, community_id, destination, channel, mode) VALUES (?, ?, ?, ?, ?)",
                    [
                        (quiz_id, home.community_id, home.destination, home.channel, home.mode)
                        for home in homes
                        if home.channel != channel
                    ],
                )
        except Conflict:
            return None
        return quiz_id

    async def get(self, quiz_id: int) -> Quiz | None:
        row = await self.store.fetchone(f"SELECT {_QUIZ} FROM quizzes q WHERE q.id = ?", (quiz_id,))
        return Quiz(*row) if row else None

    async def started_from(self, origin: str) -> Quiz | None:
        """The quiz a scheduled occurrence (or a /quiz start) started, if it did."""
        row = await self.store.fetchone(
            f"SELECT {_QUIZ} FROM quizzes q WHERE q.origin = ?", (origin,)
        )
        return Quiz(*row) if row else None

    async def running_in(self, channel: str) -> Quiz | None:
        """The quiz running in a channel: its own, or one it plays in as a home of the circle."""
        row = await self.store.fetchone(
            f"SELECT {_QUIZ} FROM quiz_homes h JOIN quizzes q ON q.id = h.quiz_id"
            " WHERE h.channel = ? AND h.running = 1 AND q.state = 'running'",
            (channel,),
        )
        return Quiz(*row) if row else None

    async def other_homes(self, quiz: Quiz) -> list[Home]:
        rows = await self.store.fetchall(
            "SELECT community_id, destination, channel, mode FROM quiz_homes"
            " WHERE quiz_id = ? AND channel != ? ORDER BY community_id, channel",
            (quiz.id, quiz.channel),
        )
        return [Home(*row) for row in rows]

    async def running(self) -> list[Quiz]:
        rows = await self.store.fetchall(
            f"SELECT {_QUIZ} FROM quizzes q WHERE q.state = 'running' ORDER BY q.id"
        )
        return [Quiz(*row) for row in rows]

    async def end(self, quiz_id: int, state: str, now: datetime) -> bool:
        """Finish or stop a running quiz, closing its open question; False when it was not
        running (already ended)."""
        async with self.store.transaction() as tx:
            ended = await tx.fetchval(
                "UPDATE quizzes SET state = ?, finished_at = ? WHERE id = ? AND state = 'running'"
                " RETURNING id",
                (state, _utc(now), quiz_id),
            )
            await tx.execute("UPDATE quiz_homes SET running = 0 WHERE quiz_id = ?", (quiz_id,))
            await tx.execute(
                "UPDATE quiz_questions SET closed_at = ? WHERE quiz_id = ?"
                " AND opened_at IS NOT NULL AND closed_at IS NULL",
                (_utc(now), quiz_id),
            )
        return ended is not None

    # Questions ---------------------------------------------------------------------------

    async def question(self, quiz_id: int, position: int) -> Asked | None:
        row = await self.store.fetchone(
            f"SELECT {_QUESTION} FROM quiz_questions WHERE quiz_id = ? AND position = ?",
            (quiz_id, position),
        )
        return _asked(row) if row else None

    async def question_by_id(self, question_id: int) -> Asked | None:
        row = await self.store.fetchone(
            f"SELECT {_QUESTION} FROM quiz_questions WHERE id = ?", (question_id,)
        )
        return _asked(row) if row else None

    async def current(self, quiz_id: int) -> Asked | None:
        """The last question asked, open or closed."""
        row = await self.store.fetchone(
            f"SELECT {_QUESTION} FROM quiz_questions WHERE quiz_id = ? AND opened_at IS NOT NULL"
            " ORDER BY position DESC LIMIT 1",
            (quiz_id,),
        )
        return _asked(row) if row else None

    async def open(
        self, question_id: int, now: datetime, closes: datetime, *, again: bool = False
    ) -> Asked:
        """Ask the question and return it. Asking it again keeps the first times, unless
        `again` (it never reached the channel): then it opens anew, while it is not closed."""
        await self.store.execute(
            "UPDATE quiz_questions SET opened_at = ?, closes_at = ?"
            " WHERE id = ? AND closed_at IS NULL AND (opened_at IS NULL OR ?)",
            (_utc(now), _utc(closes), question_id, again),
        )
        asked = await self.question_by_id(question_id)
        assert asked is not None
        return asked

    async def close(self, question_id: int, now: datetime) -> None:
        await self.store.execute(
            "UPDATE quiz_questions SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (_utc(now), question_id),
        )

    # Answers -----------------------------------------------------------------------------

    async def record(
        self,
        question_id: int,
        member_id: int,
        answer: str,
        correct: bool,
        points: int,
        now: datetime,
    ) -> Recorded:
        """Keep a member's first answer while the question is open; say why another is not."""
        stamp = _utc(now)
        # fetchall: one trip to the database thread (fetchval takes three), which matters in a
        # burst of a thousand answers.
        added = await self.store.fetchall(
            "INSERT INTO quiz_answers (question_id, member_id, answer, correct, points,"
            " answered_at)"
            " SELECT ?, ?, ?, ?, ?, ? FROM quiz_questions"
            " WHERE id = ? AND closed_at IS NULL AND closes_at > ?"
            " ON CONFLICT (question_id, member_id) DO NOTHING RETURNING 1",
            (question_id, member_id, answer, int(correct), points, stamp, question_id, stamp),
        )
        if added:
            return Recorded.RECORDED
        earlier = await self.store.fetchval(
            "SELECT 1 FROM quiz_answers WHERE question_id = ? AND member_id = ?",
            (question_id, member_id),
        )
        return Recorded.DUPLICATE if earlier else Recorded.LATE

    async def right(self, question_id: int) -> list[tuple[str, int]]:
        """Who answered rightly, fastest first, with the points each earned."""
        rows = await self.store.fetchall(
            "SELECT m.display_name, a.points FROM quiz_answers a JOIN members m"
            " ON m.id = a.member_id WHERE a.question_id = ? AND a.correct = 1"
            " ORDER BY a.answered_at, m.display_name",
            (question_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def answer_count(self, question_id: int) -> int:
        return int(
            await self.store.fetchval(
                "SELECT count(*) FROM quiz_answers WHERE question_id = ?", (question_id,)
            )
        )

    async def quiz_scores(self, quiz_id: int) -> list[Score]:
        return await self._scores("qq.quiz_id = ?", (quiz_id,))

    async def scores(self, circle: Sequence[int], season_id: int | None) -> list[Score]:
        """Everyone who answered in the quizzes of a circle of linked communities (of one
        season), best first."""
        if season_id is None:
            return await self._scores(f"q.community_id IN {_in(circle)}", tuple(circle))
        return await self._scores(
            f"q.community_id IN {_in(circle)} AND q.season_id = ?", (*circle, season_id)
        )

    async def _scores(self, where: str, params: tuple[Any, ...]) -> list[Score]:
        rows = await self.store.fetchall(
            "SELECT m.id, m.display_name, sum(a.points) AS total, sum(a.correct)"
            " FROM quiz_answers a"
            " JOIN quiz_questions qq ON qq.id = a.question_id"
            " JOIN quizzes q ON q.id = qq.quiz_id"
            " JOIN members m ON m.id = a.member_id"
            f" WHERE {where} GROUP BY m.id ORDER BY total DESC, m.display_name, m.id",
            params,
        )
        return [Score(*row) for row in rows]

    # Seasons -----------------------------------------------------------------------------

    async def expire_seasons(self, circle: Sequence[int], now: datetime) -> None:
        """Seasons whose planned end has passed are over, even if nobody was there to end them."""
        await self.store.execute(
            f"UPDATE quiz_seasons SET ended_at = ends_at WHERE community_id IN {_in(circle)}"
            " AND ended_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ?",
            (*circle, _utc(now)),
        )

    async def current_season(self, circle: Sequence[int], now: datetime) -> Season | None:
        """The season on in a circle of linked communities (started on any of them)."""
        await self.expire_seasons(circle, now)
        row = await self.store.fetchone(
            f"SELECT {_SEASON} FROM quiz_seasons WHERE community_id IN {_in(circle)}"
            " AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1",
            tuple(circle),
        )
        return _season(row) if row else None

    async def start_season(
        self,
        community_id: int,
        circle: Sequence[int],
        name: str,
        destination: str,
        now: datetime,
        ends: datetime | None,
        *,
        once: Once | None = None,
    ) -> tuple[int | None, str | None]:
        """Start a season: its id; else (None, the name of the season still on in the circle),
        or (None, None) when the community already had a season of that name. Through `once`,
        a command handled again after a crash gets what the first one did."""

        def start(db: Atomic) -> list[Any]:
            on = db.fetchval(
                f"SELECT name FROM quiz_seasons WHERE community_id IN {_in(circle)}"
                " AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1",
                tuple(circle),
            )
            if on is not None:
                return [None, on]
            if db.fetchval(
                "SELECT 1 FROM quiz_seasons WHERE community_id = ? AND name = ?",
                (community_id, name),
            ):
                return [None, None]
            season_id = db.fetchval(
                "INSERT INTO quiz_seasons (community_id, name, destination, started_at,"
                " ends_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (community_id, name, destination, _utc(now), _utc(ends) if ends else None),
            )
            return [int(season_id), None]

        made = await once("season", start) if once else await self.store.atomically(start)
        return made[0], made[1]

    async def end_season(self, season_id: int, now: datetime) -> bool:
        ended = await self.store.fetchval(
            "UPDATE quiz_seasons SET ended_at = ? WHERE id = ? AND ended_at IS NULL RETURNING id",
            (_utc(now), season_id),
        )
        return ended is not None

    async def season(self, season_id: int) -> Season | None:
        row = await self.store.fetchone(
            f"SELECT {_SEASON} FROM quiz_seasons WHERE id = ?", (season_id,)
        )
        return _season(row) if row else None

    async def season_named(self, circle: Sequence[int], name: str) -> Season | None:
        row = await self.store.fetchone(
            f"SELECT {_SEASON} FROM quiz_seasons WHERE community_id IN {_in(circle)}"
            " AND name = ? COLLATE NOCASE ORDER BY started_at DESC LIMIT 1",
            (*circle, name),
        )
        return _season(row) if row else None

    async def season_names(self, circle: Sequence[int]) -> list[str]:
        rows = await self.store.fetchall(
            f"SELECT name FROM quiz_seasons WHERE community_id IN {_in(circle)}"
            " GROUP BY name ORDER BY max(started_at) DESC",
            tuple(circle),
        )
        return [row[0] for row in rows]

    # Packs a community imported ----------------------------------------------------------

    async def save_pack(
        self,
        community_id: int,
        key: str,
        title: str,
        source: str,
        now: datetime,
        *,
        once: Once | None = None,
    ) -> bool:
        """Store (or replace) a community's pack; True when it is new. Through `once`, a
        command handled again after a crash gets the first answer (added, not replaced)."""

        def work(db: Atomic) -> bool:
            existed = db.fetchval(
                "SELECT 1 FROM quiz_packs WHERE community_id = ? AND key = ? COLLATE NOCASE",
                (community_id, key),
            )
            db.execute(
                "INSERT INTO quiz_packs (community_id, key, title, source, imported_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, key) DO UPDATE SET"
                " title = excluded.title, source = excluded.source,"
                " imported_at = excluded.imported_at",
                (community_id, key, title, source, _utc(now)),
            )
            return existed is None

        return bool(await once("pack", work) if once else await self.store.atomically(work))

    async def pack_source(self, community_id: int, key: str) -> str | None:
        return await self.store.fetchval(
            "SELECT source FROM quiz_packs WHERE community_id = ? AND key = ? COLLATE NOCASE",
            (community_id, key),
        )

    async def packs_off(self, community_id: int) -> set[str]:
        rows = await self.store.fetchall(
            "SELECT key FROM quiz_packs_off WHERE community_id = ?", (community_id,)
        )
        return {row[0] for row in rows}

    async def switch_pack(self, community_id: int, key: str, *, on: bool) -> bool:
        """Switch a pack on or off for a community; False when it already was."""
        if on:
            gone = await self.store.fetchall(
                "DELETE FROM quiz_packs_off WHERE community_id = ? AND key = ? RETURNING key",
                (community_id, key),
            )
            return bool(gone)
        added = await self.store.fetchval(
            "INSERT INTO quiz_packs_off (community_id, key) VALUES (?, ?)"
            " ON CONFLICT (community_id, key) DO NOTHING RETURNING key",
            (community_id, key),
        )
        return added is not None

    async def remove_pack(self, community_id: int, key: str) -> str | None:
        """Forget a community's own pack; its title, None when it had none by that key."""
        return await self.store.fetchval(
            "DELETE FROM quiz_packs WHERE community_id = ? AND key = ? COLLATE NOCASE"
            " RETURNING title",
            (community_id, key),
        )

    async def pack_sources(self, community_id: int) -> list[tuple[str, str]]:
        rows = await self.store.fetchall(
            "SELECT key, source FROM quiz_packs WHERE community_id = ? ORDER BY key",
            (community_id,),
        )
        return [(row[0], row[1]) for row in rows]


def channel_key(platform: str, channel_id: str, thread_id: str | None) -> str:
    """One running quiz per channel (or thread, or forum topic)."""
    return f"{platform}:{channel_id}:{thread_id or ''}"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _asked(row: Any) -> Asked:
    return Asked(
        id=row[0],
        quiz_id=row[1],
        position=row[2],
        prompt=row[3],
        choices=tuple(json.loads(row[4])),
        correct=row[5],
        answers=tuple(json.loads(row[6])),
        explanation=row[7],
        image=row[8],
        opened_at=_time(row[9]),
        closes_at=_time(row[10]),
        closed_at=_time(row[11]),
    )


def _season(row: Any) -> Season:
    return Season(
        id=row[0],
        community_id=row[1],
        name=row[2],
        destination=row[3],
        started_at=datetime.fromisoformat(row[4]),
        ends_at=_time(row[5]),
        ended_at=_time(row[6]),
    )


def _in(ids: Sequence[int]) -> str:
    """``(?, ?, …)`` for an ``IN`` over `ids` (never empty: a circle holds its community)."""
    return "(" + ", ".join("?" * len(ids)) + ")"
