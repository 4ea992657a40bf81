"""`/remind …`: a member's own reminders, and whether they want private event reminders.

`/remind me <when> <text>` keeps a note in SQLite and a job in the durable scheduler; at its time
it is delivered privately, once (the scheduler's sent keys guard against a repeat after a crash).
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.api import identity
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, command, integer, text
from bot.api.context import Context
from bot.api.jobs import JobContext, job
from bot.api.replies import Reply
from bot.api.text import Text
from bot.time.clock import utc_text
from bot.time.when import NUMBER_WORDS, parse_when
from cogs.events.formatting import date_text

JOB = "personal-reminder"
LIST_LIMIT = 20
PENDING_LIMIT = 50  # per member
_TIME_WORD = re.compile(
    r"^(?:\d[\d.:/-]*(?:am|pm)?|am|pm|a\.m\.|p\.m\.|jam|pukul|pkl\.?|at|on|hari|ini|besok|lusa"
    r"|nanti|depan|berikutnya|next|this|today|tomorrow|tonight|pagi|siang|sore|malam|wib|wita"
    r"|wit|tanggal|tgl|minggu|pekan|week|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|ahad"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|januari|februari|maret|april"
    r"|mei|juni|juli|agustus|september|oktober|november|desember|january|february|march|may"
    r"|june|july|august|october|december|jan|feb|mar|apr|jun|jul|agu|aug|sep|okt|oct|nov|des"
    r"|dec|noon|midnight|midday|tengah|dalam|in|lagi|later|from|now|an|menit|mnt|minutes?|mins?"
    r"|hours?|days?|weeks?|sejam|sehari|seminggu|sepekan|setengah|" + "|".join(NUMBER_WORDS) + r")$"
)
_LEAD = re.compile(r"^(?:untuk|to|bahwa|that|:|-|—)\s+", re.IGNORECASE)


def splits(words: str) -> list[tuple[str, str]]:
    """Every way to read `words` as a time then a note, the longest time first: ``besok jam 8
    kembalikan buku`` → (``besok jam 8``, ``kembalikan buku``), (``besok jam``, ``8 …``), …"""
    tokens = words.split()
    count = 0
    while count < len(tokens) - 1 and _TIME_WORD.match(tokens[count].casefold().rstrip(",:")):
        count += 1
    found = []
    for length in range(count, 0, -1):
        note = _LEAD.sub("", " ".join(tokens[length:]).lstrip(":,- ")).strip()
        found.append((" ".join(tokens[:length]), note))
    return found or [("", _LEAD.sub("", words.lstrip(":,- ")).strip())]


class PersonalReminders(Feature):
    """Mixed into the events feature: the `/remind` commands."""

    @command(
        "remind me",
        N_("Remind yourself of something, privately, at a time you choose."),
        text("when", N_('When, e.g. "besok jam 8" or "next friday 7pm"'), time=True),
        text("text", N_("What to remind you of"), rest=True, max_length=500),
        private=True,
        aliases=("remind", "remind saya", "ingatkan", "ingatkan saya", "ingatkan aku"),
    )
    async def remind_me(self, ctx: Context, when: str, text: str) -> Reply:
        due, text = _due_and_note(ctx, when, text)
        if due is None or not text:
            raise UserError(
                ctx._(
                    "I can't tell when to remind you. Write the time first, then the note, "
                    "e.g. /remind me besok jam 8 kembalikan buku."
                )
            )
        if due <= ctx.clock.now():
            raise UserError(
                ctx._("{date} has already passed. Give a time in the future.").format(
                    date=date_text(ctx.locale, due, ctx.timezone)
                )
            )
        pending = await ctx.store.fetchval(
            "SELECT count(*) FROM personal_reminders WHERE member_id = ? AND state = 'pending'",
            (ctx.member.id,),
        )
        if pending >= PENDING_LIMIT:
            raise UserError(
                ctx._("You have {count} reminders waiting already; cancel one first.").format(
                    count=pending
                )
            )
        values = (
            ctx.member.id,
            ctx.community.id if ctx.community else None,
            text,
            utc_text(due),
            utc_text(ctx.clock.now()),
        )
        # Once per /remind me sent: one handled again after a crash finds its reminder.
        reminder_id: int = await ctx.once(
            "reminder",
            lambda db: db.fetchval(
                "INSERT INTO personal_reminders"
                " (member_id, community_id, text, due_at, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                values,
            ),
        )
        await self.services.scheduler.schedule(
            JOB, f"remind:{reminder_id}:due", due, {"reminder": reminder_id}
        )
        return Reply.of(
            Text.format(
                ctx._("I'll remind you on **{date}**: {text} (#{id})"),
                date=date_text(ctx.locale, due, ctx.timezone),
                text=text,
                id=reminder_id,
            )
        )

    @command(
        "remind list",
        N_("Your reminders still to come."),
        private=True,
        aliases=("ingatkan daftar",),
    )
    async def remind_list(self, ctx: Context) -> Reply:
        rows = await ctx.store.fetchall(
            "SELECT id, text, due_at FROM personal_reminders WHERE member_id = ?"
            " AND state = 'pending' ORDER BY due_at, id LIMIT ?",
            (ctx.member.id, LIST_LIMIT),
        )
        if not rows:
            return Reply.of(ctx._("You have no reminders waiting. Add one with /remind me."))
        lines = [
            Text.format(
                "#{id} **{date}** — {text}",
                id=row[0],
                date=date_text(ctx.locale, datetime.fromisoformat(row[2]), ctx.timezone),
                text=row[1],
            )
            for row in rows
        ]
        return Reply.of(Text.join(lines, "\n"), title=ctx._("Your reminders"))

    @command(
        "remind cancel",
        N_("Cancel one of your reminders."),
        integer("id", N_("The reminder's number (see /remind list)"), min_value=1),
        private=True,
        aliases=("ingatkan batal",),
    )
    async def remind_cancel(self, ctx: Context, id: int) -> Reply:
        cancelled = await ctx.store.fetchval(
            "UPDATE personal_reminders SET state = 'cancelled'"
            " WHERE id = ? AND member_id = ? AND state = 'pending' RETURNING text",
            (id, ctx.member.id),
        )
        if cancelled is None:
            raise UserError(
                ctx._("You have no reminder #{id} waiting. See /remind list.").format(id=id)
            )
        await self.services.scheduler.cancel(f"remind:{id}:")
        return Reply.of(ctx._("Cancelled: {text}").format(text=cancelled))

    @command(
        "remind on",
        N_("Get private reminders of events you go to."),
        private=True,
        aliases=("ingatkan nyala",),
    )
    async def remind_on(self, ctx: Context) -> Reply:
        await ctx.store.execute(
            "DELETE FROM reminder_optouts WHERE member_id = ?", (ctx.member.id,)
        )
        return Reply.of(ctx._("You will get private reminders of events you go to."))

    @command(
        "remind off",
        N_("Stop private reminders of events you go to."),
        private=True,
        aliases=("ingatkan mati",),
    )
    async def remind_off(self, ctx: Context) -> Reply:
        await ctx.store.execute(
            "INSERT OR IGNORE INTO reminder_optouts (member_id) VALUES (?)", (ctx.member.id,)
        )
        return Reply.of(ctx._("You will get no private reminders."))

    @job(JOB)
    async def _personal_job(self, ctx: JobContext) -> None:
        store = self.services.store
        row = await store.fetchone(
            "SELECT r.text, r.state, r.community_id, m.id, m.platform, m.platform_id,"
            " m.display_name, m.locale, m.platform_locale"
            " FROM personal_reminders r JOIN members m ON m.id = r.member_id WHERE r.id = ?",
            (ctx.payload["reminder"],),
        )
        if row is None or row[1] != "pending" or ctx.job is None:
            return
        ctx = await ctx.for_member(identity.Member(*row[3:]), row[2])
        await ctx.send_once(
            f"{ctx.job.key}:sent", Reply.of(row[0], title=ctx._("Reminder"), private=True)
        )
        await store.execute(
            "UPDATE personal_reminders SET state = 'sent' WHERE id = ?",
            (ctx.payload["reminder"],),
        )


def _due_and_note(ctx: Context, when: str, text: str) -> tuple[datetime | None, str]:
    """An unquoted time arrives as one word with the rest in `text`: the time is then the
    longest run of time words that reads as a time."""
    if " " in when.strip():
        return parse_when(when, ctx.clock.now(), ctx.timezone), text
    for words, note in splits(f"{when} {text}"):
        if words and (due := parse_when(words, ctx.clock.now(), ctx.timezone)):
            return due, note
    return None, text
