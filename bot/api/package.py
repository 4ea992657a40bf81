"""What a feature brings, declared once in its folder's ``setup(package)``; the core applies it.

A feature is a folder (a package under cogs/) whose ``__init__.py`` defines
``def setup(package: FeaturePackage) -> None``. It runs before the configuration is read or the
database is opened, and only declares:

- ``package.serve(Quizzes)``: the :class:`~bot.api.commands.Feature` subclass (or any callable
  taking the services) that serves its commands and jobs, built once the services exist;
- ``package.settings(QuizSettings, telegram_answers=one_of("buttons", "poll"))``: its section of
  the configuration file, ``[quiz]``, with a check for each key; read with
  ``services.config.section(QuizSettings)``;
- ``package.tables()``: its tables, as numbered SQL files in ``<folder>/migrations/``, versioned
  on their own (see bot/storage/store.py);
- ``package.data(check)``: its bundled data folder, ``<folder>/data/``, and how one file of it is
  checked (one test checks every declared file);
- ``package.command_line(Verb(...))``: its ``pustaka <verb>`` commands;
- ``package.personal_data(Personal("shelf", "member_id", N_("Books on your shelf")), ...)``:
  what it stores about a member, for /privacy and /forgetme (bot/api/privacy.py); called with
  nothing when it stores nothing about members. Every feature says so, once.
- ``package.report(Report(...))``: a kind of ``pustaka report <kind>``, one verb several
  features add to (``pustaka report stats``).
- ``package.page(Page(...))``: a page of the web dashboard (bot/api/web.py), its templates in
  ``<folder>/templates/``.

bot/process/ finds the folders, calls their ``setup`` and loops over what they declared; the
core never imports a feature.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.api.privacy import Personal
from bot.api.web import Page
from bot.config import Check, Config, Section
from bot.storage.store import Migration, Store, read_migrations

if TYPE_CHECKING:
    from bot.api.commands import Feature
    from bot.api.services import Services

FeatureFactory = Callable[["Services"], "Feature"]
OpenStore = Callable[[], AbstractAsyncContextManager[Store]]


@dataclass(frozen=True)
class Verb:
    """A ``pustaka <name> …`` command a feature brings to the command line.

    `arguments` adds its arguments (and sub-commands) to its parser; `run` does the work and
    returns the exit status (0 done, 2 refused with a one-line explanation on stderr). It opens
    the database with `open_store`, migrated for every feature.
    """

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Config, OpenStore], Awaitable[int]]


@dataclass(frozen=True)
class Report:
    """A kind of ``pustaka report <name> …``, the one command-line verb several features add to.

    Unlike a :class:`Verb`, `run` gets the bot's services with every feature built (not
    started: nothing connected, no job run), so a report can ask the other features for their
    part through ``services.events``. It returns the exit status (0 done, 2 refused)."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Services], Awaitable[int]]


@dataclass
class FeaturePackage:
    """One feature folder's declarations. ``name`` is the folder's name."""

    name: str
    folder: Path
    factory: FeatureFactory | None = None
    sections: list[Section] = field(default_factory=list)
    migrations: list[Migration] = field(default_factory=list)
    data_folder: Path | None = None
    data_check: Callable[[Path], Any] | None = None
    verbs: list[Verb] = field(default_factory=list)
    personal: tuple[Personal, ...] | None = None
    """What it stores about a member; None until it says (see :meth:`personal_data`)."""
    reports: list[Report] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    def serve(self, factory: FeatureFactory) -> None:
        self.factory = factory

    def settings(self, settings: type, /, **checks: Check) -> None:
        """The ``[name]`` section: `settings` is a frozen dataclass whose defaults are the
        section's defaults; every key needs a check (the checkers in bot/config.py)."""
        self.sections.append(Section(self.name, settings, checks))

    def tables(self) -> None:
        self.migrations = read_migrations(self.folder / "migrations", self.name)

    def data(self, check: Callable[[Path], Any]) -> Path:
        """The bundled data folder; `check` loads one of its files and raises when it is bad."""
        self.data_folder = self.folder / "data"
        self.data_check = check
        return self.data_folder

    def data_files(self) -> Iterator[Path]:
        if self.data_folder is not None:
            yield from sorted(p for p in self.data_folder.rglob("*") if p.is_file())

    def command_line(self, verb: Verb) -> None:
        self.verbs.append(verb)

    def personal_data(self, *data: Personal) -> None:
        """What the feature stores about a member, table by table; nothing when it stores
        nothing. /privacy shows it and /forgetme forgets it as declared."""
        self.personal = (self.personal or ()) + data

    def report(self, kind: Report) -> None:
        self.reports.append(kind)

    def page(self, page: Page) -> None:
        self.pages.append(page)

    @property
    def templates(self) -> Path:
        return self.folder / "templates"

    def with_factory(self, factory: FeatureFactory) -> FeaturePackage:
        """The same declarations, the feature built another way (tests seed its randomness)."""
        return replace(self, factory=factory)

    def build(self, services: Services) -> Feature:
        if self.factory is None:
            raise TypeError(f"feature {self.name}: setup() declares no package.serve(...)")
        return self.factory(services)


def declare(name: str, folder: Path, setup: Callable[[FeaturePackage], None]) -> FeaturePackage:
    package = FeaturePackage(name, folder)
    setup(package)
    if package.factory is None:
        raise TypeError(f"feature {name}: setup() declares no package.serve(...)")
    return package


def of_factory(factory: FeatureFactory) -> FeaturePackage:
    """A feature known only by how it is built (tests' small features): no tables, no settings."""
    name = getattr(factory, "__name__", "feature").lower()
    return FeaturePackage(name, Path("."), factory=factory)
