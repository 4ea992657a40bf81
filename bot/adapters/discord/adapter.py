"""Pustaka on Discord through discord.py: slash commands, embeds, persistent buttons, polls.

An AutoShardedClient with minimal intents (no message content: commands arrive as
interactions; members' messages only show which of the bot's posts they reply to,
bot/api/posts.py). Commands are generated from the neutral declarations and synced at start only
when the command set changed. Buttons carry their command in the custom_id (or a stored key), and
a DynamicItem registered at start answers them, so a button pressed after a restart still works.

A slash command or a button press is stored in the durable inbox (bot/storage/inbox.py) before it
is handled, and marked done once answered; Discord never sends an interaction again, so one the
process stopped while handling is taken up at the next start, once, from the stored payload; one
the gateway delivered to a process killed before it was stored is taken back at the next start
by resuming the dead gateway session (salvage.py), then taken up the same way. Its
token may be spent by then (an initial answer is due within 3 s, follow-ups within 15 minutes): it
is answered with a follow-up while the token lasts, else, and when the follow-up is refused, with
ordinary messages through the outbox, in the channel, a private reply in the member's DMs. One
discord.py can no longer run (its command removed or changed since) is skipped with one line.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.adapters.backoff import Outage
from bot.adapters.discord import commands, salvage
from bot.adapters.discord.render import DESCRIPTION_LIMIT, embeds
from bot.adapters.errors import PlatformRefused
from bot.api import buttons, platform_state, polls, posts
from bot.api.capabilities import Capabilities
from bot.api.commands import Command, Param
from bot.api.context import Destination, Incoming
from bot.api.dispatch import Dispatcher
from bot.api.files import Attachment
from bot.api.messenger import CalendarEvent, PostFailed
from bot.api.outbox import SendLimits, Undeliverable
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.storage import gateway_sessions
from bot.storage.inbox import Inbox
from bot.storage.owners import SWEEP

log = logging.getLogger("pustaka.discord")

PLATFORM = "discord"
CAPABILITIES = Capabilities(
    native_polls=True, role_mentions=True, text_limit=DESCRIPTION_LIMIT, images=True
)
CUSTOM_ID_LIMIT = 100 - 1  # characters; one goes to the "p" prefix
DEFER_AFTER = 2.0  # seconds: Discord wants an answer within 3
TOKEN_LASTS = timedelta(minutes=14)  # an interaction's follow-ups: 15 minutes, less a margin
KEPT_TYPES = (2, 3)  # interactions stored in the inbox: slash commands, button presses
NO_MENTIONS = discord.AllowedMentions.none()
ROLE_MENTION = re.compile(r"<@&(\d{15,22})>")
STYLES = {
    ChoiceStyle.NORMAL: discord.ButtonStyle.secondary,
    ChoiceStyle.PRIMARY: discord.ButtonStyle.primary,
    ChoiceStyle.DANGER: discord.ButtonStyle.danger,
}


class PressButton(discord.ui.DynamicItem[discord.ui.Button], template=r"p(?P<data>.+)"):
    """Every Pustaka button. Its custom_id is ``p`` + button data (see bot/api/buttons.py)."""

    def __init__(self, data: str, label: str = "…", style: discord.ButtonStyle | None = None):
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=style or discord.ButtonStyle.secondary, custom_id="p" + data
            )
        )
        self.data = data

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PressButton:
        return cls(match["data"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        assert isinstance(client, PustakaClient)
        await client.adapter.press(interaction, self.data)


class PustakaTree(app_commands.CommandTree["PustakaClient"]):
    """The slash commands; an interaction discord.py could not run is reported to the adapter."""

    async def on_error(
        self, interaction: discord.Interaction[PustakaClient], error: app_commands.AppCommandError
    ) -> None:
        if not await self.client.adapter.not_run(interaction, error):
            await super().on_error(interaction, error)


class PustakaClient(discord.AutoShardedClient):
    def __init__(self, adapter: DiscordAdapter) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_polls = True
        intents.guild_messages = True  # replies to the bot's posts (their content is not read)
        settings = adapter.settings
        super().__init__(
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            shard_count=settings.shard_count or None,
            shard_ids=list(settings.shard_ids) or None,
        )
        self.adapter = adapter
        self.tree = PustakaTree(self)
        state = self._connection
        parse = state.parsers["INTERACTION_CREATE"]
        parse_ready = state.parsers["READY"]
        update_references = state._update_references
        self.sockets: dict[int, Any] = {}
        """Each shard's gateway connection (discord.py's DiscordWebSocket), the latest."""

        def interaction_created(data: dict[str, Any]) -> None:
            # Called while the shard's connection dispatches the event: its sequence is this
            # event's. Discord routes a guild's events to shard (guild_id >> 22) % count, DMs to 0.
            guild_id = data.get("guild_id")
            shard = (int(guild_id) >> 22) % (self.shard_count or 1) if guild_id else 0
            socket = self.sockets.get(shard)
            seq = socket.sequence if socket is not None else None
            session_id = socket.session_id if socket is not None else None
            adapter.arrived(data, (shard, session_id, seq) if seq and session_id else None)
            parse(data)

        def taken_up_again(data: dict[str, Any]) -> None:
            adapter.arrived(data, None)
            parse(data)

        def ready(data: dict[str, Any]) -> None:
            shard = (data.get("shard") or [0, 1])[0]
            socket = self.sockets.get(shard)
            if socket is not None and socket.sequence is not None:
                adapter.session_opened(
                    shard, data["session_id"], data["resume_gateway_url"], socket.sequence
                )
            parse_ready(data)

        def connected(socket: Any) -> None:
            self.sockets[socket.shard_id or 0] = socket
            update_references(socket)

        # The payload as Discord sent it, for the inbox; discord.py keeps only what it parsed.
        state.parsers["INTERACTION_CREATE"] = interaction_created
        state.parsers["READY"] = ready
        state._update_references = connected  # type: ignore[method-assign]
        self.take_up_again = taken_up_again

    async def setup_hook(self) -> None:
        await self.adapter.setup(self)

    async def on_ready(self) -> None:
        await self.adapter.ready()

    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.adapter.vote(payload)

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.replied(message)


class DiscordAdapter:
    capabilities = CAPABILITIES
    takes_nonce = True  # a message sent again with its nonce is dropped by Discord
    send_limits = SendLimits(overall=(50, 1.0))  # discord.py follows each route's buckets itself

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.services = dispatcher.services
        self.settings = self.services.config.discord
        self.inbox = Inbox(self.services.store, self.services.clock, PLATFORM)
        dispatcher.keeps_updates(PLATFORM, self.inbox)
        self._payloads: dict[str, dict[str, Any]] = {}
        self._again: dict[str, datetime] = {}
        """Interactions taken up again at start, with when they were stored."""
        self._replayed = False
        self.points = salvage.Points(PLATFORM)
        self.client = PustakaClient(self)
        dispatcher.has_private_chats(PLATFORM, self._is_admin, self._home_channel)

    async def run(self) -> None:
        """Serve Discord until cancelled; a refused token ends it with one clear line. Once
        logged in, discord.py reconnects to the gateway by itself."""
        watching = (
            asyncio.create_task(self._keep_taking_over(), name="discord-inbox-adopt")
            if self.services.store.shared
            else None
        )
        try:
            await self._login()
            await self._salvage()
            await self.client.connect(reconnect=True)
        except discord.LoginFailure as error:
            raise PlatformRefused(f"Discord refused the token ({error})") from None
        finally:
            if watching is not None:
                watching.cancel()
                await asyncio.gather(watching, return_exceptions=True)
            self.services.messenger.unregister(PLATFORM)
            await self._record("stopped")
            if not self.client.is_closed():
                await self.client.close()  # close 1000: the sessions end, none to resume
            await gateway_sessions.ended_own(self.services.store, PLATFORM)

    async def _salvage(self) -> None:
        """Before identifying: take back from the last run's gateway sessions the interactions
        it received and did not store (salvage.py); they are handled at ready."""
        shards = list(self.settings.shard_ids) or None
        left = await gateway_sessions.left(self.services.store, PLATFORM, shards)
        if not left:
            return
        try:
            await salvage.salvage(self.inbox, self.settings.token, left, KEPT_TYPES)
        except Exception:
            log.exception("could not take back the last run's Discord interactions")

    async def _record(self, state: str) -> None:
        services = self.services
        await platform_state.record_connection(services.store, services.clock, PLATFORM, state)

    async def _login(self) -> None:
        """Log in, waiting out a network that is down instead of ending the process."""
        outage = Outage(log, "Discord", self._record)
        while True:
            try:
                await self.client.login(self.settings.token)
            except (aiohttp.ClientError, OSError, discord.DiscordServerError) as error:
                await self.client.http.close()
                self.client.http.connector = discord.utils.MISSING  # the closed one is spent
                await outage.failed(error)
                continue
            await outage.succeeded()
            return

    async def setup(self, client: PustakaClient) -> None:
        """Commands, translator and button handler; then sync if the commands changed."""
        registry = self.services.registry
        await client.tree.set_translator(commands.Translator(self.services.i18n, registry))
        for made in commands.build(registry, self.run_command, self.complete):
            client.tree.add_command(made)
        client.add_dynamic_items(PressButton)
        self.services.messenger.register(PLATFORM, self)
        await self._record("connected")
        if self.settings.syncs_commands:
            await self.sync_commands(client)
        else:
            log.info("slash commands are synced by the process running shard 0")

    async def sync_commands(self, client: PustakaClient) -> None:
        """Sync to the configured guilds (instant) or globally, only when the set changed."""
        tree = client.tree
        translator = tree.translator
        assert translator is not None
        payload = [await c.get_translated_payload(tree, translator) for c in tree.get_commands()]
        targets = [str(g) for g in self.settings.guild_ids] or ["global"]
        digest = hashlib.sha256(
            json.dumps({"commands": payload, "to": targets}, sort_keys=True).encode()
        ).hexdigest()
        store = self.services.store
        known = await platform_state.recall(store, PLATFORM, "commands")
        if known == digest:
            log.info("slash commands unchanged; not syncing")
            return
        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(id=guild_id)
                tree.copy_global_to(guild=guild)
                await tree.sync(guild=guild)
        else:
            await tree.sync()
        await platform_state.keep(store, PLATFORM, "commands", digest)
        log.info("slash commands synced to %s", ", ".join(targets))

    # Interactions ------------------------------------------------------------------------------

    def arrived(self, payload: dict[str, Any], where: tuple[int, str, int] | None) -> None:
        """An interaction from the gateway (`where`: its shard, session and sequence number),
        or taken up again, before discord.py hands it to a command or button."""
        if payload.get("type") in KEPT_TYPES and "id" in payload:
            update_id = str(payload["id"])
            self._payloads[update_id] = payload
            if where is not None:
                self.points.arrived(update_id, *where)
            while len(self._payloads) > 1000:  # never taken by a callback (an unknown command)
                del self._payloads[next(iter(self._payloads))]

    def session_opened(self, shard: int, session_id: str, resume_url: str, seq: int) -> None:
        """READY on a shard: keep the session, to take back what a crash cuts (salvage.py)."""
        store = self.services.store
        self.services.tasks.spawn(
            gateway_sessions.opened(store, PLATFORM, shard, session_id, resume_url, seq),
            name=f"discord-session-{shard}",
        )

    async def ready(self) -> None:
        """Connected: take up, once a run, the interactions the last run did not finish."""
        if self._replayed:
            return
        self._replayed = True
        await self.inbox.prune()
        await self._take_up_again()

    async def _keep_taking_over(self) -> None:
        """On a database other processes share: every `SWEEP` seconds, take up the interactions
        a process that stopped did not finish (bot/storage/owners.py)."""
        while True:
            await asyncio.sleep(SWEEP)
            if not self._replayed:
                continue  # not connected yet: ready() takes them up first
            try:
                await self._take_up_again()
            except Exception:
                log.exception("could not look for a stopped process's Discord interactions")

    async def _take_up_again(self) -> None:
        unfinished = await self.inbox.unfinished()
        if not unfinished:
            return
        log.warning(
            "%d Discord interactions were not finished when the process stopped; taken up again"
            " now (one answered already has its answer sent again): %s",
            len(unfinished),
            " ".join(update_id for update_id, _ in unfinished[:20]),
        )
        for update_id, payload in unfinished:
            self._again[update_id] = (
                await self.inbox.received(update_id) or self.services.clock.now()
            )
            try:
                self.client.take_up_again(payload)
            except Exception:
                log.exception("Discord interaction %s could not be read; skipped", update_id)
                self._again.pop(update_id, None)
                await self.inbox.finish(update_id, skipped=True)

    @asynccontextmanager
    async def _handling(self, interaction: discord.Interaction) -> AsyncIterator[str | None]:
        """Store the interaction, then mark it done once handled (also when handling failed, as
        for Telegram; not when the process is stopping: then it is taken up at the next start).
        Gives its id in the inbox; None when it was not seen on the gateway (nothing to keep);
        an interaction already in the inbox and not being taken up again is not handled."""
        update_id = str(interaction.id)
        payload = self._payloads.pop(update_id, None)
        if update_id not in self._again:
            if payload is None:
                yield None
                return
            try:
                new = await self.inbox.take(
                    [(update_id, payload)], also=self.points.advance(update_id)
                )
            finally:
                self.points.stored(update_id)
            if not new:
                log.info("Discord interaction %s was handled already", update_id)
                raise _AlreadyHandled
        try:
            yield update_id
        except asyncio.CancelledError:
            raise
        except BaseException:
            await self._finish(update_id)
            raise
        await self._finish(update_id)

    async def _finish(self, update_id: str) -> None:
        await self.inbox.finish(update_id)
        self._again.pop(update_id, None)

    async def not_run(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> bool:
        """discord.py could not run a slash command before it reached :meth:`run_command`: the
        command is no longer the bot's, or its options changed since the interaction was
        stored. One taken up again at start is then finished here, with one line; nothing
        else would finish it, and it would be taken up again at every start. True when it was
        such an interaction."""
        update_id = str(interaction.id)
        if update_id not in self._again:
            return False
        log.warning(
            "Discord interaction %s, taken up again, cannot be run now (%s); it is skipped",
            update_id,
            error,
        )
        self._again.pop(update_id, None)
        await self.inbox.finish(update_id, skipped=True)
        return True

    def _kept(self, incoming: Incoming, update_id: str | None) -> Incoming:
        return replace(incoming, update_id=update_id, again=update_id in self._again)

    async def _answer_again(
        self, interaction: discord.Interaction, update_id: str, replies: Sequence[Reply]
    ) -> None:
        """An interaction taken up after a stop: a follow-up while its token lasts, else (or when
        Discord refuses it: never acknowledged) ordinary messages, private ones in DMs."""
        if not replies:
            return
        stored = self._again.get(update_id, self.services.clock.now())
        if self.services.clock.now() - stored < TOKEN_LASTS:
            try:
                for reply in replies:
                    for parts in await self._messages(reply):
                        await interaction.followup.send(ephemeral=reply.private, wait=True, **parts)
                return
            except discord.HTTPException as error:
                log.info("no follow-up for interaction %s (%s); posting instead", update_id, error)
        here = Destination(
            PLATFORM,
            str(interaction.channel_id or interaction.user.id),
            str(interaction.guild_id) if interaction.guild_id else None,
        )
        privately = Destination(PLATFORM, str(interaction.user.id), private=True)
        messenger = self.services.messenger
        if public := [r for r in replies if not r.private]:
            await messenger.send(here, *public)
        if private := [r for r in replies if r.private]:
            await messenger.send(privately if interaction.guild_id else here, *private)

    def incoming(self, interaction: discord.Interaction, text: str = "") -> Incoming:
        user = interaction.user
        guild = interaction.guild
        return Incoming(
            platform=PLATFORM,
            member_id=str(user.id),
            display_name=user.display_name,
            channel_id=str(interaction.channel_id or user.id),
            text=text,
            community_id=str(interaction.guild_id) if interaction.guild_id else None,
            community_name=guild.name if guild else "",
            platform_locale=str(interaction.locale.value) if interaction.locale else None,
            platform_moderator=self._is_moderator(interaction),
            direct=interaction.guild_id is None,
        )

    async def _home_channel(self, guild_id: str) -> str | None:
        """Where a moderator's command from a DM posts in a server: its system channel, else
        the first text channel the bot may write in."""
        guild = self.client.get_guild(int(guild_id))
        if guild is None:
            return None
        me = guild.me
        channels = [c for c in [guild.system_channel] if c] + sorted(
            guild.text_channels, key=lambda c: c.position
        )
        for channel in channels:
            if me is None or channel.permissions_for(me).send_messages:
                return str(channel.id)
        return None

    async def _is_admin(self, guild_id: str, user_id: str) -> bool:
        """Whether a member may moderate a server, asked from outside it (a DM): Manage Server
        or the configured moderator role, from the member as the server knows them."""
        guild = self.client.get_guild(int(guild_id))
        if guild is None:
            return False
        try:
            member = guild.get_member(int(user_id)) or await guild.fetch_member(int(user_id))
        except discord.HTTPException:
            return False
        if member.guild_permissions.manage_guild:
            return True
        wanted = self.settings.moderator_role
        return bool(wanted) and any(wanted in (str(role.id), role.name) for role in member.roles)

    def _is_moderator(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            return False
        if interaction.permissions.manage_guild:
            return True
        wanted = self.settings.moderator_role
        roles = getattr(interaction.user, "roles", [])
        return bool(wanted) and any(wanted in (str(role.id), role.name) for role in roles)

    async def run_command(
        self, interaction: discord.Interaction, command: Command, values: dict[str, Any]
    ) -> None:
        """A slash command: run it, deferring first when it takes more than two seconds."""
        values = {
            name: Attachment(value.filename, value.size, value.read)
            if isinstance(value, discord.Attachment)
            else value
            for name, value in values.items()
        }
        try:
            async with self._handling(interaction) as update_id:
                incoming = self._kept(self.incoming(interaction), update_id)
                work = asyncio.ensure_future(self.dispatcher.invoke(incoming, command, values))
                if incoming.again:
                    assert update_id is not None
                    await self._answer_again(interaction, update_id, await work)
                    return
                done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
                if not done:
                    await interaction.response.defer(ephemeral=command.private, thinking=True)
                await self._respond(interaction, await work)
        except _AlreadyHandled:
            return

    async def press(self, interaction: discord.Interaction, data: str) -> None:
        """A button: run its command; the answer replaces the message unless the button keeps it."""
        try:
            async with self._handling(interaction) as update_id:
                await self._press(interaction, data, update_id)
        except _AlreadyHandled:
            return

    async def _press(
        self, interaction: discord.Interaction, data: str, update_id: str | None
    ) -> None:
        pressed = await buttons.decode(self.services.store, data)
        again = update_id in self._again
        if pressed is None:
            if not again:
                await interaction.response.defer()
            return
        incoming = self._kept(self.incoming(interaction, pressed.command), update_id)
        if interaction.message is not None:
            incoming = replace(incoming, pressed_on=str(interaction.message.id))
        if pressed.community_id is not None:
            incoming = await self.dispatcher.acting_on(incoming, pressed.community_id)
        replies = await self.dispatcher.handle_text(incoming)
        if again:
            assert update_id is not None
            await self._answer_again(interaction, update_id, replies)
            return
        public = [r for r in replies if not r.private]
        if not pressed.keep and public and not public[0].poll and not public[0].attachment:
            first = public[0]
            await interaction.response.edit_message(
                embeds=embeds(first)[:10], view=await self.view(first.choices)
            )
            replies = [r for r in replies if r is not first]
        await self._respond(interaction, replies)

    async def complete(
        self, interaction: discord.Interaction, command: Command, param: Param, current: str
    ) -> list[app_commands.Choice[str]]:
        options = await self.dispatcher.autocomplete(
            self.incoming(interaction), command, param.name, current
        )
        return [app_commands.Choice(name=o.label[:100], value=o.value[:100]) for o in options]

    async def vote(self, payload: discord.RawPollVoteActionEvent) -> None:
        """A vote in a native poll runs its option's command as the voter."""
        sent = await polls.find(self.services.store, PLATFORM, str(payload.message_id))
        command = sent.command_for(payload.answer_id - 1) if sent else None
        if sent is None or command is None:
            return
        user = self.client.get_user(payload.user_id) or await self.client.fetch_user(
            payload.user_id
        )
        where = sent.destination
        incoming = Incoming(
            platform=PLATFORM,
            member_id=str(payload.user_id),
            display_name=user.display_name,
            channel_id=where.channel_id,
            text=command,
            community_id=where.community_id,
            community_name=sent.community_name,
        )
        replies = await self.dispatcher.handle_text(incoming)
        try:
            await self.deliver(where, replies, member_id=payload.user_id)
        except Undeliverable as error:
            log.info("answer to a poll vote not delivered: %s", error)

    async def replied(self, message: discord.Message) -> None:
        """A member's message in a server that replies to one of the bot's messages: counted
        when that message is a tracked post; nothing is answered."""
        reference = message.reference
        if (
            message.author.bot
            or message.guild is None
            or reference is None
            or reference.message_id is None
            or reference.channel_id != message.channel.id
        ):
            return
        answered = reference.resolved
        me = self.client.user
        if isinstance(answered, discord.Message) and me and answered.author.id != me.id:
            return
        incoming = Incoming(
            platform=PLATFORM,
            member_id=str(message.author.id),
            display_name=message.author.display_name,
            channel_id=str(message.channel.id),
            text="",
            community_id=str(message.guild.id),
            community_name=message.guild.name,
            reply_to=str(reference.message_id),
        )
        await self.dispatcher.handle_text(incoming)

    async def _respond(self, interaction: discord.Interaction, replies: Sequence[Reply]) -> None:
        for reply in replies:
            for index, parts in enumerate(await self._messages(reply)):
                if not interaction.response.is_done():
                    await interaction.response.send_message(ephemeral=reply.private, **parts)
                    message = await interaction.original_response() if reply.poll else None
                else:
                    message = await interaction.followup.send(
                        ephemeral=reply.private, wait=True, **parts
                    )
                if message is not None and reply.poll and index == 0:
                    await self._remember_poll(message, reply, interaction.guild)

    # Follow-ups ----------------------------------------------------------------------------------

    async def deliver(
        self,
        destination: Destination,
        replies: Sequence[Reply],
        member_id: int | None = None,
        nonce: str | None = None,
    ) -> None:
        """Post to a channel or thread, or privately; :class:`Undeliverable` when Discord refuses
        (closed DMs, no access, gone). With a `nonce` (the outbox's), each message carries one
        derived from it, so Discord drops a message sent again after a crash."""
        for number, reply in enumerate(replies):
            private = destination.private or (reply.private and member_id is not None)
            try:
                if private:
                    user_id = int(destination.channel_id) if destination.private else member_id
                    assert user_id is not None
                    target: Any = self.client.get_user(user_id) or await self.client.fetch_user(
                        user_id
                    )
                else:
                    channel_id = int(destination.thread_id or destination.channel_id)
                    target = self.client.get_channel(channel_id) or await self.client.fetch_channel(
                        channel_id
                    )
                await self._post(target, reply, f"{nonce}.{number}" if nonce else None)
            except discord.Forbidden as error:
                raise Undeliverable(f"closed DMs or no access: {error.text}") from error
            except discord.NotFound as error:
                raise Undeliverable(f"no longer exists: {error.text}") from error

    async def post(self, destination: Destination, reply: Reply) -> list[str]:
        """Post in a channel or thread; in an announcement channel, publish each message to the
        servers following it."""
        try:
            channel = await self._channel(destination)
            posted: list[str] = []
            for parts in await self._messages(reply):
                message = await channel.send(**parts)
                posted.append(str(message.id))
                if isinstance(channel, discord.TextChannel) and channel.is_news():
                    await message.publish()
            await self._track(reply, str(channel.id), posted)
            return posted
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            raise _failed(error) from error

    async def edit(
        self, destination: Destination, message_ids: Sequence[str], reply: Reply
    ) -> None:
        try:
            channel = await self._channel(destination)
            messages = await self._messages(reply)
            if len(messages) > len(message_ids):
                raise PostFailed(PostFailed.REFUSED, "the new text needs more messages")
            for message_id, parts in zip(message_ids, messages, strict=False):
                parts.pop("files", None)  # the picture posted first stays
                await channel.get_partial_message(int(message_id)).edit(**parts)
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            raise _failed(error) from error

    async def delete(self, destination: Destination, message_ids: Sequence[str]) -> None:
        try:
            channel = await self._channel(destination)
            for message_id in message_ids:
                try:
                    await channel.get_partial_message(int(message_id)).delete()
                except discord.NotFound:
                    log.info("message %s in %s was already gone", message_id, destination)
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            raise _failed(error) from error

    async def _channel(self, destination: Destination) -> Any:
        channel_id = int(destination.thread_id or destination.channel_id)
        return self.client.get_channel(channel_id) or await self.client.fetch_channel(channel_id)

    async def open_thread(
        self, where: Destination, name: str, first: Reply, *, again: bool = False
    ) -> Destination:
        """A thread in the channel, or a post in `[discord] forum_channel` when one is set.
        `again`: the bot's own open thread of that name in that channel is taken, opened
        moments before a stop that came before its id was kept (its first message is posted
        when it has none)."""
        forum_id = self.settings.forum_channel
        channel_id = int(forum_id) if forum_id else int(where.thread_id or where.channel_id)
        channel = self.client.get_channel(channel_id) or await self.client.fetch_channel(channel_id)
        if again and (found := await self._own_thread(channel, name[:100])) is not None:
            log.info("thread %s was opened before the stop: taken, not opened again", found.id)
            if found.last_message_id is None:
                await self._post(found, first)
            return Destination(PLATFORM, str(found.id), where.community_id)
        if isinstance(channel, discord.ForumChannel):
            # The post opens with the first message (its buttons too, when it is the only one).
            head, *rest = await self._messages(first)
            head.pop("poll", None)  # a forum post cannot open with a poll
            created = await channel.create_thread(name=name, **head)
            thread = created.thread
            for parts in rest:
                await thread.send(**parts)
        else:
            assert isinstance(channel, discord.TextChannel)
            thread = await channel.create_thread(
                name=name, type=discord.ChannelType.public_thread, auto_archive_duration=10080
            )
            await self._post(thread, first)
        return Destination(PLATFORM, str(thread.id), where.community_id)

    async def _own_thread(self, channel: Any, name: str) -> discord.Thread | None:
        me = self.client.user
        threads = await channel.guild.active_threads()
        return next(
            (
                t
                for t in threads
                if t.parent_id == channel.id and me and t.owner_id == me.id and t.name == name
            ),
            None,
        )

    async def schedule_event(
        self, where: Destination, event: CalendarEvent, *, again: bool = False
    ) -> str:
        """A Discord scheduled event in the community's server (external, at `location`).
        `again`: the bot's own event of that name and start, created moments before a stop
        that came before its id was kept, is taken instead of a second one."""
        guild = await self._guild(where)
        me = self.client.user
        if again:
            for made in await guild.fetch_scheduled_events(with_counts=False):
                same = made.name == event.title[:100] and made.start_time == event.start
                if same and me and made.creator_id == me.id:
                    log.info("scheduled event %s was made before the stop: taken", made.id)
                    return str(made.id)
        created = await guild.create_scheduled_event(
            name=event.title[:100],
            start_time=event.start,
            end_time=event.end or event.start + timedelta(hours=2),
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=(event.location or "—")[:100],
            description=event.description[:1000],
        )
        return str(created.id)

    async def update_event(self, where: Destination, event_id: str, event: CalendarEvent) -> None:
        guild = await self._guild(where)
        found = await guild.fetch_scheduled_event(int(event_id))
        await found.edit(
            name=event.title[:100],
            start_time=event.start,
            end_time=event.end or event.start + timedelta(hours=2),
            location=(event.location or "—")[:100],
            description=event.description[:1000],
        )

    async def cancel_event(self, where: Destination, event_id: str) -> None:
        guild = await self._guild(where)
        try:
            found = await guild.fetch_scheduled_event(int(event_id))
            await found.delete()
        except discord.NotFound:
            log.info("scheduled event %s was already gone", event_id)

    async def _guild(self, where: Destination) -> discord.Guild:
        if where.community_id is None:
            raise ValueError("scheduled events belong to a server, not a private chat")
        guild_id = int(where.community_id)
        return self.client.get_guild(guild_id) or await self.client.fetch_guild(guild_id)

    async def _post(self, target: Any, reply: Reply, nonce: str | None = None) -> None:
        posted: list[str] = []
        for index, parts in enumerate(await self._messages(reply)):
            if nonce:
                parts["nonce"] = f"{nonce}.{index}"[:25]
            message = await target.send(**parts)
            posted.append(str(message.id))
            if index == 0 and reply.poll:
                await self._remember_poll(message, reply, getattr(message, "guild", None))
        if posted:
            await self._track(reply, str(message.channel.id), posted)

    async def _track(self, reply: Reply, channel_id: str, message_ids: list[str]) -> None:
        if reply.tracked is not None:
            now = self.services.clock.now()
            store = self.services.store
            await posts.remember(store, PLATFORM, channel_id, message_ids, reply.tracked, now)

    async def _messages(self, reply: Reply) -> list[dict[str, Any]]:
        """One reply as Discord messages: an embed each; the poll and a moderator's ping with the
        first, the buttons under the last; no mentions otherwise."""
        view = await self.view(reply.choices)
        made = embeds(reply)
        messages = []
        for index, embed in enumerate(made):
            parts: dict[str, Any] = {"embed": embed, "allowed_mentions": NO_MENTIONS}
            if index == len(made) - 1 and view:
                parts["view"] = view
            if index == 0 and reply.poll:
                parts["poll"] = _poll(reply)
            if index == 0 and reply.attachment:
                name, content = reply.attachment
                parts.setdefault("files", []).append(discord.File(io.BytesIO(content), name))
            if index == 0 and reply.image:
                name, content = reply.image
                parts.setdefault("files", []).append(discord.File(io.BytesIO(content), name))
                embed.set_image(url=f"attachment://{name}")
            if index == 0 and reply.ping and not reply.private:
                parts.update(content=reply.ping[:200], allowed_mentions=pinged(reply.ping))
            messages.append(parts)
        return messages

    async def _remember_poll(
        self, message: discord.Message, reply: Reply, guild: discord.Guild | None
    ) -> None:
        assert reply.poll is not None
        destination = Destination(
            PLATFORM, str(message.channel.id), str(guild.id) if guild else None
        )
        await polls.remember(
            self.services.store,
            str(message.id),
            reply.poll,
            destination,
            guild.name if guild else "",
            self.services.clock.now(),
        )

    async def view(self, choices: Sequence[Choice]) -> discord.ui.View | None:
        if not choices:
            return None
        view = discord.ui.View(timeout=None)
        now = self.services.clock.now()
        for choice in choices[:25]:
            if choice.url:
                view.add_item(discord.ui.Button(label=choice.label[:80], url=choice.url))
                continue
            data = await buttons.encode(
                self.services.store,
                choice.command,
                keep=choice.keep,
                now=now,
                community_id=choice.acting_on,
                limit=CUSTOM_ID_LIMIT,
            )
            view.add_item(PressButton(data, choice.label, STYLES[choice.style]))
        return view


