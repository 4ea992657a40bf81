"""The names of command parameters as a member reads them in messages and usage lines.

A parameter's name is part of the command's syntax on Discord (an option name) and in code, so
it stays English; what a member reads — "“kata kunci” belum diisi", ``/book <kata kunci>`` — is
its label in their language, declared by the feature beside its commands (``Feature.labels``;
message ids carry the prefix ``parameter:`` so that a short word cannot collide with another
message). A parameter without a label is shown by its name.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.api.commands import Command, Param

Translate = Callable[[str], str]


def label(param: Param, _: Translate) -> str:
    """The parameter's name in the reader's language."""
    shown = _(param.label) if param.label else param.name
    return param.name if not shown or shown == param.label else shown


def usage(param: Param, _: Translate) -> str:
    """``<kata kunci>`` for a required parameter, ``[bahasa]`` for an optional one."""
    name = label(param, _)
    return f"<{name}>" if param.required else f"[{name}]"


def command_usage(command: Command, _: Translate) -> str:
    """``/book <kata kunci>``: the command with its parameters' labels."""
    return " ".join(["/" + command.name, *(usage(param, _) for param in command.params)])
