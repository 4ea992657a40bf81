"""Slash commands generated from the neutral declarations, localized through a Translator.

A one-word command becomes a slash command; ``quiz start`` becomes the subcommand ``start`` of the
group ``/quiz``. Descriptions are message ids translated per Discord locale; on Indonesian clients
a command whose first alias exists (``/help`` → ``bantuan``) shows under that name, and a group
under the Indonesian name its aliases give it (``/event`` → ``acara``).
"""

from __future__ import annotations

import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.api.commands import Command, Param, ParamKind, Permission
from bot.api.i18n import I18n
from bot.api.registry import Registry

log = logging.getLogger("pustaka.discord")

Run = Callable[[discord.Interaction, Command, dict[str, Any]], Awaitable[None]]
Complete = Callable[[discord.Interaction, Command, Param, str], Awaitable[list[Any]]]
DESCRIPTION_LIMIT = 100
LOCALES = {"id": "id", "en-US": "en", "en-GB": "en"}


def text(message: str) -> app_commands.locale_str:
    """A translatable string; Discord's base text is the English message, cut to 100 characters."""
    return app_commands.locale_str(_cut(message), msgid=message)


class Translator(app_commands.Translator):
    def __init__(self, i18n: I18n, registry: Registry) -> None:
        self.i18n = i18n
        self.indonesian_names = {
            c.path[0]: c.aliases[0]
            for c in registry.commands
            if len(c.path) == 1 and c.aliases and c.aliases[0].isascii()
        }
        for alias, group in registry.group_names().items():  # /event → /acara
            self.indonesian_names.setdefault(group, alias)

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext,
    ) -> str | None:
        ours = LOCALES.get(locale.value)
        if ours is None:
            return None
        where = context.location
        if where in (
            app_commands.TranslationContextLocation.command_name,
            app_commands.TranslationContextLocation.group_name,
        ):
            return self.indonesian_names.get(string.message) if ours == "id" else None
        msgid = string.extras.get("msgid")
        if msgid is None:
            return None
        return _cut(self.i18n.gettext(ours, msgid))


def build(
    registry: Registry, run: Run, complete: Complete
) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """The application commands for every declared command, groups for two-word ones."""
    singles: dict[str, Command] = {}
    groups: dict[str, list[Command]] = defaultdict(list)
    for command in registry.commands:
        if len(command.path) == 1:
            singles[command.name] = command
        else:
            groups[command.path[0]].append(command)
    built: list[Any] = []
    for name, command in singles.items():
        if name in groups:
            log.warning("/%s is both a command and a group: Discord offers only the group", name)
            continue
        made = _command(command, name, run, complete)
        if command.permission is Permission.MODERATOR:
            made.default_permissions = discord.Permissions(manage_guild=True)
        built.append(made)
    for root, members in groups.items():
        group = app_commands.Group(name=root, description=text(members[0].feature.description))
        if all(c.permission is Permission.MODERATOR for c in members):
            group.default_permissions = discord.Permissions(manage_guild=True)
        for command in members:
            group.add_command(_command(command, command.path[1], run, complete))
        built.append(group)
    return built


def _command(command: Command, name: str, run: Run, complete: Complete) -> app_commands.Command:
    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await run(interaction, command, values)

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    descriptions, choices, completers = {}, {}, {}
    for param in command.params:
        parameters.append(
            inspect.Parameter(
                param.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=_annotation(param),
                default=inspect.Parameter.empty if param.required else None,
            )
        )
        descriptions[param.name] = text(param.description)
        if param.kind is ParamKind.CHOICE:
            choices[param.name] = [
                app_commands.Choice(name=text(option.label), value=option.value)
                for option in param.options
            ]
        if param.autocomplete:
            completers[param.name] = _completer(command, param, complete)
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = descriptions  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_choices__ = choices  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_autocomplete__ = completers  # type: ignore[attr-defined]
    return app_commands.Command(name=name, description=text(command.description), callback=callback)


def _annotation(param: Param) -> Any:
    if param.kind is ParamKind.INTEGER:
        if param.min_value is None and param.max_value is None:
            return int
        return app_commands.Range[int, param.min_value, param.max_value]
    if param.kind is ParamKind.TEXT:
        return app_commands.Range[str, None, min(param.max_length, 6000)]
    if param.kind is ParamKind.FILE:
        return discord.Attachment
    return str


def _completer(command: Command, param: Param, complete: Complete) -> Any:
    async def suggest(interaction: discord.Interaction, current: str) -> list[Any]:
        return await complete(interaction, command, param, current)

    return suggest


def _cut(message: str) -> str:
    return message if len(message) <= DESCRIPTION_LIMIT else message[: DESCRIPTION_LIMIT - 1] + "…"