class _AlreadyHandled(Exception):
    """An interaction found in the inbox already: discord.py handed it over twice."""


def pinged(ping: str) -> discord.AllowedMentions:
    """Only what the moderator chose pings: the roles named, @everyone or @here when written."""
    roles = [discord.Object(int(found)) for found in ROLE_MENTION.findall(ping)]
    everyone = "@everyone" in ping or "@here" in ping
    return discord.AllowedMentions(everyone=everyone, roles=roles, users=False, replied_user=False)


def _failed(error: Exception) -> PostFailed:
    """What a Discord error means for a post: no permission, gone, or Discord down."""
    detail = str(error)[:300]
    if isinstance(error, discord.Forbidden):
        return PostFailed(PostFailed.FORBIDDEN, detail)
    if isinstance(error, discord.NotFound):
        return PostFailed(PostFailed.GONE, detail)
    if isinstance(error, discord.HTTPException) and error.status < 500:
        return PostFailed(PostFailed.REFUSED, detail)
    return PostFailed(PostFailed.UNAVAILABLE, detail or type(error).__name__)


def _poll(reply: Reply) -> discord.Poll:
    assert reply.poll is not None
    # Discord counts a poll's length in whole hours: rounded up, so the poll never closes
    # before the time the feature announced (a club's vote closing Wednesday 20:00).
    seconds = reply.poll.open_seconds or 86400
    hours = max(1, min(768, -(-seconds // 3600)))
    made = discord.Poll(question=reply.poll.question[:300], duration=timedelta(hours=hours))
    for option in reply.poll.options[:10]:
        made.add_answer(text=option.label[:55])
    return made
