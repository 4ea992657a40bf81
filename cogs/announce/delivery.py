"""Posting an announcement home by home, and what happens when a home does not take it.

Each home's message goes out once for its key (:meth:`Scheduler.send_once`): the platform's
message ids are stored before the key is marked sent, so a restart neither posts twice nor
forgets what to edit. A home that fails (no permission, removed, platform down) does not stop
the others: it gets its own retry job with growing delays, and the author is told privately
what failed and why, and again when it reached the home after all or was given up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.api import community as circles
from bot.api import dates, identity
from bot.api.commands import N_
from bot.api.context import Context, Destination
from bot.api.jobs import JobContext
from bot.api.messenger import PostFailed
from bot.api.posts import Tracked
from bot.api.replies import Choice, Reply
from bot.api.services import Services
from bot.storage.scheduler import NotDelivered
from bot.storage.store import Store
from cogs.announce.markup import read_markup
from cogs.announce.store import Announcement, Announcements

log = logging.getLogger("pustaka.announce")

RETRY_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
PLATFORM_NAMES = {"discord": "Discord", "telegram": "Telegram", "console": N_("console")}
REASONS = {
    PostFailed.FORBIDDEN: N_("the bot was removed from there or may not post there"),
    PostFailed.GONE: N_("that channel or group no longer exists"),
    PostFailed.UNAVAILABLE: N_("the platform did not answer"),
    PostFailed.REFUSED: N_("the platform refused the message"),
    PostFailed.NOT_RUNNING: N_("the bot is not connected to that platform right now"),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    community_id: int
    home: Destination
    failed: PostFailed | None = None


async def homes_of(store: Store, community_id: int, channel: str) -> list[tuple[int, Destination]]:
    """Every home of the community's circle with its community, in circle order; while the
    community itself has no home set (/community home), the channel the announcement was
    written in stands in for it."""
    found: list[tuple[int, Destination]] = []
    for member in await circles.circle(store, community_id):
        where = await circles.home(store, member)
        if where is None and member == community_id:
            where = Destination.from_key(channel)
        if where is not None:
            found.append((member, where))
    return found


def platform_name(ctx: Context | JobContext, platform: str) -> str:
    return ctx._(PLATFORM_NAMES.get(platform, platform))


async def home_name(ctx: Context | JobContext, home: str, community_id: int | None) -> str:
    """“Telegram «Klub Baca»”: the platform and the community's name."""
    where = Destination.from_key(home)
    found = await identity.community(ctx.services.store, community_id) if community_id else None
    name = found.name if found and found.name else where.channel_id
    return f"{platform_name(ctx, where.platform)} «{name}»"


def first_words(body: str) -> str:
    """The first words of an announcement, to recognise it in a list."""
    plain = " ".join(str(read_markup(body)).split())
    return plain if len(plain) <= 50 else plain[:49] + "…"


def ping_text(mention: str) -> str:
    return f"@{mention}" if mention in ("everyone", "here") else f"<@&{mention}>"


def render(announcement: Announcement, *, mention: bool) -> Reply:
    """The announcement as a post: its text, picture and link button; the role mention only
    where `mention` (the home where the moderator chose it)."""
    image = None
    if announcement.image is not None:
        image = (announcement.image_name or "image", announcement.image)
    choices: tuple[Choice, ...] = ()
    if announcement.link_url:
        choices = (Choice.link(announcement.link_label or "🔗", announcement.link_url),)
    return Reply(
        text=read_markup(announcement.body),
        image=image,
        choices=choices,
        ping=ping_text(announcement.mention) if mention and announcement.mention else None,
    )


