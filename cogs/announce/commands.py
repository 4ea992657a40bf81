"""/announce: a moderator writes an announcement, sees a preview, and posts it to every home of
the community now, at a time, or repeating; later edits or deletes it everywhere at once.

An announcement is a row (cogs/announce/store.py) that starts as a draft. Posting goes home by
home (cogs/announce/delivery.py): each home's message is sent once for its key, whatever
restarts happen, and its platform ids are kept for /announce edit and delete. A scheduled one is
a job in the durable scheduler, keyed by the announcement's revision and the occurrence (a new
time is a new revision, and a job of an older revision does nothing); a repeating one keeps its
next two occurrences planned, topped up when one runs and at every start, so cancelling one in
/calendar skips only that time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.api import dates, identity
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, attachment, choice, command, integer, text
from bot.api.context import Context
from bot.api.files import Attachment
from bot.api.jobs import JobContext, job
from bot.api.moments import every
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.storage.scheduler import Job
from cogs.announce import delivery
from cogs.announce.delivery import Delivery
from cogs.announce.markup import read_markup
from cogs.announce.store import ONCE, OPEN, Announcement, Announcements
from cogs.announce.timing import EXAMPLES, read_timing

POST = "announce.post"
RETRY = "announce.retry"
AHEAD = 2  # occurrences of a repeating one kept planned: cancelling one in /calendar skips it
TEXT_LIMIT = 4000  # characters a moderator may type; each platform's own limit is checked too
IMAGE_LIMIT = 5_000_000  # bytes: both Telegram and Discord take a picture this large from a bot
IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF"}
IMAGE_KINDS |= {b"GIF89a": "GIF"}
ROLE = re.compile(r"^(?:<@&)?(\d{15,22})>?$")
EVERYONE = {"everyone": "everyone", "@everyone": "everyone", "semua": "everyone"}
EVERYONE |= {"here": "here", "@here": "here"}
NOBODY = ("none", "off", "no", "tidak", "hapus", "tanpa")
YES = ("yes", "ya", "y", "iya", "confirm")
STATE_NAMES = {
    "draft": N_("draft"),
    "scheduled": N_("scheduled"),
    "posted": N_("posted"),
    "cancelled": N_("cancelled"),
    "deleted": N_("deleted"),
}

ID = integer("id", N_("The announcement's number"), min_value=1)


class AnnounceFeature(Feature):
    name = "announce"
    description = N_("Announcements")
    labels = {
        "text": N_("parameter:text"),
        "image": N_("parameter:image"),
        "id": N_("parameter:id"),
        "url": N_("parameter:url"),
        "label": N_("parameter:label"),
        "role": N_("parameter:role"),
        "when": N_("parameter:when"),
        "confirm": N_("parameter:confirm"),
    }

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.announcements = Announcements(services.store)
        self.delivery = Delivery(services, self.announcements, RETRY)

    async def on_start(self) -> None:
        for found in await self.announcements.scheduled():
            if found.rule:
                await self._plan(found, self.services.clock.now())

    async def on_timezone_changed(self, community_id: int) -> None:
        for found in await self.announcements.scheduled():
            if found.community_id == community_id and found.start is not None:
                await self.services.scheduler.cancel(f"announce:{found.id}:")
                renewed = await self.announcements.schedule(found.id, found.rule, found.start)
                await self._plan(renewed, self.services.clock.now())

    # writing ----------------------------------------------------------------------------

    @command(
        "announce new",
        N_("Write an announcement for every home of the community; you see a preview first."),
        text(
            "text",
            N_("The announcement: **bold**, *italic*, `code`, [link](https://…) work"),
            rest=True,
            max_length=TEXT_LIMIT,
        ),
        attachment(
            "image",
            N_("A picture shown with it (PNG, JPEG or GIF)"),
            required=False,
            max_bytes=IMAGE_LIMIT,
        ),
        permission=Permission.MODERATOR,
        aliases=("announce", "umumkan", "pengumuman", "umumkan buat", "pengumuman buat"),
    )
    async def new(self, ctx: Context, text: str, image: Attachment | None = None) -> Reply:
        community = ctx.require_community()
        picture = await _picture(ctx, image) if image is not None else None
        await self._check_fits(ctx, community.id, ctx.channel.key(), text, picture is not None)
        made = await self.announcements.create(
            community.id, ctx.member.id, ctx.channel, text, picture, ctx.clock.now(), once=ctx.once
        )
        return await self._preview(ctx, made)

    @command(
        "announce link",
        N_("Add a link button under an announcement."),
        ID,
        text("url", N_("The address the button opens (https://…)"), max_length=500),
        text("label", N_("The button's label"), required=False, rest=True, max_length=60),
        permission=Permission.MODERATOR,
        aliases=("umumkan tautan", "pengumuman tautan"),
    )
    async def link(self, ctx: Context, id: int, url: str, label: str | None = None) -> Reply:
        found = await self._open(ctx, id)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
            raise UserError(
                ctx._(
                    "“{url}” is not a web address. Give one that starts with https://, e.g. "
                    "/announce link {id} https://perpustakaan.example/acara Daftar"
                ).format(url=url[:80], id=id)
            )
        changed = await self.announcements.change(
            found.id, link_url=url, link_label=label or ctx._("Open the link")
        )
        return await self._preview(ctx, changed)

    @command(
        "announce mention",
        N_("Mention a role of this Discord server with an announcement (none: no mention)."),
        ID,
        text("role", N_("The role: type @ and pick it, or everyone, here, none"), max_length=40),
        permission=Permission.MODERATOR,
        aliases=("umumkan sebut", "pengumuman sebut"),
    )
    async def mention(self, ctx: Context, id: int, role: str) -> Reply:
        found = await self._open(ctx, id)
        community = ctx.require_community()
        if not ctx.capabilities.role_mentions:
            raise UserError(
                ctx._(
                    "Roles can be mentioned on Discord only: use this command in the Discord "
                    "server, where the role is."
                )
            )
        wanted = role.strip().casefold()
        if wanted in NOBODY:
            changed = await self.announcements.change(found.id, mention=None, mention_in=None)
            return await self._preview(ctx, changed)
        chosen = EVERYONE.get(wanted)
        if chosen is None and (match := ROLE.match(wanted)):
            chosen = match[1]
        if chosen is None:
            raise UserError(
                ctx._(
                    "I can't tell which role “{role}” is. In the command's role option type @ "
                    "and pick the role, or write everyone, here or none."
                ).format(role=role[:40])
            )
        changed = await self.announcements.change(found.id, mention=chosen, mention_in=community.id)
        return await self._preview(ctx, changed)

    # posting ----------------------------------------------------------------------------

    @command(
        "announce post",
        N_("Post an announcement to every home of the community now."),
        ID,
        permission=Permission.MODERATOR,
        aliases=("umumkan kirim", "pengumuman kirim"),
    )
    async def post(self, ctx: Context, id: int) -> list[Reply]:
        found = await self._mine(ctx, id)
        # Once per Post: one handled again after a crash posts where the first did not reach
        # (each home's message goes out once for its key) and answers as the first would have.
        revision = await self.announcements.take_up(found.id, once=ctx.once)
        if revision is None:
            raise UserError(_not_open(ctx, found))
        await self._forget_plan(found.id, revision)
        posting = await self.announcements.get(found.id)
        assert posting is not None
        outcomes = await self.delivery.deliver(posting, ONCE)
        room = JobContext.reading(ctx)
        await self.delivery.after_failures(room, posting, ONCE, outcomes, tell=False)
        reached = [o for o in outcomes if o.failed is None]
        replies = [
            Reply.of(
                ctx.ngettext(
                    "Announcement #{id} is posted to {count} home.",
                    "Announcement #{id} is posted to {count} homes.",
                    len(reached),
                ).format(id=found.id, count=len(reached))
                + "\n"
                + ctx._(
                    "Change it with /announce edit {id} <text>, remove it with /announce "
                    "delete {id}."
                ).format(id=found.id)
            )
        ]
        failed = [o for o in outcomes if o.failed is not None]
        if failed:
            text = await self.delivery.failure_text(room, found, failed)
            replies.append(Reply.of(text, private=True))
        return replies

    @command(
        "announce schedule",
        N_("Post an announcement at a time, or repeating (“setiap Senin 08.00”)."),
        ID,
        text(
            "when",
            N_('When, e.g. "Senin jam 08.00", "next friday 7pm" or "setiap Senin 08.00"'),
            required=False,
            rest=True,
            max_length=200,
        ),
        permission=Permission.MODERATOR,
        aliases=("umumkan jadwalkan", "pengumuman jadwalkan"),
    )
    async def schedule(self, ctx: Context, id: int, when: str | None = None) -> Reply:
        found = await self._open(ctx, id)
        if not when:
            return Reply.of(
                ctx._(
                    "When should announcement #{id} go out? Type for example /announce schedule "
                    "{id} Senin jam 08.00, or repeating: /announce schedule {id} setiap Senin "
                    "08.00."
                ).format(id=id)
            )
        timing = read_timing(ctx, when)
        # Once per Schedule: one handled again after a crash keeps the revision the first gave,
        # whose jobs are planned already (planning them again changes nothing).
        scheduled = await self.announcements.schedule(
            found.id, timing.rule, timing.start, once=ctx.once
        )
        await self._forget_plan(found.id, scheduled.revision)
        due = await self._plan(scheduled, ctx.clock.now())
        if due is None:
            raise UserError(ctx._(EXAMPLES).format(when=when[:80]))
        moment = dates.moment_text(ctx.locale, due, ctx.timezone)
        if timing.rule:
            said = ctx._("Announcement #{id} repeats {every}; first on {date}.").format(
                id=id, every=ctx._(every(timing.rule)), date=moment
            )
        else:
            said = ctx._("Announcement #{id} goes out on {date}.").format(id=id, date=moment)
        return Reply.of(
            said + "\n" + ctx._("It is in /calendar, where it can be moved, paused or cancelled.")
        )

    @command(
        "announce cancel",
        N_("Drop a draft or a scheduled announcement; nothing of it is posted."),
        ID,
        permission=Permission.MODERATOR,
        aliases=("umumkan batal", "pengumuman batal"),
    )
    async def cancel(self, ctx: Context, id: int) -> Reply:
        found = await self._mine(ctx, id)
        if found.state not in OPEN:
            raise UserError(
                ctx._(
                    "Announcement #{id} is {state}: remove a posted one with /announce delete {id}."
                ).format(id=id, state=ctx._(STATE_NAMES[found.state]))
            )
        await self.services.scheduler.cancel(f"announce:{found.id}:")
        await self.announcements.change(found.id, state="cancelled")
        return Reply.of(ctx._("Announcement #{id} is cancelled.").format(id=id))

    # after posting ----------------------------------------------------------------------

    @command(
        "announce edit",
        N_("Change an announcement's text, on every platform where it is posted."),
        ID,
        text("text", N_("The new text"), rest=True, max_length=TEXT_LIMIT),
        permission=Permission.MODERATOR,
        aliases=("umumkan ubah", "pengumuman ubah"),
    )
    async def edit(self, ctx: Context, id: int, text: str) -> list[Reply]:
        found = await self._mine(ctx, id)
        if found.state in ("cancelled", "deleted"):
            raise UserError(
                ctx._("Announcement #{id} is {state}; it can no longer be changed.").format(
                    id=id, state=ctx._(STATE_NAMES[found.state])
                )
            )
        await self._check_fits(
            ctx, found.community_id, found.channel.key(), text, found.image is not None
        )
        changed = await self.announcements.change(found.id, body=text)
        if changed.state == "draft":
            return [await self._preview(ctx, changed)]
        outcomes = await self.delivery.edit(changed)
        if not outcomes:
            return [
                Reply.of(
                    ctx._("Announcement #{id} is changed.").format(id=id)
                    + " "
                    + ctx._("What goes out later has the new text.")
                )
            ]
        room = JobContext.reading(ctx)
        changed_count = len([o for o in outcomes if o.failed is None])
        replies = [
            Reply.of(
                ctx.ngettext(
                    "Announcement #{id} is changed in {count} home.",
                    "Announcement #{id} is changed in {count} homes.",
                    changed_count,
                ).format(id=id, count=changed_count)
                + (
                    " " + ctx._("What goes out later has the new text.")
                    if changed.state == "scheduled"
                    else ""
                )
            )
        ]
        failed = [o for o in outcomes if o.failed is not None]
        if failed:
            replies.append(
                Reply.of(await self.delivery.failure_text(room, changed, failed, retry=False))
            )
        return replies

    @command(
        "announce delete",
        N_("Remove an announcement from every platform where it is posted; you confirm first."),
        ID,
        choice(
            "confirm",
            N_("yes, to delete without asking"),
            [("yes", N_("yes"))],
            required=False,
            synonyms={"yes": YES},
        ),
        permission=Permission.MODERATOR,
        aliases=("umumkan hapus", "pengumuman hapus"),
    )
    async def delete(self, ctx: Context, id: int, confirm: str | None = None) -> list[Reply]:
        found = await self._mine(ctx, id)
        if found.state == "deleted":
            raise UserError(ctx._("Announcement #{id} is already deleted.").format(id=id))
        if confirm != "yes":
            return [
                Reply.of(
                    Text.format(
                        ctx._("Delete announcement #{id} from every home? “{start}”"),
                        id=id,
                        start=delivery.first_words(found.body),
                    ),
                    choices=[
                        Choice(
                            ctx._("Delete it"), f"/announce delete {id} yes", ChoiceStyle.DANGER
                        ),
                        Choice(ctx._("Keep it"), "/announce list"),
                    ],
                    footer=ctx._("Or type /announce delete {id} yes").format(id=id),
                )
            ]
        await self.services.scheduler.cancel(f"announce:{found.id}:")
        await self.announcements.change(found.id, state="deleted")
        outcomes = await self.delivery.delete(found)
        removed = len([o for o in outcomes if o.failed is None])
        replies = [
            Reply.of(
                ctx.ngettext(
                    "Announcement #{id} is deleted from {count} home.",
                    "Announcement #{id} is deleted from {count} homes.",
                    removed,
                ).format(id=id, count=removed)
            )
        ]
        failed = [o for o in outcomes if o.failed is not None]
        if failed:
            room = JobContext.reading(ctx)
            replies.append(
                Reply.of(await self.delivery.failure_text(room, found, failed, retry=False))
            )
        return replies

    @command(
        "announce list",
        N_("The community's recent announcements with their numbers and state."),
        permission=Permission.MODERATOR,
        aliases=("umumkan daftar", "pengumuman daftar"),
    )
    async def overview(self, ctx: Context) -> Reply:
        ctx.require_community()
        found = await self.announcements.of_circle(_circle(ctx), ("draft", "scheduled", "posted"))
        if not found:
            return Reply.of(
                ctx._("No announcements yet. Write one with /announce <text>."),
                title=ctx._("Announcements"),
            )
        planned = await self._planned(_circle(ctx))
        lines = []
        for item in found:
            state = ctx._(STATE_NAMES[item.state])
            if item.state == "scheduled":
                upcoming = planned.get((item.id, item.revision))
                if upcoming is None:
                    state += " — " + ctx._("no time planned")
                else:
                    state += " — " + dates.moment_text(ctx.locale, upcoming.due_at, ctx.timezone)
                    if upcoming.paused:
                        state += " ⏸ " + ctx._("paused")
                if item.rule:
                    state += ", " + ctx._(every(item.rule))
            lines.append(
                Text.format(
                    "`#{id}` {start} — __{state}__",
                    id=item.id,
                    state=state,
                    start=delivery.first_words(item.body),
                )
            )
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("Announcements"),
            footer=ctx._("/announce post|schedule|edit|delete <number>"),
        )

    async def _planned(self, circle: tuple[int, ...]) -> dict[tuple[int, int], Job]:
        """The next pending post of each scheduled announcement (by id and revision), as the
        scheduler has it: /calendar may have moved or paused it."""
        until = self.services.clock.now() + timedelta(days=3660)
        found: dict[tuple[int, int], Job] = {}
        for pending in await self.services.scheduler.upcoming(until, (POST,), circle):
            key = (int(pending.payload["announcement"]), int(pending.payload["revision"]))
            found.setdefault(key, pending)
        return found

    # jobs -------------------------------------------------------------------------------

    @job(POST)
    async def _on_post(self, ctx: JobContext) -> None:
        payload = ctx.payload
        found = await self.announcements.get(int(payload["announcement"]))
        if found is None or found.revision != payload.get("revision"):
            return
        if found.state not in ("scheduled", "posted"):
            return
        occurrence = str(payload["occurrence"])
        if found.rule:
            assert ctx.job is not None
            await self._plan(found, ctx.job.due_at)
        elif found.state == "scheduled":
            found = await self.announcements.change(found.id, state="posted")
        outcomes = await self.delivery.deliver(found, occurrence)
        await self.delivery.after_failures(ctx, found, occurrence, outcomes)

    @job(RETRY)
    async def _on_retry(self, ctx: JobContext) -> None:
        await self.delivery.retry(ctx)

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """One line for /calendar: which announcement, and where it goes."""
        payload = job.payload
        if payload.get("community") not in circle:
            return None
        found = await self.announcements.get(int(payload.get("announcement", 0)))
        if found is None or found.revision != payload.get("revision"):
            return None
        if found.state not in ("scheduled", "posted"):
            return None
        start = delivery.first_words(found.body)
        if job.kind == RETRY:
            where = await delivery.home_name(ctx, payload["home"], payload.get("home_community"))
            return ctx._("Announcement #{id} “{start}”: tried again in {where}").format(
                id=found.id, start=start, where=where
            )
        if found.rule:
            return ctx._(
                "Announcement #{id} “{start}”, {every}, to every home of the community"
            ).format(id=found.id, start=start, every=ctx._(every(found.rule)))
        return ctx._("Announcement #{id} “{start}”, to every home of the community").format(
            id=found.id, start=start
        )

    # helpers ----------------------------------------------------------------------------

    async def _plan(self, found: Announcement, after: datetime) -> datetime | None:
        """Schedule the announcement's next time after `after`; returns when it is due."""
        tz = await self._timezone(found.community_id)
        payload = {"community": found.community_id, "announcement": found.id}
        payload["revision"] = found.revision
        recurrence = found.recurrence
        if recurrence is None:
            if found.start is None:
                return None
            due = found.start.replace(tzinfo=tz)
            await self.services.scheduler.schedule(
                POST,
                f"announce:{found.id}:r{found.revision}:{ONCE}",
                due,
                {**payload, "occurrence": ONCE},
            )
            return due
        first: datetime | None = None
        planned = 0
        for count, occurrence in enumerate(recurrence.after(after, tz)):
            key = f"announce:{found.id}:r{found.revision}:{occurrence.key}"
            added = await self.services.scheduler.schedule(
                POST, key, occurrence.starts_at, {**payload, "occurrence": occurrence.key}
            )
            state = None if added else await self.services.scheduler.state(key)
            # An occurrence cancelled in /calendar is skipped: the one after it is planned.
            if added or state in ("pending", "running"):
                first = first or occurrence.starts_at
                planned += 1
            if planned == AHEAD or count >= 52:
                break
        return first

    async def _forget_plan(self, announcement_id: int, revision: int) -> None:
        """Cancel the jobs of the revision before `revision`: they would do nothing (a job
        checks its revision), and /calendar need not list them. Those of `revision` stay, so
        a command handled again after a crash does not cancel what it planned the first time."""
        await self.services.scheduler.cancel(f"announce:{announcement_id}:r{revision - 1}:")

    async def _timezone(self, community_id: int) -> ZoneInfo:
        community = await identity.community(self.services.store, community_id)
        return identity.resolve_timezone(community, self.services.config.bot.tz)

    async def _mine(self, ctx: Context, id: int) -> Announcement:
        """The announcement with this number made in this community's circle."""
        ctx.require_community()
        found = await self.announcements.get(id)
        if found is None or found.community_id not in _circle(ctx):
            raise UserError(
                ctx._(
                    "There is no announcement #{id} here. /announce list shows the numbers."
                ).format(id=id)
            )
        return found

    async def _open(self, ctx: Context, id: int) -> Announcement:
        """An announcement not posted yet (a draft or a scheduled one)."""
        found = await self._mine(ctx, id)
        if found.state not in OPEN:
            raise UserError(_not_open(ctx, found))
        return found

    async def _check_fits(
        self, ctx: Context, community_id: int, channel: str, body: str, image: bool
    ) -> None:
        """Refuse, naming the limit, a text some home's platform cannot show with its picture;
        a longer text without one is split by the platform's adapter."""
        length = len(read_markup(body))
        for _, home in await delivery.homes_of(self.services.store, community_id, channel):
            abilities = self.services.messenger.capabilities(home)
            limit = abilities.caption_limit if image else 0
            if limit and length > limit:
                raise UserError(
                    ctx._(
                        "With a picture, {platform} shows at most {limit} characters, and this "
                        "text has {length}. Shorten it, or post it without the picture."
                    ).format(
                        platform=delivery.platform_name(ctx, home.platform),
                        limit=_number(ctx, limit),
                        length=_number(ctx, length),
                    )
                )

    async def _preview(self, ctx: Context, found: Announcement) -> Reply:
        """The announcement as members will see it, with Post, Schedule and Cancel."""
        homes = await delivery.homes_of(
            self.services.store, found.community_id, found.channel.key()
        )
        names = [await delivery.home_name(JobContext.reading(ctx), h.key(), c) for c, h in homes]
        notes = [ctx._("Goes to: {homes}.").format(homes=", ".join(names) or "—")]
        if found.mention:
            shown = (
                "@" + found.mention
                if found.mention in ("everyone", "here")
                else f"<@&{found.mention}>"
            )
            notes.append(ctx._("Mentions {role} on Discord.").format(role=shown))
        notes.append(
            ctx._(
                "Typed: /announce post {id}, /announce schedule {id} <when>, /announce cancel "
                "{id}; /announce link {id} <url> <label> adds a button, /announce mention {id} "
                "<role> a Discord role."
            ).format(id=found.id)
        )
        rendered = delivery.render(found, mention=False)
        return Reply(
            text=rendered.text,
            title=ctx._("Preview of announcement #{id}").format(id=found.id),
            image=rendered.image,
            choices=(
                *rendered.choices,
                Choice(ctx._("Post"), f"/announce post {found.id}", ChoiceStyle.PRIMARY),
                Choice(ctx._("Schedule"), f"/announce schedule {found.id}"),
                Choice(ctx._("Cancel"), f"/announce cancel {found.id}", ChoiceStyle.DANGER),
            ),
            footer=" ".join(notes),
        )


