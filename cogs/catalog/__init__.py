"""The library's catalog for members: /book finds a book and says whether it is on the shelf."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.catalog import web
from cogs.catalog.commands import CatalogFeature


def setup(package: FeaturePackage) -> None:
    package.personal_data()  # stores nothing about members
    package.serve(CatalogFeature)
    package.page(web.PAGE)
