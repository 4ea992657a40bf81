"""Quiz competitions: timed quizzes from packs, answered by buttons, polls or /answer, with
seasons and leaderboards."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from bot.config import one_of
from cogs.quiz import cli, web
from cogs.quiz.commands import Quizzes
from cogs.quiz.packs import load_pack
from cogs.quiz.settings import QuizSettings


def setup(package: FeaturePackage) -> None:
    package.settings(QuizSettings, telegram_answers=one_of("buttons", "poll"))
    package.tables()
    package.data(load_pack)
    package.command_line(cli.VERB)
    package.personal_data(
        Personal(
            "quiz_answers", "member_id", N_("Your quiz answers"), Forget.ANONYMISE, example="answer"
        ),
        Personal(
            "quizzes",
            "started_by",
            N_("Quizzes you started"),
            Forget.ANONYMISE,
            example="pack_title",
        ),
        Personal(
            "quiz_schedules",
            "created_by",
            N_("Quizzes you scheduled"),
            Forget.ANONYMISE,
            example="pack_title",
        ),
    )
    package.serve(Quizzes)
    package.page(web.PAGE)