def _not_open(ctx: Context, found: Announcement) -> str:
    return ctx._(
        "Announcement #{id} is {state}. Change a posted one with /announce edit {id} "
        "<text>, or write a new one with /announce <text>."
    ).format(id=found.id, state=ctx._(STATE_NAMES[found.state]))


async def _picture(ctx: Context, image: Attachment) -> tuple[str, bytes]:
    """The picture's name and bytes; a clear refusal for one too large or not a picture."""
    if image.size is not None and image.size > IMAGE_LIMIT:
        raise UserError(_too_large(ctx, image.name, image.size))
    content = await image.read()
    if len(content) > IMAGE_LIMIT:
        raise UserError(_too_large(ctx, image.name, len(content)))
    if not any(content.startswith(magic) for magic in IMAGE_KINDS) and not _webp(content):
        raise UserError(
            ctx._(
                "{name} is not a picture I can post: send a PNG, JPEG, GIF or WebP image ({size})."
            ).format(name=image.name[:80], size=_megabytes(ctx, len(content)))
        )
    return _file_name(image.name), content


def _file_name(name: str) -> str:
    """A name every platform takes for an upload (Discord refers to it from the embed)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "image"
    return cleaned[-80:]


def _webp(content: bytes) -> bool:
    return content[:4] == b"RIFF" and content[8:12] == b"WEBP"


def _too_large(ctx: Context, name: str, size: int) -> str:
    return ctx._("{name} is {size}; an announcement's picture may be at most {limit}.").format(
        name=name[:80], size=_megabytes(ctx, size), limit=_megabytes(ctx, IMAGE_LIMIT)
    )


def _megabytes(ctx: Context, size: int) -> str:
    if size < 100_000:
        return format_decimal(size / 1000, "#,##0.#", locale=ctx.locale) + " KB"
    return format_decimal(size / 1_000_000, "#,##0.#", locale=ctx.locale) + " MB"


def _number(ctx: Context, value: int) -> str:
    return format_decimal(value, "#,##0", locale=ctx.locale)


def _circle(ctx: Context) -> tuple[int, ...]:
    if ctx.circle:
        return ctx.circle
    return (ctx.community.id,) if ctx.community else ()
