"""Reading clubs: a home per club, a weekly plan with prompts, progress, votes on the next book."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from cogs.clubs.commands import Clubs
from cogs.clubs.prompts import load_prompts


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.data(load_prompts)
    package.personal_data(
        Personal(
            "club_members",
            "member_id",
            N_("Clubs you joined"),
            example="(SELECT name FROM clubs WHERE id = club_id)",
        ),
        Personal(
            "club_progress",
            "member_id",
            N_("Your reading progress in clubs"),
            example="(SELECT title FROM club_readings WHERE id = reading_id)",
        ),
        Personal("club_ballots", "member_id", N_("Your votes in clubs"), Forget.ANONYMISE),
        Personal("clubs", "created_by", N_("Clubs you started"), Forget.ANONYMISE, example="name"),
        Personal("club_votes", "created_by", N_("Club votes you opened"), Forget.ANONYMISE),
    )
    package.serve(Clubs)
