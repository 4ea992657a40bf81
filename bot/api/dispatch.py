"""The one road from a platform's message to a feature's handler and back.

Adapters hand in an :class:`Incoming` (text, or a command with typed values) and render the replies
that come out. Every error is handled here, in this order:

1. text that is not a command: silence in groups, a hint in a private chat or the console;
2. an unknown command: a hint naming /help and the closest command, if one is close;
3. a moderator command from a member: a polite refusal;
4. arguments that do not fit (:class:`UsageError`): the reason and the command's usage;
5. a :class:`UserError` raised by a handler: its message, as is;
6. a file over the parameter's limit (:class:`FileTooLarge`): the limit;
7. any other exception: an apology with a short reference; the full traceback goes to the log.

Whatever happens, the dispatcher returns replies; nothing a member types reaches the adapter as
an exception.

An update kept in a platform's inbox (``Incoming.update_id``, the platform registered with
:meth:`Dispatcher.keeps_updates`) is answered once: its replies are kept with it before the adapter
sends them, and when it is taken up again after a crash (``Incoming.again``) those replies come
back instead of the command running a second time.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from babel.numbers import format_decimal
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.api import identity, posts, private_chats, wire
from bot.api.arguments import UsageError, UserError, bind, parse_arguments
from bot.api.commands import Command, Option, Permission
from bot.api.community import circle
from bot.api.context import Context, Incoming
from bot.api.files import Attachment, FileTooLarge
from bot.api.private_chats import AdminCheck, HomeChannel
from bot.api.replies import Choice, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.api.usage import explain
from bot.storage.inbox import Inbox

log = logging.getLogger("pustaka.dispatch")

MAX_MESSAGE = 4000  # characters; longer lines are refused, never parsed
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class Dispatcher:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.registry = services.registry
        self._admin_checks: dict[str, AdminCheck] = {}
        self._homes: dict[str, HomeChannel] = {}
        self._inboxes: dict[str, Inbox] = {}

    def keeps_updates(self, platform: str, inbox: Inbox) -> None:
        """This platform's updates come through `inbox`: their answers are kept there."""
        self._inboxes[platform] = inbox

    def has_private_chats(
        self, platform: str, is_admin: AdminCheck, home: HomeChannel | None = None
    ) -> None:
        """Moderator commands typed in this platform's private chats act on a community the
        member administers, as `is_admin` tells, posting in its `home` channel (see
        :mod:`bot.api.private_chats`)."""
        self._admin_checks[platform] = is_admin
        if home is not None:
            self._homes[platform] = home

    async def acting_on(self, incoming: Incoming, community_id: str) -> Incoming:
        """A private message acting on a community, after the member chose it with a button."""
        is_admin = self._admin_checks.get(incoming.platform)
        if is_admin is None:
            return incoming
        return await private_chats.acting_on(
            self.services, incoming, community_id, is_admin, self._homes.get(incoming.platform)
        )

    async def _community_for(
        self, incoming: Incoming, command: Command | None, typed: str
    ) -> Incoming | Reply:
        """A moderator command from a private chat: the message acting on the one community the
        member moderates, or the question which one when there are several."""
        is_admin = self._admin_checks.get(incoming.platform)
        if (
            is_admin is None
            or command is None
            or command.permission is not Permission.MODERATOR
            or incoming.community_id is not None
        ):
            return incoming
        communities = await private_chats.moderated(self.services, incoming, is_admin)
        if len(communities) == 1:
            return await self.acting_on(incoming, communities[0].platform_id)
        if not communities:
            return incoming
        ctx = await self.context(incoming)
        question = ctx._("You moderate several groups. Which one is /{command} for?").format(
            command=command.name
        )
        choices = tuple(
            Choice((c.name or c.platform_id)[:64], typed, acting_on=c.platform_id)
            for c in communities
        )
        return Reply.of(question, choices=choices)

    async def handle_text(self, incoming: Incoming) -> list[Reply]:
        """Answer one message typed by a member (or a button's command)."""
        replies = await self._once(incoming, lambda: self._handle_text(incoming))
        await self._responded(incoming)
        return replies

    async def _responded(self, incoming: Incoming) -> None:
        """A press on a tracked post's button, or a reply to it, is published for statistics
        (bot/api/posts.py), once the press's own command has run."""
        if incoming.community_id is None:
            return
        for message_id, kind in (
            (incoming.pressed_on, posts.PRESS),
            (incoming.reply_to, posts.REPLY),
        ):
            if message_id is None:
                continue
            try:
                tracked = await posts.find(
                    self.services.store, incoming.platform, incoming.channel_id, message_id
                )
                if tracked is not None:
                    ctx = await self.context(incoming)
                    await self.services.events.publish(posts.PostResponse(ctx, tracked, kind))
            except Exception:
                log.exception("could not count a response to message %s", message_id)

    async def _once(
        self, incoming: Incoming, answer: Callable[[], Awaitable[list[Reply]]]
    ) -> list[Reply]:
        inbox = self._inboxes.get(incoming.platform)
        if inbox is None or incoming.update_id is None:
            return await answer()
        if incoming.again and (kept := await inbox.answer(incoming.update_id)) is not None:
            log.info(
                "%s update %s was answered before the stop; its answer is sent again",
                incoming.platform,
                incoming.update_id,
            )
            return list(wire.loads(kept))
        replies = await answer()
        await inbox.answered(incoming.update_id, wire.dumps(replies))
        return replies

    async def _handle_text(self, incoming: Incoming) -> list[Reply]:
        text = clean(incoming.text)
        if text.startswith("/"):
            routed = await self._community_for(incoming, self.resolve(text)[1], text)
            if isinstance(routed, Reply):
                return [routed]
            incoming = routed
        if not text or not text.startswith("/"):
            if not text or not incoming.direct:
                return []
            ctx = await self.context(incoming)
            return [Reply.of(ctx._("Commands start with /. Type /help to see what I can do."))]
        ctx = await self.context(incoming)
        if len(text) > MAX_MESSAGE:
            return [
                Reply.of(
                    ctx._("That message is too long (at most {limit} characters).").format(
                        limit=MAX_MESSAGE
                    )
                )
            ]
        head, command, rest = self.resolve(text)
        if command is None or (len(text.split()) == 1 and self._bare_group(ctx, head, command)):
            return [self._unknown(ctx, head)]
        ctx.command = command
        return await self._run(
            ctx, command, lambda: parse_arguments(command, rest, ctx._, incoming.attachments)
        )

    def resolve(self, text: str) -> tuple[str, Command | None, str]:
        """Split ``/name[@bot] [sub] arguments`` into the name typed, the command and the rest."""
        words = text.lstrip("/").split(maxsplit=2)
        head = words[0].split("@", 1)[0].lower() if words else ""
        if len(words) >= 2 and (command := self.registry.find(f"{head} {words[1]}")):
            return head, command, words[2] if len(words) == 3 else ""
        rest = text.lstrip("/").split(maxsplit=1)
        return head, self.registry.find(head), rest[1] if len(rest) == 2 else ""

    def _bare_group(self, ctx: Context, head: str, command: Command) -> bool:
        """``/remind`` alone lists the group, although ``/remind besok jam 7 …`` is
        ``/remind me``: a group's word with nothing after it asks what the group does."""
        return (
            self.registry.find(head) is command
            and len(command.path) > 1
            and any(param.required for param in command.params)
            and bool(self.registry.group(head, ctx.is_moderator))
        )

    async def invoke(
        self, incoming: Incoming, command: Command, values: Mapping[str, Any]
    ) -> list[Reply]:
        """Run a command whose arguments arrived typed (a Discord slash command)."""

        async def answer() -> list[Reply]:
            routed = await self._community_for(incoming, command, typed_command(command, values))
            if isinstance(routed, Reply):
                return [routed]
            ctx = await self.context(routed, command)
            return await self._run(ctx, command, lambda: bind(command, values, ctx._))

        return await self._once(incoming, answer)

    async def autocomplete(
        self, incoming: Incoming, command: Command, param_name: str, current: str
    ) -> list[Option]:
        """Suggestions for a parameter as the member types; never raises."""
        param = command.param(param_name)
        if param.autocomplete is None:
            return []
        ctx = await self.context(incoming, command)
        try:
            suggestions = await getattr(command.feature, param.autocomplete)(ctx, clean(current))
        except Exception:
            log.exception("autocomplete for /%s %s failed", command.name, param_name)
            return []
        return list(suggestions)[:25]

    async def context(self, incoming: Incoming, command: Command | None = None) -> Context:
        services = self.services
        config = services.config
        member, community = await identity.remember(
            services.store,
            platform=incoming.platform,
            member_id=incoming.member_id,
            display_name=clean(incoming.display_name)[:100],
            platform_locale=incoming.platform_locale,
            community_id=incoming.community_id,
            community_name=clean(incoming.community_name)[:100],
            now=services.clock.now(),
        )
        locale = incoming.locale or identity.resolve_locale(member, community, config.bot.locale)
        return Context(
            services=services,
            member=member,
            community=community,
            channel=incoming.destination,
            locale=locale,
            timezone=identity.resolve_timezone(community, config.bot.tz),
            is_moderator=incoming.platform_moderator
            or config.moderators.is_moderator(incoming.platform, incoming.member_id),
            translations=services.i18n.translations(locale),
            command=command,
            circle=await circle(services.store, community.id) if community else (),
            update_id=incoming.update_id if incoming.platform in self._inboxes else None,
            again=incoming.again,
        )

    async def _run(self, ctx: Context, command: Command, arguments: Any) -> list[Reply]:
        outcome = "ok"
        try:
            if command.permission is Permission.MODERATOR and not ctx.is_moderator:
                outcome = "denied"
                text = ctx._("Only moderators can use /{command}.").format(command=command.name)
                return [Reply.of(text, private=True)]
            values = arguments()
            replies = _as_replies(await command.handler(ctx, **values))
            if command.permission is not Permission.MODERATOR or not ctx.is_moderator:
                replies = [replace(r, ping=None) if r.ping else r for r in replies]
            return [replace(r, private=True) for r in replies] if command.private else replies
        except UsageError as error:
            outcome = "usage"
            return [self._usage(ctx, command, error.message)]
        except UserError as error:
            return [Reply.of(error.message)]
        except FileTooLarge as error:
            outcome = "usage"
            text = ctx._("{file} is too large: at most {size}.").format(
                file=error.name[:80],
                size=format_decimal(error.limit / 1000, "#,##0.#", locale=ctx.locale) + " KB",
            )
            return [Reply.of(text, private=True)]
        except Exception:
            outcome = "error"
            reference = secrets.token_hex(3)
            log.exception("/%s failed (reference %s)", command.name, reference)
            text = ctx._(
                "Sorry, something went wrong while answering /{command}. "
                "The librarians can find it in the log under {reference}."
            ).format(command=command.name, reference=reference)
            return [Reply.of(text)]
        finally:
            await self._record(ctx, command, outcome)

    def _usage(self, ctx: Context, command: Command, reason: str) -> Reply:
        return Reply.of(Text.plain(reason) + "\n" + explain(command, ctx._), private=True)

    def _unknown(self, ctx: Context, name: str) -> Reply:
        group = self.registry.group(name, ctx.is_moderator)
        if group:
            return Reply.of(Text.join((explain(c, ctx._) for c in group), "\n\n"))
        text = ctx._("I don't know /{command}. Type /help to see what I can do.").format(
            command=name[:40]
        )
        usable = self.registry.usable(ctx.is_moderator)
        names = [n for n, c in self.registry.names.items() if c in usable]
        groups = {c.path[0] for c in usable if len(c.path) > 1}
        names += sorted(groups)
        names += sorted(a for a, group in self.registry.group_names().items() if group in groups)
        match = process.extractOne(
            name, names, scorer=DamerauLevenshtein.normalized_similarity, score_cutoff=0.6
        )
        if name and match:
            text += " " + ctx._("Did you mean /{command}?").format(command=match[0])
        return Reply.of(text)

    async def _record(self, ctx: Context, command: Command, outcome: str) -> None:
        """Remember which commands members use, so librarians can see what they want."""
        try:
            await ctx.store.execute(
                "INSERT INTO command_usage"
                " (at, platform, community_id, member_id, command, outcome)"
                # a member who has just forgotten themselves (/forgetme) is not recorded again
                " VALUES (?, ?, ?, (SELECT id FROM members WHERE id = ? AND platform_id = ?),"
                " ?, ?)",
                (
                    ctx.clock.now().isoformat(),
                    ctx.platform,
                    ctx.community.id if ctx.community else None,
                    ctx.member.id,
                    ctx.member.platform_id,
                    command.name,
                    outcome,
                ),
            )
        except Exception:
            log.exception("could not record the use of /%s", command.name)


def clean(text: str) -> str:
    """Drop control and direction-override characters; keep line breaks and tabs."""
    return _CONTROL.sub("", text).strip()


def typed_command(command: Command, values: Mapping[str, Any]) -> str:
    """The command as a member would type it, for a button that runs it again: values with
    spaces quoted, a file (which cannot be typed) left out."""
    words = [f"/{command.name}"]
    for param in command.params:
        value = values.get(param.name)
        if value is None or isinstance(value, Attachment):
            continue
        shown = str(value)
        words.append(f'"{shown}"' if " " in shown and not param.rest else shown)
    return " ".join(words)


def _as_replies(result: Any) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    if isinstance(result, str | Text):
        return [Reply.of(result)]
    if isinstance(result, Sequence):
        return [item for part in result for item in _as_replies(part)]
    raise TypeError(f"a handler returned {type(result).__name__}, not a reply")
