"""Quiz competitions: timed quizzes from packs, answered by buttons, polls or /answer, with
seasons and leaderboards."""

from __future__ import annotations

from bot.api.services import Services
from cogs.quiz.commands import Quizzes


def setup(services: Services) -> Quizzes:
    return Quizzes(services)
