"""General commands every member meets first: /help, /lang and /about."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.general.commands import General


def setup(package: FeaturePackage) -> None:
    package.personal_data()  # stores nothing about members
    package.serve(General)
