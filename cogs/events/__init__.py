"""Events: book talks and seminars announced, RSVP'd and reminded, exactly once."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from cogs.events import cli
from cogs.events.commands import Events


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.command_line(cli.VERB)
    package.personal_data(
        Personal(
            "rsvps",
            "member_id",
            N_("Your RSVPs"),
            example="(SELECT title FROM events WHERE id = event_id) || ': ' || answer",
        ),
        Personal(
            "personal_reminders",
            "member_id",
            N_("Your reminders"),
            example="text",
            jobs="remind:{id}:",
        ),
        Personal("reminder_optouts", "member_id", N_("Your choice of no event reminders")),
        Personal(
            "events", "created_by", N_("Events you created"), Forget.ANONYMISE, example="title"
        ),
    )
    package.serve(Events)
