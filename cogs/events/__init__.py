"""Events: book talks and seminars announced, RSVP'd and reminded, exactly once."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.events import cli
from cogs.events.commands import Events


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.command_line(cli.VERB)
    package.serve(Events)
