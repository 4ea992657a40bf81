"""/quiz schedule: a quiz that starts by itself at a time, once or repeating ("setiap Jumat jam
19.00", an RRULE), in the channel where it was scheduled; /quiz schedule list and cancel.

Each occurrence is a job in the durable scheduler (cogs/quiz/schedules.py), so it starts once,
also across restarts: the quiz it starts records the occurrence's job key as its origin, and a
job run again after a crash finds that quiz and only posts what did not go out yet."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.api import community as circles
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, command, text
from bot.api.context import Context, Destination
from bot.api.dates import moment_text
from bot.api.jobs import JobContext, job
from bot.api.moments import read_schedule
from bot.api.places import place_text
from bot.api.replies import Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.storage.scheduler import Job
from bot.time.recurrence import Recurrence
from cogs.quiz.game import DEFAULT_QUESTIONS, DEFAULT_SECONDS
from cogs.quiz.packs import Pack
from cogs.quiz.schedules import SCHEDULED, Schedule, ScheduleStore, plan
from cogs.quiz.store import Quiz, QuizStore
from cogs.stats.public import busiest_slot, next_in_slot

log = logging.getLogger("pustaka.quiz")

LIST_WORDS = ("list", "daftar", "lihat")
CANCEL_WORDS = ("cancel", "batal", "hapus")
SEASON_END = "quiz-season-end"
WHEN_EXAMPLES = N_(
    "I can't read “{when}” as a time. Try for example: Jumat jam 19.00, besok pukul 16.00, "
    "next friday 7pm, 2026-12-05 14:00, setiap Jumat jam 19.00 or every Saturday 10am."
)
RECURRENCE_ERRORS = {
    "rrule": N_(
        "I can't read the RRULE in “{when}”. Write it as RFC 5545 says, with a start, e.g. "
        "RRULE:FREQ=WEEKLY;BYDAY=FR 2026-12-04 19:00."
    ),
    "frequency": N_(
        "A quiz can repeat at most once a day; “{when}” repeats more often. "
        "Try for example: setiap Jumat jam 19.00 or every day 7pm."
    ),
    "start": N_(
        "An RRULE needs its first date and time after it, e.g. "
        "RRULE:FREQ=WEEKLY;BYDAY=FR 2026-12-04 19:00."
    ),
    "time": N_(
        "At what time? Add it to the repetition, e.g. setiap Jumat jam 19.00 or every Friday 7pm."
    ),
    "ended": N_("“{when}” has no date after now."),
    "unreadable": N_(
        "I can't read “{when}” as a repeating time. Try for example: setiap Jumat jam 19.00, "
        "setiap tanggal 5 jam 19.00, every Friday 7pm, every day 8am, "
        "or an RRULE such as RRULE:FREQ=WEEKLY;BYDAY=FR 2026-12-04 19:00."
    ),
}


class QuizScheduling(Feature):
    """The scheduling half of the quiz feature; :class:`cogs.quiz.commands.Quizzes` supplies
    the packs and the starting of a quiz."""

    quizzes: QuizStore

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.schedules = ScheduleStore(services.store)

    async def _pack(self, community_id: int, key: str) -> Pack | None:
        raise NotImplementedError

    async def _begin(
        self,
        community_id: int,
        where: Destination,
        chosen: Pack,
        questions: int,
        seconds: int,
        *,
        started_by: int | None,
        origin: str | None = None,
    ) -> Quiz | None:
        raise NotImplementedError

    async def _open_quiz(self, t: JobContext, quiz: Quiz) -> None:
        raise NotImplementedError

    @command(
        "quiz schedule",
        N_(
            "Start a quiz here by itself at a time, once or repeating; "
            "“list” shows the scheduled ones, “cancel <number>” ends one."
        ),
        text(
            "pack",
            N_("The pack to play (see /quiz packs), or list, or cancel"),
            max_length=60,
            autocomplete="pack_keys",
        ),
        text(
            "when",
            N_('When, e.g. "Jumat jam 19.00" or "setiap Jumat jam 19.00"; to cancel, the number'),
            required=False,
            rest=True,
            time=True,
            max_length=100,
        ),
        permission=Permission.MODERATOR,
        aliases=("kuis jadwal",),
    )
    async def schedule_quiz(self, ctx: Context, pack: str, when: str | None = None) -> Reply:
        community = ctx.require_community()
        first, _space, rest = pack.strip().partition(" ")
        word = first.casefold()
        if word in LIST_WORDS and not rest and not when:
            return await self._schedule_list(ctx, community.id)
        if word in CANCEL_WORDS:
            return await self._schedule_cancel(ctx, community.id, f"{rest} {when or ''}")
        chosen = await self._pack(community.id, pack)
        if chosen is None and rest:
            # a pack's key is one word: what follows it is a time that did not read as one
            chosen, when = await self._pack(community.id, first), f"{rest} {when or ''}".strip()
        if chosen is None:
            raise UserError(
                ctx._("There is no quiz pack “{pack}”. /quiz packs lists them.").format(
                    pack=pack[:60]
                )
            )
        busiest = None
        if not when:
            # Without a time: the circle's busiest weekday and hour of the last weeks.
            now = ctx.clock.now()
            busiest = await busiest_slot(self.services.store, ctx.circle, now, ctx.timezone)
            if busiest is None:
                raise UserError(
                    ctx._(
                        "When should {title} start? Add a time, e.g. /quiz schedule {pack} "
                        "Jumat jam 19.00, or setiap Jumat jam 19.00 to repeat it."
                    ).format(title=chosen.title, pack=chosen.key)
                )
            starts, recurrence = next_in_slot(busiest, now, ctx.timezone), None
            when = moment_text(ctx.locale, starts, ctx.timezone)
        else:
            starts, recurrence = _read_time(ctx, when)
        where = ctx.channel
        if where.private:  # typed in a private chat for the community: it plays in its home
            found = await circles.home(self.services.store, community.id)
            if found is None:
                raise UserError(
                    ctx._(
                        "Type /quiz schedule in the channel where the quiz should be played, "
                        "or set the community's home there with /community home."
                    )
                )
            where = found
        schedule = await self.schedules.add(
            community_id=community.id,
            destination=where.key(),
            pack_key=chosen.key,
            pack_title=chosen.title,
            questions=DEFAULT_QUESTIONS,
            seconds=DEFAULT_SECONDS,
            starts_at=starts,
            recurrence=recurrence,
            said=" ".join(when.split()),
            created_by=ctx.member.id,
            now=ctx.clock.now(),
            once=ctx.once,  # one handled again after a crash finds the schedule it made
        )
        await plan(self.services.scheduler, schedule, ctx.clock.now(), ctx.timezone)
        date = moment_text(ctx.locale, schedule.starts_at, ctx.timezone)
        if schedule.rrule is not None:
            message = ctx._(
                "Scheduled #{id}: {title} starts here by itself {when}, the first time on "
                "{date}. /calendar shows it; /quiz schedule cancel {id} ends it."
            )
        else:
            message = ctx._(
                "Scheduled #{id}: {title} starts here by itself on {date}. /calendar shows it; "
                "/quiz schedule cancel {id} cancels it."
            )
        if busiest is not None:
            message = (
                ctx._("No time given: the members' busiest time of the last weeks.") + " " + message
            )
        return Reply.of(
            Text.format(message, id=schedule.id, title=chosen.title, when=schedule.said, date=date)
        )

    async def _schedule_list(self, ctx: Context, community_id: int) -> Reply:
        now = ctx.clock.now()
        lines = []
        for schedule in await self.schedules.active(community_id):
            following = next(schedule.times(now, ctx.timezone), None)
            if following is None:
                continue
            lines.append(
                Text.format(
                    ctx._("`#{id}` {title} — {when}; next: {date}"),
                    id=schedule.id,
                    title=schedule.pack_title,
                    when=schedule.said,
                    date=moment_text(ctx.locale, following, ctx.timezone),
                )
            )
        return Reply.of(
            Text.join(lines, "\n") or ctx._("No quiz is scheduled here. /quiz schedule adds one."),
            title=ctx._("Scheduled quizzes"),
        )

    async def _schedule_cancel(self, ctx: Context, community_id: int, number: str) -> Reply:
        wanted = number.strip().lstrip("#")
        if not wanted.isdigit():
            raise UserError(
                ctx._(
                    "Which scheduled quiz? Give its number, e.g. /quiz schedule cancel 2 "
                    "(/quiz schedule list shows them)."
                )
            )
        schedule = await self.schedules.get(int(wanted))
        if schedule is None or schedule.community_id != community_id or schedule.state != "active":
            raise UserError(
                ctx._(
                    "There is no scheduled quiz #{id} here. /quiz schedule list shows them."
                ).format(id=wanted[:12])
            )
        await self.schedules.cancel(schedule.id)
        await self.services.scheduler.cancel(f"quiz-schedule:{schedule.id}:")
        return Reply.of(
            ctx._("Cancelled the scheduled quiz #{id}: {title}.").format(
                id=schedule.id, title=schedule.pack_title
            )
        )

    @job(SCHEDULED)
    async def _scheduled_job(self, ctx: JobContext) -> None:
        schedule = await self.schedules.get(int(ctx.payload["schedule"]))
        if schedule is None or schedule.state != "active" or ctx.job is None:
            return
        origin = ctx.job.key
        t = await ctx.for_community(
            schedule.community_id, Destination.from_key(schedule.destination)
        )
        await plan(self.services.scheduler, schedule, self.services.clock.now(), t.timezone)
        quiz = await self.quizzes.started_from(origin)
        if quiz is None:
            quiz = await self._start_scheduled(t, schedule, origin)
        if quiz is not None and quiz.state == "running":
            await self._open_quiz(t, quiz)

    async def _start_scheduled(self, t: JobContext, schedule: Schedule, origin: str) -> Quiz | None:
        chosen = await self._pack(schedule.community_id, schedule.pack_key)
        where = Destination.from_key(schedule.destination)
        if chosen is None:
            log.warning("scheduled quiz %s: the pack %s is gone", schedule.id, schedule.pack_key)
            await t.send_once(
                f"{origin}:no-pack",
                Reply.of(
                    t._("The scheduled quiz {title} cannot start: its pack is gone.").format(
                        title=schedule.pack_title
                    )
                ),
            )
            return None
        quiz = await self._begin(
            schedule.community_id,
            where,
            chosen,
            schedule.questions,
            schedule.seconds,
            started_by=schedule.created_by,
            origin=origin,
        )
        if quiz is None:
            quiz = await self.quizzes.started_from(origin)
        if quiz is None:
            await t.send_once(
                f"{origin}:busy",
                Reply.of(
                    t._(
                        "A quiz is already running here, so the scheduled quiz {title} does not "
                        "start this time."
                    ).format(title=schedule.pack_title)
                ),
            )
        return quiz

    async def _plan_schedules(self, community_id: int | None = None) -> None:
        """Keep every active schedule's next occurrences scheduled (at start; idempotent)."""
        now = self.services.clock.now()
        for schedule in await self.schedules.active(community_id):
            t = await JobContext.start(self.services).for_community(schedule.community_id)
            await plan(self.services.scheduler, schedule, now, t.timezone)

    async def _replan_schedules(self, community_id: int) -> None:
        """The community's timezone changed: a series keeps its local time in the new zone."""
        for schedule in await self.schedules.active(community_id):
            if schedule.rrule is not None:
                await self.services.scheduler.cancel(f"quiz-schedule:{schedule.id}:")
        await self._plan_schedules(community_id)

    async def describe_jobs(
        self, ctx: JobContext, jobs: Sequence[Job], circle: tuple[int, ...]
    ) -> list[str | None]:
        """:meth:`describe_job` for a chunk of jobs, the scheduled quizzes read in one query."""
        wanted = {int(job.payload["schedule"]) for job in jobs if job.kind == SCHEDULED}
        schedules = await self.schedules.get_many(wanted)
        return [
            _scheduled_line(ctx, schedules.get(int(job.payload["schedule"])), circle)
            if job.kind == SCHEDULED
            else await self.describe_job(ctx, job, circle)
            for job in jobs
        ]

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """/calendar's line for a scheduled quiz and a season's planned end (question timers
        are not listed)."""
        if job.kind == SCHEDULED:
            schedule = await self.schedules.get(int(job.payload["schedule"]))
            return _scheduled_line(ctx, schedule, circle)
        if job.kind == SEASON_END:
            season = await self.quizzes.season(int(job.payload["season"]))
            if season is None or season.ended_at is not None or season.community_id not in circle:
                return None
            return ctx._("The quiz season {name} ends with its final standings, {where}").format(
                name=season.name,
                where=place_text(ctx._, Destination.from_key(season.destination)),
            )
        return None


def _scheduled_line(
    ctx: JobContext, schedule: Schedule | None, circle: tuple[int, ...]
) -> str | None:
    if schedule is None or schedule.state != "active" or schedule.community_id not in circle:
        return None
    line = ctx._("Quiz {title} starts by itself ({count} questions), {where}").format(
        title=schedule.pack_title,
        count=schedule.questions,
        where=place_text(ctx._, Destination.from_key(schedule.destination)),
    )
    if schedule.rrule is not None:
        line += "; " + ctx._("repeats: {when}").format(when=schedule.said)
    return line


def _read_time(ctx: Context, when: str) -> tuple[datetime, Recurrence | None]:
    return read_schedule(ctx, when, WHEN_EXAMPLES, RECURRENCE_ERRORS)
