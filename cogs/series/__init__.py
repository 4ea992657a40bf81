"""Automatic series a moderator switches on once (/series): a weekly theme recommendation, the
book of the day, a digest of new arrivals, reading days, a monthly summary."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from bot.config import integer_in
from cogs.series.commands import SeriesFeature
from cogs.series.reading_days import load_reading_days
from cogs.series.settings import SeriesSettings


def setup(package: FeaturePackage) -> None:
    package.settings(
        SeriesSettings,
        repeat_weeks=integer_in(0, 520),
        books_per_post=integer_in(1, 10),
        arrivals_check_minutes=integer_in(5, 1440),
    )
    package.tables()
    package.data(load_reading_days)
    package.personal_data()  # stores nothing about members
    package.serve(SeriesFeature)
