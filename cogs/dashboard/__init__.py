"""The web dashboard's door: /dashboard gives a moderator a one-time link, /dashboard logout-all
ends their sessions. The pages themselves are the features' (each declares its own)."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.dashboard.commands import DashboardCommands


def setup(package: FeaturePackage) -> None:
    package.personal_data()  # the sessions are the core's (bot/storage/web.py)
    package.serve(DashboardCommands)
