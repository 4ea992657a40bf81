"""The names of command parameters as a member reads them in messages and usage lines.

A parameter's name is part of the command's syntax on Discord (an option name) and in code, so
it stays English; what a member reads — "“kata kunci” belum diisi", ``/book <kata kunci>`` — is
its label in their language. Names not listed here are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.api.commands import N_, Command, Param

Translate = Callable[[str], str]

# Message ids carry a prefix so that a short word ("id", "text") cannot collide with another
# message; the English catalog gives each back its plain name.
_LABELS = {
    "action": N_("parameter:action"),
    "answer": N_("parameter:answer"),
    "book": N_("parameter:book"),
    "books": N_("parameter:books"),
    "capacity": N_("parameter:capacity"),
    "choice": N_("parameter:choice"),
    "club": N_("parameter:club"),
    "code": N_("parameter:code"),
    "command": N_("parameter:command"),
    "count": N_("parameter:count"),
    "date": N_("parameter:date"),
    "days": N_("parameter:days"),
    "description": N_("parameter:description"),
    "field": N_("parameter:field"),
    "id": N_("parameter:id"),
    "language": N_("parameter:language"),
    "member": N_("parameter:member"),
    "name": N_("parameter:name"),
    "offsets": N_("parameter:offsets"),
    "pack": N_("parameter:pack"),
    "page": N_("parameter:page"),
    "query": N_("parameter:query"),
    "question": N_("parameter:question"),
    "questions": N_("parameter:questions"),
    "rating": N_("parameter:rating"),
    "season": N_("parameter:season"),
    "seconds": N_("parameter:seconds"),
    "start": N_("parameter:start"),
    "text": N_("parameter:text"),
    "theme": N_("parameter:theme"),
    "timezone": N_("parameter:timezone"),
    "title": N_("parameter:title"),
    "unit": N_("parameter:unit"),
    "until": N_("parameter:until"),
    "value": N_("parameter:value"),
    "vote": N_("parameter:vote"),
    "week": N_("parameter:week"),
    "weeks": N_("parameter:weeks"),
    "when": N_("parameter:when"),
    "where": N_("parameter:where"),
    "who": N_("parameter:who"),
}


def label(param: Param, _: Translate) -> str:
    """The parameter's name in the reader's language."""
    key = _LABELS.get(param.name)
    shown = _(key) if key else param.name
    return param.name if not shown or shown == key else shown


def usage(param: Param, _: Translate) -> str:
    """``<kata kunci>`` for a required parameter, ``[bahasa]`` for an optional one."""
    name = label(param, _)
    return f"<{name}>" if param.required else f"[{name}]"


def command_usage(command: Command, _: Translate) -> str:
    """``/book <kata kunci>``: the command with its parameters' labels."""
    return " ".join(["/" + command.name, *(usage(param, _) for param in command.params)])
