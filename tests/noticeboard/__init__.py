"""A feature that lives only in the tests: the proof that a feature is one folder.

Nothing outside this folder names it. Its ``setup`` declares everything a feature can bring —
commands, a table, a configuration section, a command-line verb and a scheduled job kind — and
test_noticeboard.py loads it the way the core loads cogs/ (bot.process.features.load) and uses
each of them as a member, a moderator and a librarian at the terminal would.
"""

from __future__ import annotations

from bot.api.package import FeaturePackage
from bot.config import integer_in
from tests.noticeboard import cli
from tests.noticeboard.board import Noticeboard, NoticeboardSettings


def setup(package: FeaturePackage) -> None:
    package.settings(NoticeboardSettings, max_notices=integer_in(1, 100))
    package.tables()
    package.command_line(cli.VERB)
    package.serve(Noticeboard)
