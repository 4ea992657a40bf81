"""What a scheduled job knows when it runs: who it is for, in which language and timezone, and
where to post — the job's counterpart of a command's :class:`~bot.api.context.Context`.

A feature declares a job kind with :func:`job` on a method, as it declares a command; the core
registers the method with the scheduler and calls it as ``handler(ctx)`` with a fresh
:class:`JobContext` for each run. The context starts in the bot's own language and timezone; the
handler narrows it once it knows whom the job is for:

- :meth:`JobContext.for_community`: a post in a community's channel speaks the community's
  language (``/settings language``), else the bot's;
- :meth:`JobContext.for_member`: a private message speaks the member's language as a command
  answer would (:func:`bot.api.identity.resolve_locale`: their /lang choice, their platform's
  language, the community's, the bot's).

Either way the timezone is the community's, else the bot's. :meth:`JobContext.send_once` is the
one way a job sends a message once: it rests on :meth:`Scheduler.send_once`, which releases its
key and raises :class:`NotDelivered` when the platform is not running or refuses the message, so
the job runs again later and the message is neither lost nor doubled.
"""

from __future__ import annotations

import gettext
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from bot.api import identity
from bot.api.context import Destination
from bot.api.replies import Reply
from bot.storage.scheduler import Job

if TYPE_CHECKING:
    from bot.api.commands import Feature
    from bot.api.context import Context
    from bot.api.services import Services

JobHandler = Callable[["JobContext"], Awaitable[None]]


class DescribesJobs(Protocol):
    """What a feature whose scheduled jobs appear in /calendar defines: a plain method, so it
    costs nothing where no feature lists jobs (:meth:`bot.api.registry.Registry.describe_job`
    finds it by the job's kind)."""

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """One line saying what will be posted and where, localized with ``ctx._``; None when
        the job is not for a community in `circle` or not worth listing. The caller shows the
        job's id, time and state itself."""
        ...


def job(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Declare a feature method as the handler of every scheduled job of `kind`."""

    def mark(function: JobHandler) -> JobHandler:
        function.__pustaka_job__ = kind  # type: ignore[attr-defined]
        return function

    return mark


def declared_jobs(feature: object) -> dict[str, JobHandler]:
    """The job kinds a feature declares with :func:`job`, bound to the feature."""
    found: dict[str, JobHandler] = {}
    for klass in reversed(type(feature).__mro__):
        for attribute, value in vars(klass).items():
            kind = getattr(value, "__pustaka_job__", None)
            if isinstance(kind, str):
                found[kind] = getattr(feature, attribute)
    return found


def register_jobs(services: Services, feature: Feature) -> None:
    """Hand a feature's declared job kinds to the scheduler, each run getting its context."""
    for kind, handler in feature.jobs().items():
        services.scheduler.handle(kind, _runner(services, handler))


def _runner(services: Services, handler: JobHandler) -> Callable[[Job], Awaitable[None]]:
    async def run(job: Job) -> None:
        await handler(JobContext.start(services, job))

    return run


@dataclass(frozen=True, slots=True)
class JobContext:
    services: Services
    job: Job | None
    """None when a feature speaks by itself outside a job (a notice sent from a command)."""
    locale: str
    timezone: ZoneInfo
    translations: gettext.NullTranslations
    community: identity.Community | None = None
    member: identity.Member | None = None
    destination: Destination | None = None
    """Where :meth:`send` posts unless told otherwise."""

    @classmethod
    def start(cls, services: Services, job: Job | None = None) -> JobContext:
        """In the bot's own language and timezone, for no one yet."""
        bot = services.config.bot
        return cls(services, job, bot.locale, bot.tz, services.i18n.translations(bot.locale))

    @classmethod
    def reading(cls, ctx: Context, job: Job | None = None) -> JobContext:
        """For a job read out to a member (a list of what is scheduled): their language, the
        community's timezone, the channel they asked in."""
        return cls(
            ctx.services,
            job,
            ctx.locale,
            ctx.timezone,
            ctx.translations,
            community=ctx.community,
            destination=ctx.channel,
        )

    @property
    def payload(self) -> dict[str, Any]:
        return self.job.payload if self.job else {}

    async def for_community(
        self, community_id: int | None, to: Destination | None = None
    ) -> JobContext:
        """Speaking in a community's channel: its language and timezone, else the bot's."""
        store = self.services.store
        found = await identity.community(store, community_id) if community_id else None
        bot = self.services.config.bot
        locale = (found.locale if found else None) or bot.locale
        return replace(
            self,
            locale=locale,
            timezone=identity.resolve_timezone(found, bot.tz),
            translations=self.services.i18n.translations(locale),
            community=found,
            member=None,
            destination=to or self.destination,
        )

    async def for_member(
        self,
        member: identity.Member,
        community: identity.Community | int | None = None,
    ) -> JobContext:
        """Speaking to a member privately: their language, the community's timezone."""
        if isinstance(community, int):
            community = await identity.community(self.services.store, community)
        bot = self.services.config.bot
        locale = identity.resolve_locale(member, community, bot.locale)
        return replace(
            self,
            locale=locale,
            timezone=identity.resolve_timezone(community, bot.tz),
            translations=self.services.i18n.translations(locale),
            community=community,
            member=member,
            destination=Destination(member.platform, member.platform_id, private=True),
        )

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    async def send(self, *replies: Reply, to: Destination | None = None) -> bool:
        """Post now; False when the platform is not running (nothing guards a repeat)."""
        return await self.services.messenger.send(self._where(to), *replies)

    async def send_once(self, key: str, *replies: Reply, to: Destination | None = None) -> None:
        """Post once for `key`; raises :class:`NotDelivered` (the key released, the job retried)
        when the platform is not running or refuses the message."""
        where = self._where(to)
        await self.services.scheduler.send_once(
            key, lambda: self.services.messenger.send(where, *replies, key=key)
        )

    def _where(self, to: Destination | None) -> Destination:
        where = to or self.destination
        if where is None:
            raise ValueError("a job's message needs a destination")
        return where
