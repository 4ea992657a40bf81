"""Pustaka on Telegram through python-telegram-bot's Application.

Messages become :class:`Incoming` for the dispatcher; replies go back as HTML messages with inline
keyboards, photos with captions, and native polls. Flood control is PTB's AIORateLimiter (which
waits out a 429's retry_after); network errors are retried here with backoff, so a reply is not
lost to a passing failure.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeDefault,
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    PhotoSize,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ParseMode, PollType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.adapters.backoff import Outage
from bot.adapters.errors import PlatformRefused
from bot.adapters.telegram.admins import AdminCache
from bot.adapters.telegram.fairness import FairUpdateProcessor
from bot.adapters.telegram.marks import with_marks
from bot.adapters.telegram.polling import InboxPoller, WebhookReceiver, retry_seconds
from bot.adapters.telegram.render import CAPTION_LIMIT, MESSAGE_LIMIT, chunks, reply_lines
from bot.api import buttons, platform_state, polls, posts
from bot.api.capabilities import Capabilities
from bot.api.context import Destination, Incoming
from bot.api.dispatch import Dispatcher
from bot.api.files import Attachment
from bot.api.messenger import PostFailed
from bot.api.outbox import SendLimits, Undeliverable
from bot.api.replies import Choice, Reply
from bot.config import SUPPORTED_LOCALES
from bot.storage.inbox import Inbox
from bot.storage.scheduler import Job

log = logging.getLogger("pustaka.telegram")

PLATFORM = "telegram"
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg")
CAPABILITIES = Capabilities(
    native_polls=True,
    quiz_polls=True,
    hashtag_homes=True,
    text_limit=MESSAGE_LIMIT,
    caption_limit=CAPTION_LIMIT,
    images=True,
)
STOP_POLL = "telegram-stop-poll"
OPEN_PERIOD_LIMIT = 600  # seconds: Telegram closes a poll by itself only within this
ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "poll_answer"]
SEND_ATTEMPTS = 5
LIMITS = SendLimits(per_chat=(3, 3.0), per_group=(20, 60.0), overall=(30, 1.0))
"""Telegram's: about a message a second in a chat (a short burst is let through, as Telegram
does), 20 a minute in a group, 30 a second in all."""
COMMUNITY_TYPES = (Chat.GROUP, Chat.SUPERGROUP, Chat.CHANNEL)
"""Chats that are a community: a channel is one too, where the library broadcasts."""
T = TypeVar("T")


class TelegramAdapter:
    capabilities = CAPABILITIES
    send_limits = LIMITS

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.services = dispatcher.services
        self.settings = self.services.config.telegram
        self.webhook = self.settings.mode == "webhook"
        inbox = Inbox(self.services.store, self.services.clock, PLATFORM)
        self.application = self._build(inbox)
        self.admins = AdminCache(self.application.bot, self.services.clock)
        self.poller = InboxPoller(self.application, inbox, ALLOWED_UPDATES, self._record)
        dispatcher.keeps_updates(PLATFORM, inbox)
        self.services.scheduler.handle(STOP_POLL, self._stop_poll)
        dispatcher.has_private_chats(PLATFORM, self._is_admin)

    async def _is_admin(self, chat_id: str, user_id: str) -> bool:
        return await self.admins.is_admin(chat_id, int(user_id))

    def _build(self, inbox: Inbox) -> Application:
        self.processor = FairUpdateProcessor()
        base = self.settings.base_url.rstrip("/")
        builder = (
            ApplicationBuilder()
            .token(self.settings.token)
            .base_url(base)
            .base_file_url(base.removesuffix("/bot") + "/file/bot")
            .rate_limiter(AIORateLimiter(max_retries=5))
            .concurrent_updates(self.processor)
            .job_queue(None)  # timed work is the durable scheduler's; PTB's would be in memory
        )
        application = builder.build()
        text = filters.UpdateType.MESSAGE & filters.TEXT
        application.add_handler(MessageHandler(text, self._on_message))
        document = filters.UpdateType.MESSAGE & filters.Document.ALL & filters.CaptionRegex(r"^/")
        application.add_handler(MessageHandler(document, self._on_message))
        photo = filters.UpdateType.MESSAGE & filters.PHOTO & filters.CaptionRegex(r"^/")
        application.add_handler(MessageHandler(photo, self._on_message))
        posted = filters.UpdateType.CHANNEL_POST & filters.TEXT & filters.Regex(r"^/")
        application.add_handler(MessageHandler(posted, self._on_channel_post))
        application.add_handler(CallbackQueryHandler(self._on_callback))
        application.add_handler(PollAnswerHandler(self._on_poll_answer))
        application.add_error_handler(self._on_error)
        return application

    async def run(self) -> None:
        """Serve Telegram until cancelled; a refused token ends it with one clear line."""
        application = self.application
        await self._connect()
        try:
            await self._set_commands()
            self.services.messenger.register(PLATFORM, self)
            await application.start()
            await self._record("connected")
            assert application.updater is not None
            log.info("serving Telegram as @%s (%s)", application.bot.username, self.settings.mode)
            if not self.webhook:
                await self.poller.run()
            else:
                await self.poller.replay()
                # Stored before the webhook's 200 (bot/adapters/telegram/polling.py).
                receiver = WebhookReceiver(
                    self.poller,
                    self.settings.listen,
                    self.settings.port,
                    self.settings.secret_token,
                )
                await receiver.start()
                try:
                    await self._call(
                        lambda: application.bot.set_webhook(
                            self.settings.webhook_url,
                            allowed_updates=ALLOWED_UPDATES,
                            secret_token=self.settings.secret_token or None,
                        )
                    )
                    await self.poller.keep_taking_over()
                finally:
                    await receiver.stop()
        except InvalidToken as error:
            raise PlatformRefused(f"Telegram refused the token ({error})") from None
        finally:
            self.services.messenger.unregister(PLATFORM)
            if application.updater and application.updater.running:
                await application.updater.stop()
            # Stored in the inbox, what is cut short now is handled at the next start.
            self.processor.cancel_all()
            if application.running:
                await application.stop()
            await application.shutdown()
            await self._record("stopped")

    async def _record(self, state: str) -> None:
        services = self.services
        await platform_state.record_connection(services.store, services.clock, PLATFORM, state)

    async def _connect(self) -> None:
        """Log in, waiting out a network that is down instead of ending the process."""
        outage = Outage(log, "Telegram", self._record)
        while True:
            try:
                await self.application.initialize()
            except InvalidToken as error:
                raise PlatformRefused(f"Telegram refused the token ({error})") from None
            except NetworkError as error:
                await outage.failed(error)
                continue
            await outage.succeeded()
            return

    # Updates ---------------------------------------------------------------------------------

    async def _on_message(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        text = message and (message.text or message.caption)
        if message is None or message.from_user is None or not text:
            return
        if not self._addressed_to_me(text):
            return
        entities = message.entities if message.text else message.caption_entities
        marked = with_marks(text, entities)
        incoming = await self._incoming(message.chat, message.from_user, marked, message)
        answered = message.reply_to_message
        if answered and answered.from_user and answered.from_user.id == self.application.bot.id:
            incoming = replace(incoming, reply_to=str(answered.message_id))
        incoming = self._kept(update, incoming)
        if message.document is not None:
            incoming = replace(incoming, attachments=(self._attachment(message.document),))
        elif message.photo:
            incoming = replace(incoming, attachments=(self._attachment(message.photo[-1]),))
        replies = await self.dispatcher.handle_text(incoming)
        await self._send(message.chat, replies, reply_to=message, member=message.from_user)

    async def _on_channel_post(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A command posted in a channel: only its administrators can post there, so the channel
        itself acts, as a moderator (how a library links its broadcast channel)."""
        post = update.channel_post
        if post is None or not post.text or not self._addressed_to_me(post.text):
            return
        chat = post.chat
        incoming = Incoming(
            platform=PLATFORM,
            member_id=str(chat.id),
            display_name=chat.title or str(chat.id),
            channel_id=str(chat.id),
            text=with_marks(post.text, post.entities),
            community_id=str(chat.id),
            community_name=chat.title or "",
            platform_moderator=True,
        )
        replies = await self.dispatcher.handle_text(self._kept(update, incoming))
        await self._send(chat, replies, reply_to=post)

    async def _on_callback(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        pressed = await buttons.decode(self.services.store, query.data)
        message = query.message if isinstance(query.message, Message) else None
        if pressed is None or message is None:
            await self._call(lambda: query.answer())
            return
        incoming = await self._incoming(message.chat, query.from_user, pressed.command, message)
        incoming = replace(incoming, pressed_on=str(message.message_id))
        incoming = self._kept(update, incoming)
        if pressed.community_id is not None:
            incoming = await self.dispatcher.acting_on(incoming, pressed.community_id)
        replies = await self.dispatcher.handle_text(incoming)
        await self._answer_press(query, message, pressed.keep, replies)

    async def _on_poll_answer(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        answer = update.poll_answer
        if answer is None or answer.user is None or not answer.option_ids:
            return
        sent = await polls.find(self.services.store, PLATFORM, answer.poll_id)
        command = sent.command_for(answer.option_ids[0]) if sent else None
        if sent is None or command is None:
            return
        where = sent.destination
        incoming = Incoming(
            platform=PLATFORM,
            member_id=str(answer.user.id),
            display_name=answer.user.full_name,
            channel_id=where.channel_id,
            text=command,
            community_id=where.community_id,
            community_name=sent.community_name,
            thread_id=where.thread_id,
            platform_locale=answer.user.language_code,
            platform_moderator=where.community_id is not None
            and await self.admins.is_admin(where.community_id, answer.user.id),
        )
        incoming = self._kept(update, incoming)
        replies = await self.dispatcher.handle_text(incoming)
        await self.deliver(incoming.destination, replies, member=answer.user)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling a Telegram update", exc_info=context.error)

    # Who, where ------------------------------------------------------------------------------

    def _kept(self, update: Update, incoming: Incoming) -> Incoming:
        """The update's id in the inbox, and whether it is taken up again after a stop."""
        update_id = str(update.update_id)
        return replace(incoming, update_id=update_id, again=update_id in self.poller.again)

    def _addressed_to_me(self, text: str) -> bool:
        """``/cmd@OtherBot`` in a group is for another bot."""
        if not text.startswith("/"):
            return True
        first = text.split(maxsplit=1)[0]
        if "@" not in first:
            return True
        username = self.application.bot.username or ""
        return first.split("@", 1)[1].lower() == username.lower()

    async def _incoming(self, chat: Chat, user: User, text: str, message: Message) -> Incoming:
        group = chat.type in COMMUNITY_TYPES
        thread = message.message_thread_id if message.is_topic_message else None
        return Incoming(
            platform=PLATFORM,
            member_id=str(user.id),
            display_name=user.full_name or user.username or str(user.id),
            channel_id=str(chat.id),
            text=text,
            community_id=str(chat.id) if group else None,
            community_name=chat.title or "",
            thread_id=str(thread) if thread else None,
            platform_locale=user.language_code,
            platform_moderator=group and await self.admins.is_admin(chat.id, user.id),
            direct=chat.type == Chat.PRIVATE,
        )

    def _attachment(self, document: Document | PhotoSize) -> Attachment:
        """A document or the largest size of a photo sent with a command, downloaded only when
        the command reads it."""

        async def fetch() -> bytes:
            file = await self._call(lambda: document.get_file())
            return bytes(await self._call(lambda: file.download_as_bytearray()))

        name = getattr(document, "file_name", None) or (
            f"photo-{document.file_unique_id}.jpg" if isinstance(document, PhotoSize) else "file"
        )
        return Attachment(name, document.file_size, fetch)

    # Sending ---------------------------------------------------------------------------------

    async def deliver(
        self, destination: Destination, replies: Sequence[Reply], member: User | None = None
    ) -> None:
        """Follow-up messages from features, to a chat, a forum topic or a member;
        :class:`Undeliverable` when Telegram refuses (bot blocked or removed, chat gone)."""
        thread = int(destination.thread_id) if destination.thread_id else None
        for reply in replies:
            target = destination.channel_id
            if reply.private and not destination.private and member is not None:
                target = str(member.id)
            try:
                await self._post(
                    int(target), reply, thread=None if target != destination.channel_id else thread
                )
            except (Forbidden, BadRequest) as error:
                raise Undeliverable(error.message) from error

    async def post(self, destination: Destination, reply: Reply) -> list[str]:
        """Post to a group, forum topic or channel (where the bot is an administrator)."""
        thread = int(destination.thread_id) if destination.thread_id else None
        try:
            sent = await self._post(int(destination.channel_id), reply, thread=thread)
        except TelegramError as error:
            raise _failed(error) from error
        return [str(message.message_id) for message in sent]

    async def edit(
        self, destination: Destination, message_ids: Sequence[str], reply: Reply
    ) -> None:
        """New text in place: a picture's caption, or the text of a message."""
        bot = self.application.bot
        chat = int(destination.channel_id)
        keyboard = await self._keyboard(reply.choices)
        lines = reply_lines(reply)
        texts = chunks(lines, CAPTION_LIMIT) if reply.image or reply.image_url else chunks(lines)
        if len(texts) > len(message_ids):
            raise PostFailed(PostFailed.REFUSED, "the new text needs more messages")
        try:
            for index, (message_id, text) in enumerate(zip(message_ids, texts, strict=False)):
                markup = keyboard if index == len(texts) - 1 else None
                if index == 0 and (reply.image or reply.image_url):
                    await self._call(
                        lambda message_id=message_id, text=text, markup=markup: (
                            bot.edit_message_caption(
                                chat,
                                int(message_id),
                                caption=text or None,
                                parse_mode=ParseMode.HTML,
                                reply_markup=markup,
                            )
                        )
                    )
                    continue
                await self._call(
                    lambda message_id=message_id, text=text, markup=markup: bot.edit_message_text(
                        text,
                        chat,
                        int(message_id),
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
                )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise _failed(error) from error
        except TelegramError as error:
            raise _failed(error) from error

    async def delete(self, destination: Destination, message_ids: Sequence[str]) -> None:
        chat = int(destination.channel_id)
        for message_id in message_ids:
            try:
                await self._call(
                    lambda message_id=message_id: self.application.bot.delete_message(
                        chat, int(message_id)
                    )
                )
            except BadRequest as error:
                if "not found" not in str(error).lower():
                    raise _failed(error) from error
                log.info("message %s in %s was already gone", message_id, chat)
            except TelegramError as error:
                raise _failed(error) from error

    async def open_thread(
        self, where: Destination, name: str, first: Reply, *, again: bool = False
    ) -> Destination:
        """A forum topic where the group is a forum; elsewhere the chat itself. (The Bot API
        cannot list a group's topics, so `again` cannot find one opened before a stop.)"""
        topic = None
        if int(where.channel_id) < 0:
            try:
                topic = await self._call(
                    lambda: self.application.bot.create_forum_topic(
                        int(where.channel_id), name[:128]
                    )
                )
            except BadRequest as error:
                log.info("no forum topic in %s (%s); using the chat", where.channel_id, error)
        if topic is not None:
            where = Destination(
                PLATFORM, where.channel_id, where.community_id, str(topic.message_thread_id)
            )
        await self.deliver(where, [first])
        return where

    async def _send(
        self,
        chat: Chat,
        replies: Sequence[Reply],
        *,
        reply_to: Message,
        member: User | None = None,
    ) -> None:
        thread = reply_to.message_thread_id if reply_to.is_topic_message else None
        for reply in replies:
            if reply.private and chat.type != Chat.PRIVATE and member is not None:
                try:
                    await self._post(member.id, reply)
                    continue
                except Forbidden:
                    log.info(
                        "member %s has not started a private chat; answering in the group",
                        member.id,
                    )
            await self._post(chat.id, reply, thread=thread, reply_to=reply_to.message_id)

    async def _post(
        self, chat_id: int, reply: Reply, *, thread: int | None = None, reply_to: int | None = None
    ) -> list[Message]:
        """Send one reply; the messages it became (text and picture ones), first to last."""
        bot = self.application.bot
        sent: list[Message] = []
        common: dict[str, Any] = {"message_thread_id": thread}
        if reply_to is not None:
            common["reply_parameters"] = ReplyParameters(reply_to, allow_sending_without_reply=True)
        keyboard = await self._keyboard(reply.choices)
        lines = reply_lines(reply)
        if reply.image_url or reply.image:
            photo: Any = reply.image_url
            if reply.image:
                photo = InputFile(reply.image[1], filename=reply.image[0])
            caption, *rest = chunks(lines, CAPTION_LIMIT) or [""]
            message = await self._call(
                lambda: bot.send_photo(
                    chat_id,
                    photo,
                    caption=caption or None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None if rest else keyboard,
                    **common,
                )
            )
            sent.append(message)
        else:
            rest = chunks(lines)
        for index, text in enumerate(rest):
            last = index == len(rest) - 1
            message = await self._call(
                lambda text=text, last=last: bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard if last else None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    **common,
                )
            )
            sent.append(message)
        if reply.attachment:
            name, content = reply.attachment
            # A picture is shown in the chat as a photo; any other file as a document.
            send = bot.send_photo if name.lower().endswith(PHOTO_SUFFIXES) else bot.send_document
            await self._call(lambda: send(chat_id, InputFile(content, filename=name), **common))
        if reply.poll:
            await self._send_poll(chat_id, reply, thread)
        if reply.tracked and sent:
            ids = [str(message.message_id) for message in sent]
            store, now = self.services.store, self.services.clock.now()
            await posts.remember(store, PLATFORM, str(chat_id), ids, reply.tracked, now)
        return sent

    async def _send_poll(self, chat_id: int, reply: Reply, thread: int | None) -> None:
        poll = reply.poll
        assert poll is not None
        quiz = poll.correct is not None
        message = await self._call(
            lambda: self.application.bot.send_poll(
                chat_id,
                poll.question[:300],
                [option.label[:100] for option in poll.options],
                is_anonymous=False,
                type=PollType.QUIZ if quiz else PollType.REGULAR,
                correct_option_ids=[poll.correct] if quiz else None,
                explanation=(poll.explanation or "")[:200] or None,
                # Telegram closes a poll by itself only within 5 to 600 seconds; a longer one
                # is stopped by a scheduled job (below) when the feature closes the vote.
                open_period=poll.open_seconds
                if poll.open_seconds and 5 <= poll.open_seconds <= OPEN_PERIOD_LIMIT
                else None,
                message_thread_id=thread,
            )
        )
        if message.poll is None:
            return
        if poll.open_seconds and poll.open_seconds > OPEN_PERIOD_LIMIT:
            await self.services.scheduler.schedule(
                STOP_POLL,
                f"{STOP_POLL}:{chat_id}:{message.message_id}",
                self.services.clock.now() + timedelta(seconds=poll.open_seconds),
                {"chat": chat_id, "message": message.message_id},
            )
        chat = message.chat
        group = chat.type in COMMUNITY_TYPES
        await polls.remember(
            self.services.store,
            message.poll.id,
            poll,
            Destination(
                PLATFORM,
                str(chat_id),
                str(chat_id) if group else None,
                str(thread) if thread else None,
            ),
            chat.title or "",
            self.services.clock.now(),
        )

    async def _stop_poll(self, job: Job) -> None:
        """A long poll's time is up: stop it, so the chat shows it closed with its results."""
        chat, message = int(job.payload["chat"]), int(job.payload["message"])
        try:
            await self._call(lambda: self.application.bot.stop_poll(chat, message))
        except (BadRequest, Forbidden) as error:  # deleted, already closed, or bot removed
            log.info("poll %s in %s not stopped: %s", message, chat, error)

    async def _answer_press(
        self, query: CallbackQuery, message: Message, keep: bool, replies: list[Reply]
    ) -> None:
        """Every press is answered: a private note as an alert, the result in place or below."""
        private = [r for r in replies if r.private and not r.choices and len(str(r.text)) <= 200]
        public = [r for r in replies if r not in private]
        alert = "\n".join(str(r.text) for r in private) or None
        await self._call(lambda: query.answer(alert, show_alert=bool(alert)))
        if not public:
            return
        first, *others = public
        if not keep and not first.image_url and not first.poll and not first.attachment:
            texts = chunks(reply_lines(first))
            if len(texts) == 1:
                keyboard = await self._keyboard(first.choices)
                await self._call(
                    lambda: query.edit_message_text(
                        texts[0],
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
                )
                public = others
        await self._send(message.chat, public, reply_to=message, member=query.from_user)

    async def _keyboard(self, choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
        if not choices:
            return None
        now = self.services.clock.now()
        rows: list[list[InlineKeyboardButton]] = [[]]
        width = 0
        for choice in choices:
            if choice.url:
                rows.append([InlineKeyboardButton(choice.label[:64], url=choice.url)])
                rows.append([])
                width = 0
                continue
            data = await buttons.encode(
                self.services.store,
                choice.command,
                keep=choice.keep,
                now=now,
                community_id=choice.acting_on,
            )
            if rows[-1] and (len(rows[-1]) == 3 or width + len(choice.label) > 30):
                rows.append([])
                width = 0
            rows[-1].append(InlineKeyboardButton(choice.label[:64], callback_data=data))
            width += len(choice.label)
        return InlineKeyboardMarkup([row for row in rows if row])

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        """Send, retrying network errors with backoff; the rate limiter already waits out 429s."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await request()
            except RetryAfter as error:
                seconds = retry_seconds(error)
                log.warning("Telegram asked to wait %.0f s", seconds)
                await self.services.clock.sleep(seconds)
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("sending failed (%s); attempt %d of %d", error, attempt, SEND_ATTEMPTS)
                await self.services.clock.sleep(min(2.0**attempt, 30.0))
        raise TelegramError("gave up sending after repeated waits")

    # Command menu ----------------------------------------------------------------------------

    async def _set_commands(self) -> None:
        """The command menu in each language; moderator commands only for chat administrators."""
        bot = self.application.bot
        registry = self.services.registry
        default_locale = self.services.config.bot.locale
        for locale in (*SUPPORTED_LOCALES, None):
            _ = self.services.i18n.translations(locale or default_locale).gettext
            for scope, moderator in (
                (BotCommandScopeDefault(), False),
                (BotCommandScopeAllChatAdministrators(), True),
            ):
                menu: dict[str, str] = {}
                for command in registry.usable(moderator):
                    root = command.path[0]
                    about = _(
                        command.description
                        if len(command.path) == 1
                        else command.feature.description
                    )
                    menu.setdefault(root, about[:256] or root)
                commands = [BotCommand(name, about) for name, about in menu.items()]
                try:
                    await self._call(
                        lambda commands=commands, scope=scope, locale=locale: bot.set_my_commands(
                            commands, scope=scope, language_code=locale
                        )
                    )
                except TelegramError:
                    log.exception("could not set the command menu")


def _failed(error: TelegramError) -> PostFailed:
    """What a Telegram error means for a post: the bot removed or muted, gone, or Telegram down."""
    detail = str(error)[:300]
    if isinstance(error, Forbidden):
        return PostFailed(PostFailed.FORBIDDEN, detail)
    if isinstance(error, BadRequest):
        lowered = detail.lower()
        if "not found" in lowered or "deactivated" in lowered or "upgraded" in lowered:
            return PostFailed(PostFailed.GONE, detail)
        if "rights" in lowered or "not enough" in lowered or "administrator" in lowered:
            return PostFailed(PostFailed.FORBIDDEN, detail)
        return PostFailed(PostFailed.REFUSED, detail)
    return PostFailed(PostFailed.UNAVAILABLE, detail or type(error).__name__)
