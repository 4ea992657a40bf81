"""The dependencies created once at start-up and handed to every feature."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.api.events import Events
from bot.api.i18n import I18n
from bot.api.messenger import Messenger
from bot.api.privacy import PersonalData
from bot.api.registry import Registry
from bot.api.tasks import Tasks
from bot.api.web import Dashboard
from bot.config import Config
from bot.storage.scheduler import Scheduler
from bot.storage.store import Store
from bot.time.clock import Clock


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
    events: Events = field(default_factory=Events)
    privacy: PersonalData = field(default_factory=PersonalData)
    """What each feature stores about a member (bot/api/privacy.py)."""
    web: Dashboard = field(default_factory=Dashboard)
    """The web dashboard's pages and login links (bot/api/web.py; served by bot/web/)."""
