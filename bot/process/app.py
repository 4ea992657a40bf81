"""The process: build the services once, load the features, run the adapters, shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import suppress
from datetime import timedelta
from typing import Protocol

from bot.adapters.errors import PlatformRefused
from bot.api import privacy
from bot.api.dispatch import Dispatcher
from bot.api.i18n import I18n
from bot.api.messenger import Messenger
from bot.api.outbox import Outbox
from bot.api.package import FeatureFactory, FeaturePackage
from bot.api.registry import Registry
from bot.api.services import Services
from bot.api.tasks import Tasks
from bot.config import Config
from bot.process.features import discover, packages_of
from bot.storage.outbox import OutboxTable
from bot.storage.scheduler import Scheduler
from bot.storage.store import Store
from bot.storage.web import WebLogins
from bot.time.clock import Clock, SystemClock

log = logging.getLogger("pustaka")

PLATFORMS_WAIT = 60  # seconds the scheduler waits at start for the platforms to connect


class Adapter(Protocol):
    async def run(self) -> None:
        """Serve the platform until stopped (cancelled) or, for the console, until input ends."""


class App:
    """The running bot without its adapters: what every platform shares."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.dispatcher = Dispatcher(services)
        self._scheduling: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        config: Config,
        *,
        clock: Clock | None = None,
        features: Iterable[FeaturePackage | FeatureFactory] | None = None,
        start: bool = True,
    ) -> App:
        """Open the database with every feature's tables, build the services and the features.

        `features` defaults to every feature folder (bot/process/features.py). Without `start`
        the features are built but not started and no job runs (a command-line report)."""
        packages = discover() if features is None else packages_of(features)
        config = config.declare(section for package in packages for section in package.sections)
        store = await Store.open(
            config.database.target, packages=[package.migrations for package in packages]
        )
        if store.shared:
            log.info("sharing the database with other processes as process %d", store.owner)
        clock = clock or SystemClock()
        services = Services(
            config=config,
            store=store,
            clock=clock,
            i18n=I18n(),
            messenger=Messenger(),
            tasks=Tasks(),
            registry=Registry(),
            scheduler=Scheduler(
                store, clock, grace=timedelta(minutes=config.scheduler.grace_minutes)
            ),
        )
        app = cls(services)
        outbox = Outbox(services.messenger, OutboxTable(store), clock, config, services.i18n)
        services.messenger.keep_in(outbox)
        try:
            await outbox.recover()
            for package in packages:
                services.privacy.add(package.name, package.personal or ())
                for page in package.pages:
                    services.web.add(package.name, page, package.templates)
            if config.web.enabled:
                services.web.logins = WebLogins(store)
                services.web.base_url = config.web.base_url
            for missing in await privacy.undeclared(store, services.privacy):
                log.error(
                    "%s.%s: a column holding a member that no feature declares, or a declaration"
                    " naming a column that does not exist (package.personal_data): /forgetme"
                    " cannot forget it",
                    *missing,
                )
            await privacy.start_pruning(services)
            for package in packages:
                services.registry.add(package.build(services))
            if start:
                for feature in services.registry.features:
                    await feature.on_start()
                await services.scheduler.recover()
                app._scheduling = asyncio.create_task(
                    services.scheduler.run(recovered=True), name="scheduler"
                )
        except BaseException:
            await store.close()
            raise
        return app

    async def close(self) -> None:
        """Stop features and background work, let pending writes finish, close the database."""
        if self._scheduling is not None:
            self._scheduling.cancel()
            await asyncio.gather(self._scheduling, return_exceptions=True)
        for feature in reversed(self.services.registry.features):
            try:
                await feature.on_stop()
            except Exception:
                log.exception("feature %s did not stop cleanly", feature.name)
        if self.services.messenger.outbox is not None:
            await self.services.messenger.outbox.close()
        await self.services.tasks.cancel_all()
        await self.services.store.close()


async def serve(app: App, adapters: list[Adapter], companions: Sequence[Adapter] = ()) -> bool:
    """Run the adapters until they all finish or SIGINT/SIGTERM arrives; then close everything.

    Returns False when an adapter stopped with an error (a refused token, say): the others are
    stopped too, since a bot half-up is worse than a clear failure. `companions` (the web
    dashboard) run beside them, send nothing, and stop with them.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
    app.services.scheduler.hold()
    releasing = asyncio.create_task(_release_jobs(app, len(adapters)))
    running = {asyncio.create_task(_logged(a.run), name=type(a).__name__) for a in adapters}
    beside = [asyncio.create_task(_logged(c.run), name=type(c).__name__) for c in companions]
    stopper = asyncio.create_task(stop.wait())
    pending, failed = set(running), False
    try:
        while pending and not stop.is_set() and not failed:
            done, _ = await asyncio.wait(pending | {stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in done - {stopper}:
                pending.discard(task)
                failed = failed or not task.result()
        if stop.is_set():
            log.info("stopping")
    finally:
        stopper.cancel()
        releasing.cancel()
        for task in (*running, *beside):
            task.cancel()
        await asyncio.gather(*running, *beside, return_exceptions=True)
        for signum in installed:
            loop.remove_signal_handler(signum)
        await app.close()
    return not failed


async def _release_jobs(app: App, platforms: int) -> None:
    """Jobs that fell due while the bot was down wait until every platform is up (at most
    `PLATFORMS_WAIT`): a reminder run before its platform connects would be lost."""
    with suppress(TimeoutError):
        await asyncio.wait_for(app.services.messenger.wait_for_senders(platforms), PLATFORMS_WAIT)
    app.services.scheduler.release()


async def _logged(run: Callable[[], Awaitable[None]]) -> bool:
    try:
        await run()
    except asyncio.CancelledError:
        raise
    except PlatformRefused as error:
        log.error("%s: check the token in the configuration or the environment", error)
        return False
    except Exception:
        log.exception("an adapter stopped with an error")
        return False
    return True
