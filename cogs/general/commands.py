from __future__ import annotations

from bot import __version__
from bot.api import identity
from bot.api.commands import N_, Command, Feature, Permission, choice, command, text
from bot.api.context import Context
from bot.api.i18n import LANGUAGE_NAMES, LANGUAGE_WORDS, LANGUAGES
from bot.api.labels import command_usage
from bot.api.replies import Choice, ChoiceStyle, Field, Reply
from bot.api.text import Text
from bot.api.usage import explain
from cogs.general import privacy


class General(Feature):
    name = "general"
    description = N_("General")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "code": N_("parameter:code"),
        "command": N_("parameter:command"),
        "confirmation": N_("parameter:confirmation"),
        "language": N_("parameter:language"),
    }

    @command(
        "start",
        N_("Say hello and see where to begin."),
        text("code", N_("A start code from a link (optional)"), required=False, rest=True),
        aliases=("mulai",),
    )
    async def welcome(self, ctx: Context, code: str | None = None) -> Reply:
        bot = self.services.config.bot
        return Reply.of(
            ctx._(
                "I am the bot of {library}: ask me about books, join quizzes, reading clubs and "
                "events. Type /help to see what I can do."
            ).format(library=bot.name),
            title=ctx._("Welcome, {name}!").format(name=ctx.member.display_name),
            choices=_language_choices(ctx.locale),
        )

    @command(
        "help",
        N_("Show the commands you can use, or how to use one of them."),
        text("command", N_("A command to explain, such as lang"), required=False, rest=True),
        aliases=("bantuan",),
    )
    async def help(self, ctx: Context, command: str | None = None) -> Reply:
        registry = self.services.registry
        usable = registry.usable(ctx.is_moderator)
        if command:
            name = command.lstrip("/")
            wanted = registry.find(name)
            if wanted is not None and wanted in usable:
                return Reply.of(explain(wanted, ctx._), title="/" + wanted.name)
            group = registry.group(name.lower(), ctx.is_moderator)
            if group:
                return Reply.of(Text.join((explain(c, ctx._) for c in group), "\n\n"))
            return Reply.of(
                ctx._("There is no command /{command}. Type /help to see them all.").format(
                    command=name[:40]
                )
            )
        fields = []
        for feature in registry.features:
            mine = [c for c in usable if c.feature is feature]
            if mine:
                fields.append(Field(ctx._(feature.description), _overview(ctx, mine)))
        moderated = any(c.permission is Permission.MODERATOR for c in usable)
        return Reply.of(
            ctx._("Type /help followed by a command to learn more, for example: /help event"),
            title=ctx._("What I can do"),
            fields=fields,
            footer=ctx._("* moderators only") if moderated else None,
        )

    @command(
        "lang",
        N_("Choose the language I use with you."),
        choice("language", N_("Your language"), LANGUAGES, required=False, synonyms=LANGUAGE_WORDS),
        aliases=("bahasa",),
    )
    async def lang(self, ctx: Context, language: str | None = None) -> Reply:
        if language is None:
            return Reply.of(
                ctx._("I speak {language} with you. Choose another:").format(
                    language=LANGUAGE_NAMES[ctx.locale]
                ),
                choices=_language_choices(ctx.locale),
            )
        await identity.set_member_locale(ctx.store, ctx.member, language)
        _ = self.services.i18n.translations(language).gettext
        return Reply.of(
            _("From now on I will answer you in {language}.").format(
                language=LANGUAGE_NAMES[language]
            )
        )

    @command("about", N_("About this library and its bot."), aliases=("tentang",))
    async def about(self, ctx: Context) -> Reply:
        bot = self.services.config.bot
        links = self.services.config.links
        return Reply.of(
            bot.description
            or ctx._(
                "{name} on Discord, Telegram and beyond: books, quizzes, clubs and events."
            ).format(name=bot.name),
            title=bot.name,
            fields=[Field(label, Text.link(url, url)) for label, url in links],
            footer=ctx._("Pustaka {version}, free and open-source software").format(
                version=__version__
            ),
        )

    show_privacy = privacy.show_privacy
    forget_me = privacy.forget_me


def _overview(ctx: Context, commands: list[Command]) -> Text:
    """One line a command, or a group's subcommands on one line (``/event create · list``), so
    the whole list fits one Telegram message however many features a library runs."""
    entries: dict[str, list[Command]] = {}
    for declared in commands:
        key = declared.path[0] if len(declared.path) > 1 else "/" + declared.name
        entries.setdefault(key, []).append(declared)
    lines = []
    for key, members in entries.items():
        if key.startswith("/"):
            [single] = members
            lines.append(
                Text.format(
                    "`{usage}`{mark} — {about}",
                    usage=command_usage(single, ctx._),
                    mark=_mark(single),
                    about=ctx._(single.description),
                )
            )
        else:
            words = " · ".join(" ".join(c.path[1:]) + _mark(c) for c in members)
            lines.append(Text.format("`/{root}` {words}", root=key, words=words))
    return Text.join(lines, "\n")


def _mark(command: Command) -> str:
    return "*" if command.permission is Permission.MODERATOR else ""


def _language_choices(current: str) -> list[Choice]:
    return [
        Choice(
            LANGUAGE_NAMES[code],
            f"/lang {code}",
            ChoiceStyle.PRIMARY if code == current else ChoiceStyle.NORMAL,
        )
        for code, _label in LANGUAGES
    ]
