"""/privacy and /forgetme: a member sees what the bot keeps about them and has it forgotten.

What is kept is declared by each feature (bot/api/privacy.py); these commands only read the
declarations, so a new feature's data shows up here without a change. The handlers are the
general feature's methods (assigned in its class, after its own commands, for /help's order).
"""

from __future__ import annotations

from bot.api import privacy
from bot.api.commands import N_, Feature, command, text
from bot.api.context import Context
from bot.api.replies import Choice, ChoiceStyle, Field, Reply
from bot.api.text import Text

CONFIRMING = frozenset({"yes", "ya", "y", "confirm", "yakin", "setuju"})
PLATFORM_NAMES = {"console": N_("the console"), "telegram": "Telegram", "discord": "Discord"}


@command(
    "privacy",
    N_("See what I keep about you."),
    aliases=("privasi",),
    private=True,
)
async def show_privacy(self: Feature, ctx: Context) -> Reply:
    found = await privacy.inventory(ctx.store, self.services.privacy, ctx.member)
    groups: dict[str, list[Text]] = {}
    for item in found.found:
        line = Text.format(
            "• {about}: {count}",
            about=ctx._(item.personal.about),
            count=item.count,
        )
        if item.examples:
            line += Text.format(" — {examples}", examples=", ".join(item.examples))
        if item.personal.forget is privacy.Forget.ANONYMISE:
            line += Text.plain(" " + ctx._("(kept without your name)"))
        groups.setdefault(item.package, []).append(line)
    if found.traces:
        groups.setdefault(privacy.CORE, []).append(
            Text.format(
                "• {about}: {count}",
                about=ctx._("Messages and scheduled posts that name you"),
                count=found.traces,
            )
        )
    fields = [
        Field(_group_name(self, ctx, package), Text.join(lines, "\n"))
        for package, lines in sorted(groups.items(), key=lambda g: g[0] != privacy.CORE)
    ]
    return Reply.of(
        ctx._(
            "This is what I keep about you as {name} on {platform}. Your name shows where "
            "you took part (leaderboards, club progress, suggestions)."
        ).format(name=ctx.member.display_name, platform=_platform(ctx)),
        title=ctx._("What I keep about you"),
        fields=fields,
        footer=ctx._(
            "/forgetme deletes it. Quiz points, votes and suggestions stay without your name, "
            "so leaderboards and counts stay right."
        ),
    )


def _group_name(self: Feature, ctx: Context, package: str) -> str:
    if package == privacy.CORE:
        return ctx._("You as a member")
    feature = next((f for f in self.services.registry.features if f.name == package), None)
    return ctx._(feature.description) if feature and feature.description else package


@command(
    "forgetme",
    N_("Have me forget everything I keep about you (asks first)."),
    text("confirmation", N_("yes, to confirm"), required=False, rest=True, max_length=40),
    aliases=("lupakansaya", "hapusdata"),
    private=True,
)
async def forget_me(self: Feature, ctx: Context, confirmation: str | None = None) -> Reply:
    typed = ctx._("/forgetme yes")
    if confirmation is None:
        return Reply.of(
            ctx._(
                "This deletes everything I keep about you on {platform}: your name, shelf, "
                "ratings and reviews, RSVPs, reminders, club membership and progress. Quiz "
                "points, votes, suggestions and the record of commands used stay without your "
                "name. It cannot be undone. To go ahead, press the button or type {command}. "
                "/privacy shows what I keep."
            ).format(platform=_platform(ctx), command=typed),
            title=ctx._("Forget you?"),
            choices=[Choice(ctx._("Yes, forget me"), typed, ChoiceStyle.DANGER)],
        )
    if confirmation.strip().casefold() not in CONFIRMING:
        return Reply.of(
            ctx._("Nothing was deleted. To have me forget you, type {command}.").format(
                command=typed
            )
        )
    bot_words = self.services.i18n.translations(self.services.config.bot.locale)
    changed = await privacy.forget(
        ctx.store,
        self.services.privacy,
        ctx.member,
        ctx.clock.now(),
        former=bot_words.gettext(privacy.FORMER_MEMBER),
    )
    await self.services.events.publish(privacy.MemberForgotten(ctx.member.id))
    return Reply.of(
        ctx.ngettext(
            "I have forgotten you: {count} record deleted or made anonymous. If you write "
            "to me again, I start afresh.",
            "I have forgotten you: {count} records deleted or made anonymous. If you write "
            "to me again, I start afresh.",
            changed,
        ).format(count=changed)
    )


def _platform(ctx: Context) -> str:
    return ctx._(PLATFORM_NAMES.get(ctx.platform, ctx.platform))
