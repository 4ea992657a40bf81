"""The events commands: announce (once or repeating), answer, change, cancel, export.

Storage is in store.py, reminder planning in planning.py, what the bot says by itself in
notices.py, and how typed times are read in reading.py.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from itertools import islice

from bot.api import community as circles
from bot.api import identity
from bot.api.arguments import UserError
from bot.api.commands import N_, Permission, choice, command, integer, text
from bot.api.context import Context, Destination
from bot.api.jobs import JobContext, job
from bot.api.places import place_text
from bot.api.privacy import MemberForgotten
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.storage.scheduler import Job
from cogs.events.calendar import Entry, calendar_file
from cogs.events.formatting import (
    date_text,
    day_text,
    duration_text,
    long_date,
    offsets_text,
    repeat_text,
)
from cogs.events.insight import events_insight
from cogs.events.notices import Notices, calendar_event
from cogs.events.personal import PersonalReminders
from cogs.events.planning import REMINDER, ROLL, SHARE, Planner, Slot, slot_on, slots
from cogs.events.reading import read_day, read_offsets, read_when, when_text
from cogs.events.store import Event, EventStore
from cogs.stats.public import RSVP, InsightWanted, Responded

log = logging.getLogger("pustaka.events")

ANSWERS = [("going", N_("Going")), ("maybe", N_("Maybe")), ("no", N_("Not going"))]
# What members type for each answer, in either language.
ANSWER_WORDS = {
    "going": ("ya", "yes", "y", "ok", "oke", "hadir", "datang", "ikut", "bisa", "attend"),
    "maybe": ("mungkin", "entah", "perhaps", "unsure"),
    "no": ("tidak", "tdk", "gak", "nggak", "enggak", "ga", "ngga", "tak", "absen", "not", "nope"),
}
FIELD_WORDS = {
    "title": ("judul", "nama", "name"),
    "when": ("waktu", "kapan", "jadwal", "time", "date", "tanggal"),
    "where": ("tempat", "lokasi", "place", "location"),
    "description": ("deskripsi", "keterangan", "about"),
    "capacity": ("kapasitas", "kursi", "seats"),
}
FIELDS = [
    ("title", N_("title")),
    ("when", N_("when")),
    ("where", N_("where")),
    ("description", N_("description")),
    ("capacity", N_("capacity")),
]
CLEAR = "-"  # as an edit's value: no place, no description, no seat limit
REMAP_LIMIT = 400  # occurrences followed when RSVPs move to a series' new dates


class Events(PersonalReminders):
    name = "events"
    description = N_("Events")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "answer": N_("parameter:answer"),
        "capacity": N_("parameter:capacity"),
        "date": N_("parameter:date"),
        "description": N_("parameter:description"),
        "field": N_("parameter:field"),
        "id": N_("parameter:id"),
        "offsets": N_("parameter:offsets"),
        "text": N_("parameter:text"),
        "title": N_("parameter:title"),
        "value": N_("parameter:value"),
        "when": N_("parameter:when"),
        "where": N_("parameter:where"),
    }

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.events = EventStore(services.store)
        self.planner = Planner(services, self.events)
        self.notices = Notices(services, self.events, self.planner)
        services.events.subscribe(MemberForgotten, self._fill_freed_seats)
        services.events.subscribe(InsightWanted, events_insight)

    @job(REMINDER)
    async def _reminder_job(self, ctx: JobContext) -> None:
        await self.notices.reminder_job(ctx)

    @job(ROLL)
    async def _roll_job(self, ctx: JobContext) -> None:
        await self.notices.roll_job(ctx)

    @job(SHARE)
    async def _share_job(self, ctx: JobContext) -> None:
        """A saved event's card in the home of another community of its circle (in that
        community's language), so members there answer on the same list."""
        event = await self.events.get(int(ctx.payload["event"]))
        community_id = int(ctx.payload["community"])
        home = await circles.home(self.services.store, community_id)
        if event is None or event.state != "scheduled" or home is None or ctx.job is None:
            return
        speaker = await ctx.for_community(community_id, home)
        slot = await self.planner.next_slot(event)
        if slot is not None:
            await speaker.send_once(ctx.job.key, await self._card(speaker, event, slot))

    async def _share(self, ctx: Context, event: Event) -> None:
        """Post the event in every other home of the circle, through the scheduler so a
        platform that is down gets it when it is back."""
        for community_id in ctx.circle:
            if community_id != event.community_id:
                await self.services.scheduler.schedule(
                    SHARE,
                    f"event:{event.id}:share:{community_id}",
                    ctx.clock.now(),
                    {"event": event.id, "community": community_id},
                )

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """/calendar's line for an event reminder (rolls and personal reminders are not posts
        for the community)."""
        return (await self.describe_jobs(ctx, [job], circle))[0]

    async def describe_jobs(
        self, ctx: JobContext, jobs: Sequence[Job], circle: tuple[int, ...]
    ) -> list[str | None]:
        """:meth:`describe_job` for a chunk of jobs, their events read in one query."""
        wanted = {int(job.payload["event"]) for job in jobs if job.kind == REMINDER}
        events = await self.events.get_many(wanted)
        return [
            self._reminder_line(ctx, job, events.get(int(job.payload["event"])), circle)
            if job.kind == REMINDER
            else None
            for job in jobs
        ]

    def _reminder_line(
        self, ctx: JobContext, job: Job, event: Event | None, circle: tuple[int, ...]
    ) -> str | None:
        if event is None or event.community_id not in circle or event.state != "scheduled":
            return None
        slot = slot_on(event, str(job.payload.get("occurrence", "")), ctx.timezone)
        if slot is None:
            return None
        minutes = int(job.payload.get("minutes", int(job.payload.get("hours", 0)) * 60))
        where = place_text(ctx._, Destination.from_key(event.destination))
        if len(circle) > 1:  # the reminder also goes to the linked communities' homes
            where = ctx._("{where} and in the linked communities' homes").format(where=where)
        return ctx._("Reminder of {title} ({date}), {before} before, {where}").format(
            title=event.title,
            before=duration_text(minutes, ctx.locale),
            date=date_text(ctx.locale, slot.starts_at, ctx.timezone),
            where=where,
        )

    async def on_start(self) -> None:
        """Plan what a restart or an older version left unplanned (idempotent)."""
        await self.planner.plan_all()

    async def on_timezone_changed(self, community_id: int) -> None:
        """A series keeps its local time in the new zone: its reminders move with it."""
        await self.planner.plan_all(community_id, anew=True)
        for event in await self.events.scheduled(self.services.clock.now(), (community_id,)):
            if event.recurrence is not None:
                await self.notices.update_platform_event(event)

    # Creating --------------------------------------------------------------------------

    @command(
        "event create",
        N_("Announce a book talk or seminar; you confirm the date before it is saved."),
        text("title", N_("The event's name"), max_length=100),
        text(
            "when",
            N_(
                'When, e.g. "Sabtu depan pukul 10 pagi", "2026-12-05 14:00" or "setiap Sabtu 10.00"'
            ),
            time=True,
        ),
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
        aliases=("acara buat",),
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
        starts, recurrence = read_when(ctx, when)
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
            recurrence,
            once=ctx.once,
        )
        return Reply.of(
            Text.format(
                ctx._("**{title}** {when}{place}. Save it?"),
                title=title,
                when=when_text(ctx, starts, recurrence),
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
        aliases=("acara simpan",),
    )
    async def confirm(self, ctx: Context, id: int) -> list[Reply]:
        await self._event(ctx, id)
        # Once per Save: one handled again after a crash finds the event it saved, and does
        # what the first may not have done (each step below is safe to repeat).
        if not await self.events.save_draft(id, ctx.member.id, once=ctx.once):
            raise UserError(ctx._("There is no such event #{id} here.").format(id=id))
        event = await self._event(ctx, id)
        await self.planner.plan(event)
        slot = await self._next(ctx, event)
        if event.platform_event_id is None:
            try:
                platform_id = await self.services.messenger.schedule_event(
                    Destination.from_key(event.destination),
                    calendar_event(event, slot),
                    again=ctx.again,
                )
                if platform_id:
                    await self.events.set_platform_id(event.id, platform_id)
            except Exception:
                log.exception("could not create the platform's scheduled event for %s", event.id)
        minutes = await self.events.reminder_minutes(event.community_id)
        saved = Reply.of(
            ctx._("Saved. Reminders go out {offsets} before.").format(
                offsets=offsets_text(minutes, ctx.locale)
            ),
            private=True,
        )
        await self._share(ctx, event)
        return [saved, await self._card(ctx, event, slot)]

    @command(
        "event discard",
        N_("Drop an event you were creating."),
        integer("id", N_("The event's number"), min_value=1),
        permission=Permission.MODERATOR,
        aliases=("acara buang",),
    )
    async def discard(self, ctx: Context, id: int) -> Reply:
        ctx.require_community()
        if not await self.events.drop_draft(id, ctx.member.id, ctx.circle, once=ctx.once):
            raise UserError(ctx._("There is no such event #{id} here.").format(id=id))
        return Reply.of(ctx._("Not saved."))

    # Reading ---------------------------------------------------------------------------

    @command(
        "event list", N_("Upcoming events, with how many are going."), aliases=("acara daftar",)
    )
    async def upcoming(self, ctx: Context) -> Reply:
        ctx.require_community()
        now = ctx.clock.now()
        found: list[tuple[Slot, Event]] = []
        for event in await self.events.scheduled(now, ctx.circle):
            slot = next(slots(event, ctx.timezone, now, await self.events.skips(event.id)), None)
            if slot is not None:
                found.append((slot, event))
        if not found:
            return Reply.of(ctx._("No events are planned yet."))
        found.sort(key=lambda item: (item[0].starts_at, item[1].id))
        lines = []
        for slot, event in found[:10]:
            counts = await self.events.counts(event.id, slot.key)
            recurrence = event.recurrence
            repeats = (
                " · " + repeat_text(ctx._, ctx.locale, recurrence, ctx.timezone)
                if recurrence
                else ""
            )
            lines.append(
                Text.format(
                    "#{id} **{title}** — {date}{place}{repeats}\n   {going}",
                    id=event.id,
                    title=event.title,
                    date=self._date(ctx, slot.starts_at),
                    place=f", {event.place}" if event.place else "",
                    repeats=repeats,
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
        text(
            "date",
            N_("Which occurrence of a series (empty: the next)"),
            required=False,
            rest=True,
        ),
        permission=Permission.MODERATOR,
        aliases=("acara lihat",),
    )
    async def show(self, ctx: Context, id: int, date: str | None = None) -> Reply:
        event = await self._event(ctx, id)
        slot = await self._occurrence(ctx, event, date, allow_past=True)
        card = await self._card(ctx, event, slot)
        going = await self.events.names(event.id, slot.key, "going")
        waiting = await self.events.names(event.id, slot.key, "waiting")
        fields = [*card.fields, (ctx._("Going"), ", ".join(going) or "—")]
        if waiting:
            fields.append((ctx._("Waiting list"), ", ".join(waiting)))
        return Reply.of(card.text, title=card.title, fields=fields, private=True)

    @command(
        "event ics",
        N_("The event as a calendar file (.ics) for your calendar app."),
        integer("id", N_("The event's number"), min_value=1),
        aliases=("acara kalender",),
    )
    async def ics(self, ctx: Context, id: int) -> Reply:
        event = await self._event(ctx, id, states=("scheduled",))
        skips = frozenset(await self.events.skips(event.id))
        content = calendar_file([Entry(event, ctx.timezone, skips)], ctx.clock.now())
        return Reply.of(
            ctx._("{title}: open the file to add it to your calendar.").format(title=event.title),
            attachment=(f"pustaka-event-{event.id}.ics", content),
            private=True,
        )

    # Answering -------------------------------------------------------------------------

    @command(
        "event rsvp",
        N_("Say whether you are coming."),
        integer("id", N_("The event's number"), min_value=1),
        choice("answer", N_("Your answer"), ANSWERS, synonyms=ANSWER_WORDS),
        text(
            "date",
            N_("Which occurrence of a series (empty: the next)"),
            required=False,
            rest=True,
        ),
        aliases=("acara jawab",),
    )
    async def rsvp(self, ctx: Context, id: int, answer: str, date: str | None = None) -> Reply:
        event = await self._event(ctx, id, states=("scheduled",))
        slot = await self._occurrence(ctx, event, date)
        result, promoted = await self.events.answer(
            event, slot.key, ctx.member.id, answer, ctx.clock.now()
        )
        if promoted is not None:
            await self.notices.tell_promoted(event, slot, promoted, ctx.community)
        name = self._name(ctx, event, slot)
        series = event.title if event.rrule else ""
        await self.services.events.publish(Responded(ctx, name, RSVP, series))
        messages = {
            "going": ctx._("See you at {title}!"),
            "waiting": ctx._(
                "{title} is full: you are on the waiting list and will hear from me "
                "if a seat frees up."
            ),
            "maybe": ctx._("Noted: maybe for {title}."),
            "no": ctx._("Noted: not going to {title}."),
        }
        return Reply.of(messages[result].format(title=name), private=True)

    # Changing --------------------------------------------------------------------------

    @command(
        "event cancel",
        N_("Cancel an event or a series, or one date of a series; those going are told."),
        integer("id", N_("The event's number"), min_value=1),
        text(
            "date", N_("Only this date of a series (empty: all of it)"), required=False, rest=True
        ),
        permission=Permission.MODERATOR,
        aliases=("acara batal",),
    )
    async def cancel(self, ctx: Context, id: int, date: str | None = None) -> Reply:
        event = await self._event(ctx, id, states=("scheduled",))
        if date and event.recurrence is not None:
            return await self._cancel_occurrence(ctx, event, date)
        if date:
            await self._occurrence(ctx, event, date)  # a wrong date gets its own message
        now = ctx.clock.now()
        upcoming = next(slots(event, ctx.timezone, now, await self.events.skips(event.id)), None)
        since = upcoming.key if upcoming else "~"
        told = await self.events.members(event.id, ("going", "waiting"), since=since)
        await self.events.set_state(event.id, "cancelled")
        await self.planner.forget(event.id)
        if event.platform_event_id:
            try:
                await self.services.messenger.cancel_event(
                    Destination.from_key(event.destination), event.platform_event_id
                )
            except Exception:
                log.exception("could not cancel the platform's event for %s", event.id)
        when = upcoming.starts_at if upcoming else event.starts_at
        await self.notices.tell(
            told,
            ctx.community,
            lambda _, locale, tz: (
                _("{title} on {date} is cancelled.")
                if event.recurrence is None
                else _("{title} is cancelled: there will be no more meetings after {date}.")
            ).format(title=event.title, date=date_text(locale, when, tz)),
        )
        return Reply.of(
            ctx._("{title} is cancelled; those going have been told.").format(title=event.title)
        )

    async def _cancel_occurrence(self, ctx: Context, event: Event, date: str) -> Reply:
        slot = await self._occurrence(ctx, event, date)
        told = await self.events.members(event.id, ("going", "waiting"), occurrence=slot.key)
        upcoming = await self.planner.next_slot(event)
        await self.events.skip(event.id, slot.key)
        await self.planner.forget(event.id, slot.key)
        if upcoming == slot:
            await self.notices.update_platform_event(event)
        await self.notices.tell(
            told,
            ctx.community,
            lambda _, locale, tz: _("{title} on {date} is cancelled.").format(
                title=event.title, date=date_text(locale, slot.starts_at, tz)
            ),
        )
        following = await self.planner.next_slot(event)
        text = ctx._("{title} on {date} is cancelled; those going have been told.").format(
            title=event.title, date=self._date(ctx, slot.starts_at)
        )
        if following is not None:
            text += " " + ctx._("The next one is on {date}.").format(
                date=self._date(ctx, following.starts_at)
            )
        return Reply.of(text)

    @command(
        "event edit",
        N_("Change an event's title, time, place, description or seats; those going are told."),
        integer("id", N_("The event's number"), min_value=1),
        choice("field", N_("What to change"), FIELDS, synonyms=FIELD_WORDS),
        text("value", N_("The new value (- to clear place, description or seats)"), rest=True),
        permission=Permission.MODERATOR,
        aliases=("acara ubah",),
    )
    async def edit(self, ctx: Context, id: int, field: str, value: str) -> list[Reply]:
        event = await self._event(ctx, id)
        if event.state == "cancelled":
            raise UserError(
                ctx._("#{id} is cancelled and can no longer be changed.").format(id=event.id)
            )
        if event.state == "draft":
            raise UserError(
                ctx._("#{id} is not saved yet: save it first, or create it again.").format(
                    id=event.id
                )
            )
        cleared = value.strip() == CLEAR
        if field == "title":
            if cleared or len(value) > 100:
                raise UserError(ctx._("A title needs 1 to 100 characters."))
            await self.events.change(event.id, title=value)
        elif field == "where":
            await self.events.change(event.id, place="" if cleared else value[:100])
        elif field == "description":
            await self.events.change(event.id, description="" if cleared else value[:1000])
        elif field == "capacity":
            await self._change_capacity(ctx, event, None if cleared else value)
        else:
            await self._change_when(ctx, event, value)
        changed = await self._event(ctx, id)
        if field == "where" and changed.place != event.place:
            await self.notices.tell_changed(ctx, changed, place=True)
        if field == "when":
            await self.notices.tell_changed(ctx, changed, place=False)
        if field in ("title", "where", "description", "when"):
            await self.notices.update_platform_event(changed)
        notice = (
            ctx._("Changed. Those going have been told.")
            if field in ("where", "when")
            else (ctx._("Changed."))
        )
        slot = await self._next(ctx, changed)
        return [Reply.of(notice, private=True), await self._card(ctx, changed, slot)]

    async def _change_capacity(self, ctx: Context, event: Event, value: str | None) -> None:
        capacity = None
        if value is not None:
            if not value.strip().isdigit() or not 1 <= int(value) <= 10000:
                raise UserError(ctx._("Seats must be a number from 1 to 10000, or - for no limit."))
            capacity = int(value)
        await self.events.change(event.id, capacity=capacity)
        changed = await self._event(ctx, event.id)
        upcoming = await self.planner.next_slot(changed)
        since = upcoming.key if upcoming else "~"
        for key in await self.events.waiting_occurrences(event.id, since):
            slot = slot_on(changed, key, ctx.timezone)
            if slot is None:
                continue
            for member in await self.events.promote(changed, key):
                await self.notices.tell_promoted(changed, slot, member, ctx.community)

    async def _fill_freed_seats(self, _forgotten: MemberForgotten) -> None:
        """A forgotten member's RSVPs are gone: the seats they held go to the waiting list, as
        when a member answers no."""
        for event_id in await self.events.with_waiting_list():
            event = await self.events.get(event_id)
            upcoming = await self.planner.next_slot(event) if event else None
            if event is None or upcoming is None:
                continue
            community = await identity.community(self.services.store, event.community_id)
            zone = identity.resolve_timezone(community, self.services.config.bot.tz)
            for key in await self.events.waiting_occurrences(event.id, upcoming.key):
                slot = slot_on(event, key, zone)
                if slot is None:
                    continue
                for member in await self.events.promote(event, key):
                    await self.notices.tell_promoted(event, slot, member, community)

    async def _change_when(self, ctx: Context, event: Event, value: str) -> None:
        starts, recurrence = read_when(ctx, value)
        now = ctx.clock.now()
        old = list(islice(slots(event, ctx.timezone, now), REMAP_LIMIT))
        await self.events.change(
            event.id,
            starts_at=starts,
            rrule=recurrence.rule if recurrence else None,
            local_start=recurrence.start.isoformat() if recurrence else None,
        )
        changed = await self._event(ctx, event.id)
        if old:
            await self.events.clear_skips(event.id, old[0].key)
            answered = set(await self.events.answered(event.id, old[0].key))
            new = list(islice(slots(changed, ctx.timezone, now), len(old)))
            moves = {a.key: b.key for a, b in zip(old, new, strict=False) if a.key in answered}
            dropped = [key for key in answered if key not in moves]
            await self.events.move_answers(event.id, moves, dropped)
        await self.planner.plan(changed, anew=True)

    @command(
        "event reminders",
        N_("When reminders go out before this community's events, e.g. 24h 1h."),
        text(
            "offsets",
            N_("Up to 5 times before, e.g. 24h 1h, 2d 30m, 1 hari"),
            required=False,
            rest=True,
        ),
        permission=Permission.MODERATOR,
        aliases=("acara pengingat",),
    )
    async def reminders(self, ctx: Context, offsets: str | None = None) -> Reply:
        community = ctx.require_community()
        if not offsets:
            minutes = await self.events.reminder_minutes(community.id)
            return Reply.of(
                ctx._("Reminders go out {offsets} before each event.").format(
                    offsets=offsets_text(minutes, ctx.locale)
                )
            )
        minutes = read_offsets(ctx, offsets)
        await self.events.set_reminder_minutes(community.id, minutes)
        planned = await self.planner.plan_all(community.id, anew=True)
        return Reply.of(
            ctx._("Reminders now go out {offsets} before each event.").format(
                offsets=offsets_text(minutes, ctx.locale)
            )
            + " "
            + ctx.ngettext(
                "{count} upcoming event was rescheduled.",
                "{count} upcoming events were rescheduled.",
                planned,
            ).format(count=planned)
        )

    # Jobs ------------------------------------------------------------------------------

    # Helpers ---------------------------------------------------------------------------

    async def _occurrence(
        self, ctx: Context, event: Event, wanted: str | None, *, allow_past: bool = False
    ) -> Slot:
        """The occurrence a member means: the next, or the one on the date given."""
        now = ctx.clock.now()
        skips = await self.events.skips(event.id)
        if not wanted:
            slot = next(slots(event, ctx.timezone, now, skips), None)
            if slot is None and allow_past:
                return (
                    Slot("", event.starts_at)
                    if event.recurrence is None
                    else Slot(
                        event.starts_at.astimezone(ctx.timezone).date().isoformat(), event.starts_at
                    )
                )
            if slot is None:
                raise UserError(ctx._("#{id} has already taken place.").format(id=event.id))
            return slot
        day = read_day(ctx, wanted)
        slot = slot_on(event, day.isoformat() if event.recurrence else "", ctx.timezone)
        if slot is None or slot.starts_at.astimezone(ctx.timezone).date() != day:
            raise UserError(
                ctx._("#{id} has no meeting on {date}.").format(
                    id=event.id, date=long_date(ctx.locale, day)
                )
            )
        if slot.key and slot.key in skips:
            raise UserError(
                ctx._("#{id} on {date} is already cancelled.").format(
                    id=event.id, date=long_date(ctx.locale, day)
                )
            )
        if slot.starts_at <= now and not allow_past:
            raise UserError(
                ctx._("#{id} on {date} has already taken place.").format(
                    id=event.id, date=long_date(ctx.locale, day)
                )
            )
        return slot

    async def _next(self, ctx: Context, event: Event) -> Slot:
        return await self._occurrence(ctx, event, None, allow_past=True)

    def _name(self, ctx: Context, event: Event, slot: Slot) -> str:
        """An occurrence of a series is named with its date."""
        if event.recurrence is None:
            return event.title
        return f"{event.title} ({day_text(ctx.locale, slot.starts_at, ctx.timezone)})"

    async def _card(self, ctx: Context | JobContext, event: Event, slot: Slot) -> Reply:
        counts = await self.events.counts(event.id, slot.key)
        seats = ""
        if event.capacity:
            seats = " " + ctx._("({free} of {capacity} seats free)").format(
                free=max(0, event.capacity - counts.get("going", 0)), capacity=event.capacity
            )
        fields = [(ctx._("When"), self._date(ctx, slot.starts_at))]
        if event.recurrence is not None:
            fields.append(
                (ctx._("Repeats"), repeat_text(ctx._, ctx.locale, event.recurrence, ctx.timezone))
            )
        if event.place:
            fields.append((ctx._("Where"), event.place))
        fields.append((ctx._("Going"), str(counts.get("going", 0)) + seats))
        date_part = f" {slot.key}" if slot.key else ""
        return Reply.of(
            event.description,
            title=f"#{event.id} {event.title}",
            fields=fields,
            choices=[
                Choice(ctx._(label), f"/event rsvp {event.id} {value}{date_part}", keep=True)
                for value, label in ANSWERS
            ],
        )

    async def _event(self, ctx: Context, event_id: int, states: tuple[str, ...] = ()) -> Event:
        ctx.require_community()
        event = await self.events.get(event_id)
        if (
            event is None
            or event.community_id not in ctx.circle
            or (states and event.state not in states)
        ):
            raise UserError(ctx._("There is no such event #{id} here.").format(id=event_id))
        return event

    def _date(self, ctx: Context | JobContext, moment: datetime) -> str:
        return date_text(ctx.locale, moment, ctx.timezone)
