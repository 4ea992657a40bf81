"""How a command is explained to a member: its usage line and what each parameter means."""

from __future__ import annotations

from collections.abc import Callable

from bot.api.commands import Command, Param, ParamKind
from bot.api.labels import command_usage, label
from bot.api.text import Text

Translate = Callable[[str], str]


def explain(command: Command, _: Translate) -> Text:
    """``/cmd <a> [b]`` in code style, the description, then one line per parameter."""
    lines = [
        Text.format("`{usage}`", usage=command_usage(command, _)),
        Text.plain(_(command.description)),
    ]
    for param in command.params:
        lines.append(
            Text.format("• `{name}`: {about}", name=label(param, _), about=_describe(param, _))
        )
    if command.aliases:
        lines.append(
            Text.format(
                _("Also: {aliases}"), aliases=", ".join("/" + alias for alias in command.aliases)
            )
        )
    return Text.join(lines, "\n")


def _describe(param: Param, _: Translate) -> str:
    about = _(param.description)
    if param.kind is ParamKind.CHOICE:
        options = ", ".join(f"{o.value} ({_(o.label)})" for o in param.options)
        about = f"{about} — {options}"
    elif param.kind is ParamKind.INTEGER and None not in (param.min_value, param.max_value):
        about = f"{about} ({param.min_value}–{param.max_value})"
    if not param.required and param.default is not None:
        about = _("{about} (default: {default})").format(about=about, default=param.default)
    return about
