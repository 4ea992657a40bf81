from __future__ import annotations

import logging
from datetime import datetime, timedelta

from babel.dates import format_datetime

from bot import identity
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, choice, command, integer, text
from bot.api.context import Context, Destination
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.text import Text
from bot.messenger import CalendarEvent
from bot.scheduler import Job
from bot.services import Services
from bot.when import parse_when
from cogs.events.store import Event, EventStore

log = logging.getLogger("pustaka.events")

REMINDER_HOURS = (24, 1)  # reminders before the start
ANSWERS = [("going", N_("Going")), ("maybe", N_("Maybe")), ("no", N_("Not going"))]
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class Events(Feature):
    name = "events"
    description = N_("Events")

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.events = EventStore(services.store)
        services.scheduler.handle("event-reminder", self._reminder_job)

    @command(
        "event create",
        N_("Announce a book talk or seminar; you confirm the date before it is saved."),
        text("title", N_("The event's name"), max_length=100),
        text("when", N_('When, e.g. "Sabtu depan pukul 10 pagi" or "2026-12-05 14:00"')),
        text("where", N_("Where it takes place"), required=False, max_length=100),
        integer(
            "capacity",
            N_("How many seats (empty: no limit)"),
            required=False,
            min_value=1,
            max_value=10000,
        ),
        text("description", N_("A few words about it"), required=False, rest=True, max_length=1000),
        permission=Permission.MODERATOR,
    )
    async def create(
        self,
        ctx: Context,
        title: str,
        when: str,
        where: str | None = None,
        capacity: int | None = None,
        description: str | None = None,
    ) -> Reply:
        community = ctx.require_community()
        starts = parse_when(when, ctx.clock.now(), ctx.timezone)
        if starts is None:
            raise UserError(
                ctx._(
                    "I can't read “{when}” as a date. Try for example: besok jam 19.00, "
                    "Sabtu depan pukul 10 pagi, next friday 7pm, 2026-12-05 14:00."
                ).format(when=when[:60])
            )
        if starts <= ctx.clock.now():
            raise UserError(
                ctx._("{date} has already passed. Give a time in the future.").format(
                    date=self._date(ctx, starts)
                )
            )
        event_id = await self.events.create(
            community.id,
            ctx.channel.key(),
            title,
            starts,
            where or "",
            description or "",
            capacity,
            ctx.member.id,
            ctx.clock.now(),
        )
        return Reply.of(
            Text.format(
                ctx._("**{title}** on **{date}**{place}. Save it?"),
                title=title,
                date=self._date(ctx, starts),
                place=f" — {where}" if where else "",
            ),
            choices=[
                Choice(ctx._("Save"), f"/event confirm {event_id}", ChoiceStyle.PRIMARY),
                Choice(ctx._("Cancel"), f"/event discard {event_id}", ChoiceStyle.DANGER),
            ],
        )

    @command(
        "event confirm",
        N_("Save an event you are creating and announce it."),
        integer("id", N_("The event's number"), min_value=1),
        permission=Permission.MODERATOR,
    )
    async def confirm(self, ctx: Context, id: int) -> list[Reply]:
        event = await self._event(ctx, id, states=("draft",))
        await self.events.set_state(event.id, "scheduled")
        for hours in REMINDER_HOURS:
            due = event.starts_at - timedelta(hours=hours)
            if due > ctx.clock.now():
                await self.services.scheduler.schedule(
                    "event-reminder",
                    f"event:{event.id}:{hours}h",
                    due,
                    {"event": event.id, "hours": hours},
                )
        where = Destination.from_key(event.destination)
        try:
            platform_id = await self.services.messenger.schedule_event(
                where,
                CalendarEvent(
                    event.title,
                    event.starts_at,
                    location=event.place,
                    description=event.description,
                ),
            )
            if platform_id:
                await self.events.set_platform_id(event.id, platform_id)
        except Exception:
            log.exception("could not create the platform's scheduled event for %s", event.id)
        saved = Reply.of(ctx._("Saved. Reminders go out 24 hours and 1 hour before."), private=True)
        return [saved, await self._card(ctx, event)]

    @command(
        "event discard",
        N_("Drop an event you were creating."),
        integer("id", N_("The event's number"), min_value=1),
        permission=Permission.MODERATOR,
    )
    async def discard(self, ctx: Context, id: int) -> Reply:
        event = await self._event(ctx, id, states=("draft",))
        await self.events.set_state(event.id, "cancelled")
        return Reply.of(ctx._("Not saved."))

    @command("event list", N_("Upcoming events, with how many are going."))
    async def upcoming(self, ctx: Context) -> Reply:
        community = ctx.require_community()
        upcoming = await self.events.upcoming(community.id, ctx.clock.now())
        if not upcoming:
            return Reply.of(ctx._("No events are planned yet."))
        lines = []
        for event in upcoming:
            counts = await self.events.counts(event.id)
            lines.append(
                Text.format(
                    "#{id} **{title}** — {date}{place}\n   {going}",
                    id=event.id,
                    title=event.title,
                    date=self._date(ctx, event.starts_at),
                    place=f", {event.place}" if event.place else "",
                    going=ctx._("{going} going, {maybe} maybe").format(
                        going=counts.get("going", 0), maybe=counts.get("maybe", 0)
                    ),
                )
            )
        return Reply.of(Text.join(lines, "\n"), title=ctx._("Upcoming events"))

    @command(
        "event show",
        N_("An event with who is going."),
        integer("id", N_("The event's number"), min_value=1),
        permission=Permission.MODERATOR,
    )
    async def show(self, ctx: Context, id: int) -> Reply:
        event = await self._event(ctx, id)
        card = await self._card(ctx, event)
        going = await self.events.names(event.id, "going")
        waiting = await self.events.names(event.id, "waiting")
        fields = [*card.fields, (ctx._("Going"), ", ".join(going) or "—")]
        if waiting:
            fields.append((ctx._("Waiting list"), ", ".join(waiting)))
        return Reply.of(card.text, title=card.title, fields=fields, private=True)

    @command(
        "event rsvp",
        N_("Say whether you are coming."),
        integer("id", N_("The event's number"), min_value=1),
        choice("answer", N_("Your answer"), ANSWERS),
    )
    async def rsvp(self, ctx: Context, id: int, answer: str) -> Reply:
        event = await self._event(ctx, id, states=("scheduled",))
        if event.starts_at <= ctx.clock.now():
            raise UserError(ctx._("This event has already started."))
        result, promoted = await self.events.answer(event, ctx.member.id, answer, ctx.clock.now())
        if promoted is not None:
            await self._tell_promoted(event, promoted, ctx.community)
        messages = {
            "going": ctx._("See you at {title}!"),
            "waiting": ctx._(
                "{title} is full: you are on the waiting list and will hear from me "
                "if a seat frees up."
            ),
            "maybe": ctx._("Noted: maybe for {title}."),
            "no": ctx._("Noted: not going to {title}."),
        }
        return Reply.of(messages[result].format(title=event.title), private=True)

    @command(
        "event cancel",
        N_("Cancel an event; those going are told."),
        integer("id", N_("The event's number"), min_value=1),
        permission=Permission.MODERATOR,
    )
    async def cancel(self, ctx: Context, id: int) -> Reply:
        event = await self._event(ctx, id, states=("scheduled",))
        await self.events.set_state(event.id, "cancelled")
        await self.services.scheduler.cancel(f"event:{event.id}:")
        where = Destination.from_key(event.destination)
        if event.platform_event_id:
            try:
                await self.services.messenger.cancel_event(where, event.platform_event_id)
            except Exception:
                log.exception("could not cancel the platform's event for %s", event.id)
        for member in await self.events.members(event.id, ("going", "waiting")):
            locale = self._locale(member, ctx.community)
            _ = self.services.i18n.translations(locale).gettext
            await self.services.messenger.send(
                Destination(member.platform, member.platform_id, private=True),
                Reply.of(
                    _("{title} on {date} is cancelled.").format(
                        title=event.title,
                        date=self._date_in(locale, event.starts_at, ctx.timezone),
                    )
                ),
            )
        return Reply.of(
            ctx._("{title} is cancelled; those going have been told.").format(title=event.title)
        )

    @command(
        "remind",
        N_("Turn private event reminders on or off for yourself."),
        choice("setting", N_("on or off"), [("on", N_("on")), ("off", N_("off"))]),
    )
    async def remind(self, ctx: Context, setting: str) -> Reply:
        await self.events.set_optout(ctx.member.id, setting == "off")
        if setting == "off":
            return Reply.of(ctx._("You will get no private reminders."), private=True)
        return Reply.of(ctx._("You will get private reminders of events you go to."), private=True)

    # Reminders ---------------------------------------------------------------------------

    async def _reminder_job(self, job: Job) -> None:
        event = await self.events.get(int(job.payload["event"]))
        if event is None or event.state != "scheduled":
            return
        where = Destination.from_key(event.destination)
        community = await identity.community(self.services.store, event.community_id)
        tz = identity.resolve_timezone(community, self.services.config.bot.tz)
        if await self.services.scheduler.first_time(f"{job.key}:channel"):
            locale = (community.locale if community else None) or self.services.config.bot.locale
            _ = self.services.i18n.translations(locale).gettext
            await self.services.messenger.send(where, self._reminder(_, locale, event, tz, job))
        for member in await self.events.members(event.id, ("going",), reminders_only=True):
            if await self.services.scheduler.first_time(f"{job.key}:{member.id}"):
                locale = self._locale(member, community)
                _ = self.services.i18n.translations(locale).gettext
                await self.services.messenger.send(
                    Destination(member.platform, member.platform_id, private=True),
                    self._reminder(_, locale, event, tz, job),
                )

    def _reminder(self, _, locale: str, event: Event, tz, job: Job) -> Reply:  # noqa: ANN001
        hours = job.payload["hours"]
        return Reply.of(
            Text.format(
                _("Reminder: **{title}** starts {date}{place}."),
                title=event.title,
                date=self._date_in(locale, event.starts_at, tz),
                place=f" — {event.place}" if event.place else "",
            ),
            title=_("In 1 hour") if hours == 1 else _("Tomorrow"),
        )

    # Helpers -----------------------------------------------------------------------------

    async def _tell_promoted(
        self, event: Event, member: identity.Member, community: identity.Community | None
    ) -> None:
        _ = self.services.i18n.translations(self._locale(member, community)).gettext
        await self.services.messenger.send(
            Destination(member.platform, member.platform_id, private=True),
            Reply.of(_("A seat freed up: you are now going to {title}.").format(title=event.title)),
        )

    async def _card(self, ctx: Context, event: Event) -> Reply:
        counts = await self.events.counts(event.id)
        seats = ""
        if event.capacity:
            seats = " " + ctx._("({free} of {capacity} seats free)").format(
                free=max(0, event.capacity - counts.get("going", 0)), capacity=event.capacity
            )
        fields = [(ctx._("When"), self._date(ctx, event.starts_at))]
        if event.place:
            fields.append((ctx._("Where"), event.place))
        fields.append((ctx._("Going"), str(counts.get("going", 0)) + seats))
        return Reply.of(
            event.description,
            title=f"#{event.id} {event.title}",
            fields=fields,
            choices=[
                Choice(ctx._(label), f"/event rsvp {event.id} {value}", keep=True)
                for value, label in ANSWERS
            ],
        )

    async def _event(self, ctx: Context, event_id: int, states: tuple[str, ...] = ()) -> Event:
        community = ctx.require_community()
        event = await self.events.get(event_id)
        if (
            event is None
            or event.community_id != community.id
            or (states and event.state not in states)
        ):
            raise UserError(ctx._("There is no such event #{id} here.").format(id=event_id))
        return event

    def _locale(self, member: identity.Member, community: identity.Community | None) -> str:
        """A member's language for a private message: as the dispatcher resolves it."""
        return identity.resolve_locale(member, community, self.services.config.bot.locale)

    def _date(self, ctx: Context, moment: datetime) -> str:
        return self._date_in(ctx.locale, moment, ctx.timezone)

    @staticmethod
    def _date_in(locale: str, moment: datetime, tz) -> str:  # noqa: ANN001
        shown = format_datetime(moment, "EEEE, d MMMM y, HH.mm", tzinfo=tz, locale=locale)
        return f"{shown} {ZONE_NAMES.get(str(tz), str(tz))}"
