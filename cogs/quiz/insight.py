"""The quiz's part of /stats: how many played, and the champions of the period."""

from __future__ import annotations

from bot.api.commands import N_
from bot.time.clock import utc_text
from cogs.quiz.public import champions
from cogs.stats.public import Insight, InsightWanted


async def quiz_insight(event: InsightWanted) -> list[Insight]:
    marks = ",".join("?" * len(event.circle))
    row = await event.store.fetchone(
        "SELECT count(DISTINCT q.id), count(DISTINCT a.member_id), count(a.member_id)"
        " FROM quiz_answers a"
        " JOIN quiz_questions qq ON qq.id = a.question_id"
        " JOIN quizzes q ON q.id = qq.quiz_id"
        f" WHERE q.community_id IN ({marks}) AND a.answered_at >= ? AND a.answered_at < ?",
        (*event.circle, utc_text(event.since), utc_text(event.until)),
    )
    quizzes, players, answers = row if row else (0, 0, 0)
    played = Insight(
        "quiz",
        N_("Quiz participation"),
        (N_("Quizzes"), N_("Players"), N_("Answers")),
        ((quizzes, players, answers),) if answers else (),
    )
    best = await champions(event.store, event.circle, event.since, event.until, limit=10)
    champs = Insight(
        "quiz_champions",
        N_("Quiz champions"),
        (N_("Member"), N_("Points"), N_("Right answers")),
        tuple((c.name, c.points, c.right) for c in best),
        chart=1,
    )
    return [played, champs]
