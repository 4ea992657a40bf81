from __future__ import annotations

from bot.api import identity
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, choice, command, text
from bot.api.context import Context
from bot.api.i18n import LANGUAGE_NAMES, LANGUAGE_WORDS, LANGUAGES
from bot.api.replies import Reply
from cogs.settings.timezones import find_timezone


class Settings(Feature):
    name = "settings"
    description = N_("Community settings")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "language": N_("parameter:language"),
        "timezone": N_("parameter:timezone"),
    }

    @command(
        "settings show",
        N_("Show this community's settings."),
        permission=Permission.MODERATOR,
        aliases=("pengaturan lihat",),
    )
    async def show(self, ctx: Context) -> Reply:
        community = ctx.require_community()
        bot = self.services.config.bot
        locale = community.locale or bot.locale
        return Reply.of(
            title=ctx._("Settings of {community}").format(community=community.name),
            fields=[
                (ctx._("Default language"), LANGUAGE_NAMES[locale]),
                (ctx._("Timezone"), community.timezone or bot.timezone),
            ],
        )

    @command(
        "settings language",
        N_("Set the language for members who have not chosen one."),
        choice("language", N_("The community's language"), LANGUAGES, synonyms=LANGUAGE_WORDS),
        permission=Permission.MODERATOR,
        aliases=("pengaturan bahasa",),
    )
    async def language(self, ctx: Context, language: str) -> Reply:
        community = ctx.require_community()
        await identity.set_community_locale(ctx.store, community, language)
        return Reply.of(
            ctx._("Members who have not chosen a language now get {language}.").format(
                language=LANGUAGE_NAMES[language]
            )
        )

    @command(
        "settings timezone",
        N_("Set the community's timezone, used for events and reminders."),
        text("timezone", N_("WIB, WITA, WIT or a name such as Asia/Jakarta"), rest=True),
        permission=Permission.MODERATOR,
        aliases=("pengaturan zona",),
    )
    async def timezone(self, ctx: Context, timezone: str) -> Reply:
        community = ctx.require_community()
        name = find_timezone(timezone)
        if name is None:
            raise UserError(
                ctx._(
                    "I don't know the timezone {timezone}. Try WIB, WITA, WIT or Asia/Jakarta."
                ).format(timezone=timezone[:60])
            )
        await identity.set_community_timezone(ctx.store, community, name)
        for feature in self.services.registry.features:
            await feature.on_timezone_changed(community.id)
        return Reply.of(ctx._("This community's timezone is now {timezone}.").format(timezone=name))