class Delivery:
    def __init__(self, services: Services, announcements: Announcements, retry_kind: str) -> None:
        self.services = services
        self.announcements = announcements
        self.retry_kind = retry_kind

    def _reply_for(self, announcement: Announcement, community_id: int, home: Destination) -> Reply:
        pings = (
            announcement.mention_in == community_id
            and self.services.messenger.capabilities(home).role_mentions
        )
        return render(announcement, mention=pings)

    async def _tracked(self, announcement: Announcement) -> Tracked:
        """Its name in statistics, in its community's language: a repeating one is a series
        whose posts are told apart by their day."""
        store = self.services.store
        found = await identity.community(store, announcement.community_id)
        bot = self.services.config.bot
        locale = (found.locale if found else None) or bot.locale
        _ = self.services.i18n.translations(locale).gettext
        name = _("Announcement #{id}: {start}").format(
            id=announcement.id, start=first_words(announcement.body)
        )
        if not announcement.rule:
            return Tracked(name)
        today = self.services.clock.now().astimezone(identity.resolve_timezone(found, bot.tz))
        day = dates.short_date(locale, today.date())
        return Tracked(_("{post}, {day}").format(post=name, day=day), name)

    async def deliver(self, announcement: Announcement, occurrence: str) -> list[Outcome]:
        """Post to every home; each home's outcome."""
        homes = await homes_of(
            self.services.store, announcement.community_id, announcement.channel.key()
        )
        return [
            await self.post_home(announcement, occurrence, community_id, home)
            for community_id, home in homes
        ]

    async def post_home(
        self, announcement: Announcement, occurrence: str, community_id: int, home: Destination
    ) -> Outcome:
        reply = replace(
            self._reply_for(announcement, community_id, home),
            tracked=await self._tracked(announcement),
        )
        services = self.services

        async def send() -> bool:
            ids = await services.messenger.post(home, reply)
            await self.announcements.record(
                announcement, occurrence, home, community_id, ids, services.clock.now()
            )
            return True

        key = f"announce:{announcement.id}:{occurrence}:{home.key()}"
        try:
            await services.scheduler.send_once(key, send)
        except NotDelivered as error:
            cause = error.__cause__
            failed = (
                cause
                if isinstance(cause, PostFailed)
                else PostFailed(PostFailed.UNAVAILABLE, str(cause or error)[:300])
            )
            return Outcome(community_id, home, failed)
        return Outcome(community_id, home)

    async def after_failures(
        self,
        ctx: JobContext,
        announcement: Announcement,
        occurrence: str,
        outcomes: list[Outcome],
        *,
        tell: bool = True,
    ) -> None:
        """Plan another try for each home that failed; tell the author (when `tell`)."""
        failed = [o for o in outcomes if o.failed is not None]
        for outcome in failed:
            assert outcome.failed is not None
            if outcome.failed.worth_retrying:
                await self._retry_later(announcement, occurrence, outcome, 1)
        if failed and tell:
            author = await self.author_context(ctx, announcement) or ctx
            text = await self.failure_text(author, announcement, failed)
            await self.tell_author(ctx, announcement, text)

    async def _retry_later(
        self, announcement: Announcement, occurrence: str, outcome: Outcome, attempt: int
    ) -> None:
        due = self.services.clock.now() + RETRY_DELAYS[attempt - 1]
        await self.services.scheduler.schedule(
            self.retry_kind,
            f"announce:{announcement.id}:r{announcement.revision}:{occurrence}:retry{attempt}:"
            f"{outcome.home.key()}",
            due,
            {
                "community": announcement.community_id,
                "announcement": announcement.id,
                "revision": announcement.revision,
                "occurrence": occurrence,
                "home": outcome.home.key(),
                "home_community": outcome.community_id,
                "attempt": attempt,
            },
        )

    async def retry(self, ctx: JobContext) -> None:
        """Another try for one home; again later, or given up after the last delay."""
        payload = ctx.payload
        announcement = await self.announcements.get(int(payload["announcement"]))
        if announcement is None or announcement.state in ("cancelled", "deleted", "draft"):
            return
        attempt = int(payload["attempt"])
        occurrence = str(payload["occurrence"])
        home = Destination.from_key(payload["home"])
        outcome = await self.post_home(
            announcement, occurrence, int(payload["home_community"]), home
        )
        author = await self.author_context(ctx, announcement)
        name = await home_name(author or ctx, payload["home"], outcome.community_id)
        if outcome.failed is None:
            if author is not None:
                await self.tell_author(
                    ctx,
                    announcement,
                    author._("Announcement #{id} reached {where} after all.").format(
                        id=announcement.id, where=name
                    ),
                )
            return
        if outcome.failed.worth_retrying and attempt < len(RETRY_DELAYS):
            await self._retry_later(announcement, occurrence, outcome, attempt + 1)
            return
        if author is not None:
            reason = author._(REASONS.get(outcome.failed.reason, REASONS[PostFailed.REFUSED]))
            await self.tell_author(
                ctx,
                announcement,
                author.ngettext(
                    "Announcement #{id} was not posted in {where}: {reason}. I tried {count} "
                    "time and gave up.",
                    "Announcement #{id} was not posted in {where}: {reason}. I tried {count} "
                    "times and gave up.",
                    attempt + 1,
                ).format(id=announcement.id, where=name, reason=reason, count=attempt + 1),
            )

    async def failure_text(
        self,
        ctx: Context | JobContext,
        announcement: Announcement,
        failed: list[Outcome],
        *,
        retry: bool = True,
    ) -> str:
        """What failed where and why, in `ctx`'s language."""
        lines = [ctx._("Announcement #{id} did not reach every home:").format(id=announcement.id)]
        for outcome in failed:
            assert outcome.failed is not None
            reason = ctx._(REASONS.get(outcome.failed.reason, REASONS[PostFailed.REFUSED]))
            detail = f" ({outcome.failed.detail[:120]})" if outcome.failed.detail else ""
            where = await home_name(ctx, outcome.home.key(), outcome.community_id)
            lines.append(f"• {where}: {reason}{detail}")
        if retry and any(o.failed and o.failed.worth_retrying for o in failed):
            due = self.services.clock.now() + RETRY_DELAYS[0]
            lines.append(
                ctx._(
                    "I try again by myself, first at {time}; the other homes have it already."
                ).format(time=dates.moment_text(ctx.locale, due, ctx.timezone))
            )
        return "\n".join(lines)

    async def author_context(
        self, ctx: JobContext, announcement: Announcement
    ) -> JobContext | None:
        row = await self.services.store.fetchone(
            "SELECT id, platform, platform_id, display_name, locale, platform_locale"
            " FROM members WHERE id = ?",
            (announcement.author_id,),
        )
        if row is None:
            return None
        member = identity.Member(*row)
        return await ctx.for_member(member, announcement.community_id)

    async def tell_author(self, ctx: JobContext, announcement: Announcement, text: str) -> None:
        """A private message to the moderator who wrote it. A Telegram channel that wrote it
        (its administrators post as the channel) has no private chat: there it goes nowhere."""
        author = await self.author_context(ctx, announcement)
        if author is None or author.destination is None or author.member is None:
            return
        own = await identity.community(self.services.store, announcement.community_id)
        if own is not None and (own.platform, own.platform_id) == (
            author.member.platform,
            author.member.platform_id,
        ):
            log.info("announcement #%d: %s", announcement.id, text)
            return
        try:
            await author.send(Reply.of(text, private=True))
        except Exception:
            log.warning("could not tell the author of announcement #%d", announcement.id)

    async def edit(self, announcement: Announcement) -> list[Outcome]:
        """Put the announcement's text in every message it became."""
        outcomes = []
        for posted in await self.announcements.posted(announcement.id):
            reply = self._reply_for(announcement, posted.community_id, posted.home)
            try:
                await self.services.messenger.edit(posted.home, posted.message_ids, reply)
            except PostFailed as failed:
                outcomes.append(Outcome(posted.community_id, posted.home, failed))
                continue
            outcomes.append(Outcome(posted.community_id, posted.home))
        return outcomes

    async def delete(self, announcement: Announcement) -> list[Outcome]:
        """Remove every message the announcement became (one already gone counts as removed)."""
        outcomes = []
        for posted in await self.announcements.posted(announcement.id):
            try:
                await self.services.messenger.delete(posted.home, posted.message_ids)
            except PostFailed as failed:
                if failed.reason != PostFailed.GONE:
                    outcomes.append(Outcome(posted.community_id, posted.home, failed))
                    continue
            await self.announcements.forget_post(announcement.id, posted)
            outcomes.append(Outcome(posted.community_id, posted.home))
        return outcomes
