"""Quiz competitions: timed quizzes from packs, answered by buttons, polls or /answer, with
seasons and leaderboards."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from bot.config import one_of
from cogs.quiz import cli
from cogs.quiz.commands import Quizzes
from cogs.quiz.packs import load_pack
from cogs.quiz.settings import QuizSettings


def setup(package: FeaturePackage) -> None:
    package.settings(QuizSettings, telegram_answers=one_of("buttons", "poll"))
    package.tables()
    package.data(load_pack)
    package.command_line(cli.VERB)
    package.serve(Quizzes)
