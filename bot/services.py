"""The dependencies created once at start-up and handed to every feature."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.i18n import I18n
from bot.messenger import Messenger
from bot.registry import Registry
from bot.scheduler import Scheduler
from bot.store import Store
from bot.tasks import Tasks


@dataclass(frozen=True, slots=True)
class Services:
    config: Config
    store: Store
    clock: Clock
    i18n: I18n
    messenger: Messenger
    tasks: Tasks
    registry: Registry
    scheduler: Scheduler
