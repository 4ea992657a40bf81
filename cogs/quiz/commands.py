"""Quiz competitions: moderators start timed quizzes from packs, members answer, seasons rank them.

The quiz moves on through the durable scheduler: each question's close is a job, and the close
posts the result and asks the next question. A restart loses nothing: answers are in SQLite, an
open question keeps its deadline, and a question whose time ran out while the bot was down is
closed at start (saying so) before the quiz carries on.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.api import community as circles
from bot.api.arguments import UsageError, UserError
from bot.api.commands import (
    N_,
    Option,
    Permission,
    attachment,
    choice,
    command,
    integer,
    text,
)
from bot.api.context import Context, Destination
from bot.api.dates import moment_text
from bot.api.files import Attachment
from bot.api.i18n import LANGUAGES
from bot.api.jobs import JobContext, job
from bot.api.labels import command_usage
from bot.api.replies import Choice, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.storage.scheduler import NotDelivered
from bot.time.clock import utc_text
from bot.time.when import parse_when
from cogs.quiz import cards
from cogs.quiz.cards import Translations
from cogs.quiz.game import (
    DEFAULT_QUESTIONS,
    DEFAULT_SECONDS,
    LETTERS,
    Asked,
    NoChoices,
    NotAChoice,
    draw,
    judge,
    points,
)
from cogs.quiz.insight import quiz_insight
from cogs.quiz.packs import MAX_PACK_BYTES, Pack, PackError, bundled_packs, describe, parse_pack
from cogs.quiz.scheduling import QuizScheduling
from cogs.quiz.settings import QuizSettings
from cogs.quiz.store import Home, Quiz, QuizStore, Recorded, Season, channel_key
from cogs.stats.public import PRESS, REPLY, VOTE, InsightWanted, Responded

log = logging.getLogger("pustaka.quiz")

ASKED_REMEMBERED = 64  # questions kept in memory for answers by button
_TAG = re.compile(r"#(\d{1,18})\s+(.+)", re.DOTALL)
ALL_TIME = ("all", "semua")


class Quizzes(QuizScheduling):
    name = "quiz"
    description = N_("Quizzes")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "action": N_("parameter:action"),
        "answer": N_("parameter:answer"),
        "name": N_("parameter:name"),
        "pack": N_("parameter:pack"),
        "questions": N_("parameter:questions"),
        "season": N_("parameter:season"),
        "seconds": N_("parameter:seconds"),
        "until": N_("parameter:until"),
        "when": N_("parameter:when"),
    }

    def __init__(self, services: Services, rng: random.Random | None = None) -> None:
        super().__init__(services)
        self.quizzes = QuizStore(services.store)
        self.rng = rng or random.Random()
        self.bundled = _load_bundled()
        self._running: dict[int, asyncio.Event] = {}
        self._asked: dict[int, tuple[Asked, Quiz]] = {}
        services.events.subscribe(InsightWanted, quiz_insight)

    async def on_timezone_changed(self, community_id: int) -> None:
        await self._replan_schedules(community_id)

    async def on_start(self) -> None:
        """Carry on the quizzes that were running when the bot stopped, and keep the scheduled
        ones' next times scheduled."""
        await self._plan_schedules()
        now = self.services.clock.now()
        for quiz in await self.quizzes.running():
            self._watch(quiz.id)
            current = await self.quizzes.current(quiz.id)
            if current is not None and current.is_open(now):
                continue  # its close job is still waiting for its deadline
            position = current.position if current else 0
            await self.services.scheduler.cancel(f"quiz:{quiz.id}:q{position}:")
            await self.services.scheduler.schedule(
                "quiz-close",
                f"quiz:{quiz.id}:q{position}:resume:{utc_text(now)}",
                now,
                {"quiz": quiz.id, "position": position, "late": True},
            )

    # Packs -------------------------------------------------------------------------------

    @command("quiz packs", N_("The quiz packs you can play here."), aliases=("kuis paket",))
    async def packs(self, ctx: Context) -> Reply:
        community = ctx.require_community()
        packs = await self._packs(community.id)
        lines = [
            Text.format(
                "`{key}` — **{title}** ({count}, {language})",
                key=pack.key,
                title=pack.title,
                count=ctx.ngettext(
                    "{count} question", "{count} questions", len(pack.questions)
                ).format(count=len(pack.questions)),
                language=ctx._(dict(LANGUAGES).get(pack.language, pack.language)),
            )
            for pack in packs
        ]
        choices = []
        if ctx.is_moderator:
            choices = [Choice(pack.title[:40], f"/quiz start {pack.key}") for pack in packs[:10]]
        return Reply.of(
            Text.join(lines, "\n") or ctx._("There are no quiz packs yet."),
            title=ctx._("Quiz packs"),
            choices=choices,
            footer=ctx._("A moderator starts one with {usage}.").format(
                usage=self._start_usage(ctx)
            ),
        )

    def _start_usage(self, ctx: Context) -> str:
        start = self.services.registry.find("quiz start")
        return command_usage(start, ctx._) if start else "/quiz start"

    @command(
        "quiz import",
        N_("Add this community's own quiz pack: send the .toml file with the command."),
        attachment(
            "pack",
            N_("The quiz pack, a .toml file (see README: Quiz packs)"),
            max_bytes=MAX_PACK_BYTES,
        ),
        permission=Permission.MODERATOR,
        aliases=("kuis impor",),
    )
    async def import_pack(self, ctx: Context, pack: Attachment) -> Reply:
        community = ctx.require_community()
        key = pack.name.rsplit(".", 1)[0].strip().lower()
        if key in self.bundled:
            raise UserError(
                ctx._(
                    "A bundled pack is already called {key}: rename the file and send it again."
                ).format(key=key)
            )
        data = await pack.read()
        try:
            parsed = parse_pack(data, key)
        except PackError as error:
            problems = "\n".join("• " + describe(problem, ctx._) for problem in error.problems)
            raise UserError(
                ctx._("{file} is not a valid quiz pack:").format(file=pack.name) + "\n" + problems
            ) from None
        new = await self.quizzes.save_pack(
            community.id,
            parsed.key,
            parsed.title,
            data.decode("utf-8-sig"),
            ctx.clock.now(),
            once=ctx.once,
        )
        done = (
            ctx._("Added **{title}** ({count}). Start it with `/quiz start {key}`.")
            if new
            else ctx._("Replaced **{title}** ({count}). Start it with `/quiz start {key}`.")
        )
        count = ctx.ngettext("{count} question", "{count} questions", len(parsed.questions))
        return Reply.of(
            Text.format(
                done,
                title=parsed.title,
                count=count.format(count=len(parsed.questions)),
                key=parsed.key,
            )
        )

    @command(
        "quiz disable",
        N_("Switch a quiz pack off here: not listed, started or scheduled until switched on."),
        text("pack", N_("The pack's key (see /quiz packs)"), max_length=60),
        permission=Permission.MODERATOR,
        aliases=("kuis matikan",),
    )
    async def disable_pack(self, ctx: Context, pack: str) -> Reply:
        return await self._switch(ctx, pack, on=False)

    @command(
        "quiz enable",
        N_("Switch a quiz pack on again here."),
        text("pack", N_("The pack's key (see /quiz packs)"), max_length=60),
        permission=Permission.MODERATOR,
        aliases=("kuis nyalakan",),
    )
    async def enable_pack(self, ctx: Context, pack: str) -> Reply:
        return await self._switch(ctx, pack, on=True)

    async def _switch(self, ctx: Context, pack: str, *, on: bool) -> Reply:
        community = ctx.require_community()
        wanted = pack.strip().casefold()
        every = await self._packs(community.id, switched_off=True)
        found = next((p for p in every if p.key.casefold() == wanted), None)
        if found is None:
            raise UserError(
                ctx._("There is no quiz pack {key}. /quiz packs lists them.").format(
                    key=pack.strip()[:60]
                )
            )
        changed = await self.quizzes.switch_pack(community.id, found.key, on=on)
        if on:
            message = (
                ctx._("**{title}** is on again: /quiz start {key} plays it.")
                if changed
                else ctx._("**{title}** is already on.")
            )
        else:
            message = (
                ctx._("**{title}** is off here; /quiz enable {key} switches it on again.")
                if changed
                else ctx._("**{title}** is already off.")
            )
        return Reply.of(Text.format(message, title=found.title, key=found.key))

    @command(
        "quiz remove",
        N_("Remove a quiz pack this community imported (the bundled ones stay)."),
        text(
            "pack", N_("The pack's key (see /quiz packs)"), max_length=60, autocomplete="pack_keys"
        ),
        permission=Permission.MODERATOR,
        aliases=("kuis hapus",),
    )
    async def remove_pack(self, ctx: Context, pack: str) -> Reply:
        community = ctx.require_community()
        key = pack.strip().lower()
        title = await self.quizzes.remove_pack(community.id, key)
        if title is None:
            if key in self.bundled:
                raise UserError(
                    ctx._("{key} is a bundled pack: it cannot be removed.").format(key=key)
                )
            raise UserError(
                ctx._("This community has no imported pack {key}. /quiz packs lists them.").format(
                    key=key[:60]
                )
            )
        return Reply.of(Text.format(ctx._("Removed **{title}**."), title=title))

    async def pack_keys(self, ctx: Context, current: str) -> list[Option]:
        """Autocomplete for /quiz start: the packs of this community that match."""
        if ctx.community is None:
            return []
        wanted = current.casefold()
        return [
            Option(pack.key, f"{pack.title} ({pack.key})"[:100])
            for pack in await self._packs(ctx.community.id)
            if wanted in pack.key.casefold() or wanted in pack.title.casefold()
        ]

    # A quiz ------------------------------------------------------------------------------

    @command(
        "quiz start",
        N_("Start a quiz in this channel."),
        text(
            "pack",
            N_("The pack to play (see /quiz packs)"),
            max_length=60,
            autocomplete="pack_keys",
        ),
        integer(
            "questions",
            N_("How many questions"),
            required=False,
            default=DEFAULT_QUESTIONS,
            min_value=1,
            max_value=50,
        ),
        integer(
            "seconds",
            N_("Seconds for each question"),
            required=False,
            default=DEFAULT_SECONDS,
            min_value=5,
            max_value=300,
        ),
        permission=Permission.MODERATOR,
        aliases=("kuis mulai",),
    )
    async def start(
        self,
        ctx: Context,
        pack: str,
        questions: int = DEFAULT_QUESTIONS,
        seconds: int = DEFAULT_SECONDS,
    ) -> Reply:
        community = ctx.require_community()
        chosen = await self._pack(community.id, pack)
        if chosen is None:
            raise UserError(
                ctx._("There is no quiz pack “{pack}”. /quiz packs lists them.").format(
                    pack=pack[:60]
                )
            )
        # The quiz's origin, as a scheduled occurrence's job key is, kept once per update: one
        # handled again after a crash finds the quiz it started and posts only what did not go
        # out. (Not the update's id itself: Telegram may give an old id to a new update.)
        origin: str = await ctx.once("origin", lambda _: f"command:{secrets.token_hex(8)}")
        quiz = await self.quizzes.started_from(origin)
        if quiz is None:
            quiz = await self._begin(
                community.id,
                ctx.channel,
                chosen,
                questions,
                seconds,
                started_by=ctx.member.id,
                origin=origin,
            )
        if quiz is None:
            raise UserError(ctx._("A quiz is already running here. /quiz stop ends it."))
        if quiz.state == "running":
            # Posted in the channel rather than answered: a Telegram moderator may have
            # started the quiz from a private chat with the bot.
            await self._open_quiz(await self._speaker(community.id, ctx.channel), quiz)
        return _private(ctx._("The quiz has started."))

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
        """Create a quiz in `where`; None when one is already running there (or `origin`, a
        scheduled occurrence or a /quiz start, already started one)."""
        now = self.services.clock.now()
        circle = await circles.circle(self.services.store, community_id)
        season = await self.quizzes.current_season(circle, now)
        telegram_poll = self.services.config.section(QuizSettings).telegram_answers == "poll"
        homes = [
            Home(member, home.key(), _channel(home), self._mode(home, telegram_poll))
            for member, home in await self._circle_homes(community_id, where)
        ]
        quiz_id = await self.quizzes.create(
            community_id=community_id,
            season_id=season.id if season else None,
            destination=where.key(),
            channel=_channel(where),
            pack_key=chosen.key,
            pack_title=chosen.title,
            seconds=seconds,
            mode=self._mode(where, telegram_poll),
            started_by=started_by,
            now=now,
            questions=draw(chosen, questions or DEFAULT_QUESTIONS, self.rng),
            origin=origin,
            homes=homes,
        )
        return await self.quizzes.get(quiz_id) if quiz_id is not None else None

    def _mode(self, where: Destination, telegram_poll: bool) -> str:
        polls = self.services.messenger.capabilities(where).quiz_polls
        return "poll" if polls and telegram_poll else "buttons"

    async def _circle_homes(
        self, community_id: int, where: Destination
    ) -> list[tuple[int, Destination]]:
        """The other homes of a linked community, when the quiz starts in its own home: the
        quiz is then played in all of them at once. Elsewhere (another channel) only there."""
        store = self.services.store
        own = await circles.home(store, community_id)
        if own is None or _channel(own) != _channel(where):
            return []
        found = []
        for member in (await circles.circle(store, community_id))[1:]:
            home = await circles.home(store, member)
            if home is not None:
                found.append((member, home))
        return found

    async def _to_other_homes(
        self, quiz: Quiz, key: str, make: Callable[[Translations, Quiz], Sequence[Reply]]
    ) -> None:
        """Post to the quiz's other homes, each in its community's language and in the mode it
        is asked in there. A home that does not take it (its platform down) is left behind
        with a log line; it never holds the quiz up for the others."""
        for home in await self.quizzes.other_homes(quiz):
            t = await self._speaker(home.community_id, Destination.from_key(home.destination))
            try:
                await t.send_once(
                    f"{key}@{home.channel}", *make(t.translations, replace(quiz, mode=home.mode))
                )
            except NotDelivered as refused:
                log.warning(
                    "quiz %s: %s not posted in %s (%s)", quiz.id, key, home.channel, refused
                )

    async def _open_quiz(self, t: JobContext, quiz: Quiz) -> None:
        """Ask the first question with the quiz's announcement, once (a run again after a crash
        keeps the question's times and does not post it twice)."""
        first = await self._ask(quiz, 1)
        assert first is not None
        self._watch(quiz.id)
        season = await self.quizzes.season(quiz.season_id) if quiz.season_id else None
        season_name = season.name if season else None
        await t.send_once(
            f"quiz:{quiz.id}:q1:ask",
            cards.announcement(t.translations, quiz, season_name),
            cards.question(t.translations, quiz, first),
        )
        await self._to_other_homes(
            quiz,
            f"quiz:{quiz.id}:q1:ask",
            lambda t, quiz: [
                cards.announcement(t, quiz, season_name),
                cards.question(t, quiz, first),
            ],
        )

    @command(
        "quiz stop",
        N_("Stop the quiz running in this channel and show the standings."),
        permission=Permission.MODERATOR,
        aliases=("kuis berhenti",),
    )
    async def stop(self, ctx: Context) -> Reply:
        ctx.require_community()
        quiz = await self.quizzes.running_in(_channel(ctx.channel))
        if quiz is None:
            raise UserError(ctx._("No quiz is running here."))
        if not await self._end(quiz, "stopped"):
            raise UserError(ctx._("No quiz is running here."))
        self._release(quiz.id)
        scores = await self.quizzes.quiz_scores(quiz.id)
        await self._to_other_homes(
            quiz,
            f"quiz:{quiz.id}:standings",
            lambda t, quiz: [cards.standings(t, quiz, scores, stopped=True)],
        )
        return cards.standings(ctx.translations, quiz, scores, stopped=True)

    @command(
        "answer",
        N_("Answer the quiz question: a letter, a number or the answer itself."),
        text("answer", N_("Your answer"), rest=True, max_length=200),
        aliases=("jawab", "jwb"),
        private=True,
    )
    async def answer(self, ctx: Context, answer: str) -> list[Reply]:
        ctx.require_community()
        now = ctx.clock.now()
        tagged = _TAG.fullmatch(answer.strip())
        if tagged:
            asked, quiz = await self._asked_by_id(int(tagged[1]))
            if asked is None or quiz is None or quiz.community_id not in ctx.circle:
                return [_private(ctx._("That quiz question is not from here."))]
            answer = tagged[2]
        else:
            quiz = await self.quizzes.running_in(_channel(ctx.channel))
            asked = await self.quizzes.current(quiz.id) if quiz else None
            if quiz is None or asked is None:
                return [_private(ctx._("No quiz is running here."))]
        # A vote in Telegram's quiz poll: the poll itself shows the member their answer.
        silent = tagged is not None and quiz.mode == "poll"
        if not asked.is_open(now):
            return [] if silent else [self._too_late(ctx, asked)]
        try:
            judged = judge(asked, answer)
        except NotAChoice:
            letters = f"{LETTERS[0]}–{LETTERS[len(asked.choices) - 1]}"
            return [
                _private(
                    ctx._(
                        "Question {number} has the choices {letters}: answer with one of "
                        "them, or with the answer itself."
                    ).format(number=asked.position, letters=letters)
                )
            ]
        except NoChoices:
            return [
                _private(
                    ctx._(
                        "Question {number} has no choices: type the answer itself after /answer."
                    ).format(number=asked.position)
                )
            ]
        assert asked.closes_at is not None
        left = (asked.closes_at - now).total_seconds()
        recorded = await self.quizzes.record(
            asked.id,
            ctx.member.id,
            judged.answer,
            judged.correct,
            points(judged.correct, left, quiz.seconds),
            now,
        )
        if recorded is Recorded.RECORDED:
            # a poll's vote, a button's press, or the answer typed in the channel
            kind = (VOTE if quiz.mode == "poll" else PRESS) if tagged else REPLY
            post = f"{quiz.pack_title} #{quiz.id}"
            await self.services.events.publish(Responded(ctx, post, kind, quiz.pack_title))
        if silent:
            return []
        if recorded is Recorded.DUPLICATE:
            return [
                _private(
                    ctx._(
                        "You have already answered question {number}; your first answer counts."
                    ).format(number=asked.position)
                )
            ]
        if recorded is Recorded.LATE:
            return [self._too_late(ctx, asked)]
        seconds = max(1, math.ceil(left))
        return [
            _private(
                ctx.ngettext(
                    "Your answer to question {number} is in: {answer}. {seconds} second left.",
                    "Your answer to question {number} is in: {answer}. {seconds} seconds left.",
                    seconds,
                ).format(number=asked.position, answer=judged.answer, seconds=seconds)
            )
        ]

    async def _asked_by_id(self, question_id: int) -> tuple[Asked | None, Quiz | None]:
        """A question and its quiz, remembered once asked: in a burst of button presses every
        answer then costs the database one statement, the INSERT that also checks the deadline.
        What is remembered never changes once a question is asked (a stop or a close is seen by
        that INSERT), so the database stays the only judge."""
        known = self._asked.get(question_id)
        if known is not None:
            return known
        asked = await self.quizzes.question_by_id(question_id)
        quiz = await self.quizzes.get(asked.quiz_id) if asked else None
        if asked is not None and quiz is not None and asked.opened_at is not None:
            if len(self._asked) >= ASKED_REMEMBERED:
                self._asked.pop(next(iter(self._asked)))
            self._asked[question_id] = (asked, quiz)
        return asked, quiz

    # Seasons and leaderboards ------------------------------------------------------------

    @command(
        "quiz season",
        N_("Start or end a quiz season: its own leaderboard, besides the all-time one."),
        choice(
            "action",
            N_("start or end"),
            [("start", N_("start")), ("end", N_("end"))],
            synonyms={
                "start": ("mulai", "buka", "begin", "open"),
                "end": ("selesai", "akhiri", "tutup", "stop", "finish", "close"),
            },
        ),
        text("name", N_("The season's name (to start one)"), required=False, max_length=60),
        text(
            "until",
            N_("When it ends by itself, e.g. 2026-06-30 23:59 (optional)"),
            required=False,
            rest=True,
            time=True,
            max_length=100,
        ),
        permission=Permission.MODERATOR,
        aliases=("kuis musim",),
    )
    async def season(
        self, ctx: Context, action: str, name: str | None = None, until: str | None = None
    ) -> Reply:
        community = ctx.require_community()
        now = ctx.clock.now()
        current = await self.quizzes.current_season(ctx.circle, now)
        if action == "end":
            if current is None:
                raise UserError(ctx._("No quiz season is on."))
            await self.quizzes.end_season(current.id, now)
            await self.services.scheduler.cancel(f"quiz-season:{current.id}:")
            return await self._season_board(ctx.translations, community.id, current)
        if not name:
            raise UsageError(ctx._("Missing {name}.").format(name="name"))
        ends = None
        if until:
            ends = parse_when(until, now, ctx.timezone)
            if ends is None:
                raise UserError(
                    ctx._(
                        "I can't read “{when}” as a date. Try for example: 2026-06-30 23:59."
                    ).format(when=until[:60])
                )
            if ends <= now:
                raise UserError(ctx._("{date} has already passed.").format(date=_date(ctx, ends)))
        # Once per /quiz season start: one handled again after a crash finds its season.
        season_id, on = await self.quizzes.start_season(
            community.id, ctx.circle, name, ctx.channel.key(), now, ends, once=ctx.once
        )
        if on is not None:
            raise UserError(
                ctx._("The season {name} is still on: end it first with /quiz season end.").format(
                    name=on
                )
            )
        started = await self.quizzes.season(season_id) if season_id is not None else None
        if started is None:
            raise UserError(
                ctx._("There was already a season called {name}; choose another name.").format(
                    name=name
                )
            )
        if started.ends_at is not None:
            await self.services.scheduler.schedule(
                "quiz-season-end",
                f"quiz-season:{started.id}:end",
                started.ends_at,
                {"season": started.id},
            )
            message = ctx._("The quiz season {name} has begun; it ends on {date}.").format(
                name=started.name, date=_date(ctx, started.ends_at)
            )
        else:
            message = ctx._("The quiz season {name} has begun.").format(name=started.name)
        return Reply.of(
            message + " " + ctx._("Quizzes started from now on count for it: /quiz leaderboard.")
        )

    @command(
        "quiz leaderboard",
        N_("The leaderboard of the current season, of another season, or of all time."),
        text(
            "season",
            N_("A season's name, or “all” for all time"),
            required=False,
            max_length=60,
            autocomplete="season_choices",
        ),
        aliases=("kuis klasemen",),
    )
    async def leaderboard(self, ctx: Context, season: str | None = None) -> list[Reply]:
        ctx.require_community()
        now = ctx.clock.now()
        chosen: Season | None = None
        if season and season.casefold() not in (*ALL_TIME, ctx._("all").casefold()):
            chosen = await self.quizzes.season_named(ctx.circle, season)
            if chosen is None:
                names = await self.quizzes.season_names(ctx.circle)
                raise UserError(
                    ctx._("There is no season called “{name}”. Seasons: {names}.").format(
                        name=season[:60], names=", ".join(names) or "—"
                    )
                )
        elif not season:
            chosen = await self.quizzes.current_season(ctx.circle, now)
        scores = await self.quizzes.scores(ctx.circle, chosen.id if chosen else None)
        if chosen is None:
            title = ctx._("Quiz leaderboard: all time")
        else:
            title = ctx._("Quiz leaderboard: {season}").format(season=chosen.name)
        body = cards.board_lines(ctx.translations, scores) or ctx._("No points yet.")
        board = Reply.of(body, title=title)
        return [board, cards.own_rank(ctx.translations, scores, ctx.member.id)]

    async def season_choices(self, ctx: Context, current: str) -> list[Option]:
        if ctx.community is None:
            return []
        names = await self.quizzes.season_names(ctx.circle)
        return [Option(n, n) for n in names if current.casefold() in n.casefold()]

    # The quiz moving on ------------------------------------------------------------------

    async def _ask(self, quiz: Quiz, position: int) -> Asked | None:
        """Open a question (keeping its times if it was already open) and schedule its close."""
        waiting = await self.quizzes.question(quiz.id, position)
        if waiting is None:
            return None
        now = self.services.clock.now()
        asked = await self.quizzes.open(waiting.id, now, now + timedelta(seconds=quiz.seconds))
        assert asked.closes_at is not None
        await self.services.scheduler.schedule(
            "quiz-close",
            f"quiz:{quiz.id}:q{position}:close",
            asked.closes_at,
            {"quiz": quiz.id, "position": position},
        )
        return asked

    @job("quiz-close")
    async def _close_job(self, ctx: JobContext) -> None:
        """Close a question: post its result, then the next question or the standings.

        Each message goes out once (:meth:`JobContext.send_once`); one the platform did not take
        (not running yet at start, or refusing) makes the job run again, and what was already
        posted is not repeated."""
        quiz = await self.quizzes.get(int(ctx.payload["quiz"]))
        if quiz is None or quiz.state != "running":
            return
        ctx = await ctx.for_community(quiz.community_id, Destination.from_key(quiz.destination))
        t = ctx.translations
        position = int(ctx.payload["position"])
        asked = await self.quizzes.question(quiz.id, position)
        if asked is not None and await self._never_shown(quiz, asked):
            await self._ask_again(ctx, quiz, asked)
            return
        if asked is not None:
            await self.quizzes.close(asked.id, self.services.clock.now())
            right = await self.quizzes.right(asked.id)
            answered = await self.quizzes.answer_count(asked.id)
            late = bool(ctx.payload.get("late"))
            await ctx.send_once(
                f"quiz:{quiz.id}:q{position}:result",
                cards.result(t, quiz, asked, right, answered, late=late),
            )
            await self._to_other_homes(
                quiz,
                f"quiz:{quiz.id}:q{position}:result",
                lambda t, quiz: [cards.result(t, quiz, asked, right, answered, late=late)],
            )
        quiz = await self.quizzes.get(quiz.id)
        if quiz is None or quiz.state != "running":
            return
        following = await self._ask(quiz, position + 1)
        if following is None:
            scores = await self.quizzes.quiz_scores(quiz.id)
            await ctx.send_once(
                f"quiz:{quiz.id}:standings", cards.standings(t, quiz, scores, stopped=False)
            )
            await self._to_other_homes(
                quiz,
                f"quiz:{quiz.id}:standings",
                lambda t, quiz: [cards.standings(t, quiz, scores, stopped=False)],
            )
            await self._end(quiz, "finished")
            self._release(quiz.id)
            return
        await ctx.send_once(
            f"quiz:{quiz.id}:q{position + 1}:ask", cards.question(t, quiz, following)
        )
        await self._to_other_homes(
            quiz,
            f"quiz:{quiz.id}:q{position + 1}:ask",
            lambda t, quiz: [cards.question(t, quiz, following)],
        )

    async def _never_shown(self, quiz: Quiz, asked: Asked) -> bool:
        """An open question whose message the platform never took (it dropped while the
        previous question's job was posting): it must not close unseen."""
        key = f"quiz:{quiz.id}:q{asked.position}:ask"
        return asked.closed_at is None and not await self.services.scheduler.was_sent(key)

    async def _ask_again(self, ctx: JobContext, quiz: Quiz, asked: Asked) -> None:
        """Ask a question that never reached the channel, with its whole time from now."""
        now = self.services.clock.now()
        closes = now + timedelta(seconds=quiz.seconds)
        asked = await self.quizzes.open(asked.id, now, closes, again=True)
        await ctx.send_once(
            f"quiz:{quiz.id}:q{asked.position}:ask",
            cards.question(ctx.translations, quiz, asked),
        )
        await self._to_other_homes(
            quiz,
            f"quiz:{quiz.id}:q{asked.position}:ask",
            lambda t, quiz: [cards.question(t, quiz, asked)],
        )
        await self.services.scheduler.schedule(
            "quiz-close",
            f"quiz:{quiz.id}:q{asked.position}:close:{utc_text(closes)}",
            closes,
            {"quiz": quiz.id, "position": asked.position},
        )

    async def _end(self, quiz: Quiz, state: str) -> bool:
        """Finish or stop the quiz once; its pending closes are cancelled."""
        if not await self.quizzes.end(quiz.id, state, self.services.clock.now()):
            return False
        await self.services.scheduler.cancel(f"quiz:{quiz.id}:")
        return True

    def _release(self, quiz_id: int) -> None:
        """The quiz is over and its last message posted: background work may end."""
        if event := self._running.pop(quiz_id, None):
            event.set()

    @job("quiz-season-end")
    async def _season_end_job(self, ctx: JobContext) -> None:
        season = await self.quizzes.season(int(ctx.payload["season"]))
        if season is None or ctx.job is None:
            return
        await self.quizzes.end_season(season.id, self.services.clock.now())
        ctx = await ctx.for_community(season.community_id, Destination.from_key(season.destination))
        await ctx.send_once(
            f"{ctx.job.key}:board",
            await self._season_board(ctx.translations, season.community_id, season),
        )

    async def _season_board(self, t: Translations, community_id: int, season: Season) -> Reply:
        scores = await self.quizzes.scores(
            await circles.circle(self.services.store, community_id), season.id
        )
        body = cards.board_lines(t, scores) or t.gettext("No points yet.")
        title = t.gettext("The quiz season {name} has ended: final standings").format(
            name=season.name
        )
        return Reply.of(body, title=title)

    def _watch(self, quiz_id: int) -> None:
        """Background work lasts as long as the quiz, so a piped console chat plays it to the
        end before it exits (the quiz's state itself lives in the database)."""
        if quiz_id not in self._running:
            event = self._running[quiz_id] = asyncio.Event()
            self.services.tasks.spawn(event.wait(), name=f"quiz {quiz_id}")

    async def _speaker(self, community_id: int, where: Destination) -> JobContext:
        """The quiz speaks in the channel in the community's language, as its jobs do."""
        return await JobContext.start(self.services).for_community(community_id, where)

    # Packs -------------------------------------------------------------------------------

    async def _packs(self, community_id: int, *, switched_off: bool = False) -> list[Pack]:
        """This community's own packs, then the bundled ones; those it switched off only with
        `switched_off`."""
        own = []
        for key, source in await self.quizzes.pack_sources(community_id):
            try:
                own.append(parse_pack(source.encode("utf-8"), key))
            except PackError:
                log.warning("the stored quiz pack %s no longer validates; skipped", key)
        taken = {pack.key for pack in own}
        every = own + [pack for key, pack in self.bundled.items() if key not in taken]
        if switched_off:
            return every
        off = await self.quizzes.packs_off(community_id)
        return [pack for pack in every if pack.key not in off]

    async def _pack(self, community_id: int, key: str) -> Pack | None:
        wanted = key.strip().casefold()
        for pack in await self._packs(community_id):
            if pack.key.casefold() == wanted:
                return pack
        return None

    def _too_late(self, ctx: Context, asked: Asked) -> Reply:
        return _private(
            ctx._("Sorry, question {number} has closed: answers are no longer taken.").format(
                number=asked.position
            )
        )


def _load_bundled() -> dict[str, Pack]:
    try:
        return {pack.key: pack for pack in bundled_packs()}
    except PackError:
        log.exception("a bundled quiz pack does not validate; no bundled packs")
        return {}


def _channel(where: Destination) -> str:
    return channel_key(where.platform, where.channel_id, where.thread_id)


def _private(message: str) -> Reply:
    return Reply.of(message, private=True)


def _date(ctx: Context, moment: datetime) -> str:
    return moment_text(ctx.locale, moment, ctx.timezone)
