"""What the quiz feature offers other features: the only module of it they may import.

- `champions`: who scored most in the quizzes of a circle of linked communities between two
  moments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.store import Store
from bot.time.clock import utc_text

__all__ = ["Champion", "champions"]


@dataclass(frozen=True, slots=True)
class Champion:
    name: str
    points: int
    right: int


async def champions(
    store: Store, circle: Sequence[int], since: datetime, until: datetime, *, limit: int = 3
) -> list[Champion]:
    """The members with the most points from answers given in [since, until), best first."""
    marks = ",".join("?" * len(circle))
    rows = await store.fetchall(
        "SELECT m.display_name, sum(a.points) AS total, sum(a.correct)"
        " FROM quiz_answers a"
        " JOIN quiz_questions qq ON qq.id = a.question_id"
        " JOIN quizzes q ON q.id = qq.quiz_id"
        " JOIN members m ON m.id = a.member_id"
        f" WHERE q.community_id IN ({marks}) AND a.answered_at >= ? AND a.answered_at < ?"
        " GROUP BY m.id HAVING sum(a.points) > 0 ORDER BY total DESC, m.display_name, m.id LIMIT ?",
        (*circle, utc_text(since), utc_text(until), limit),
    )
    return [Champion(row[0], row[1], row[2]) for row in rows]
