"""How a feature declares its commands: once, for every platform.

A feature is a class with methods marked by :func:`command`. Each declaration carries everything an
adapter needs to offer the command natively (Discord slash options, Telegram's command menu, the
console's help): the name, a description message id, typed parameters and a permission level.
Descriptions are marked with :func:`N_` and translated when shown, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from bot.api.context import Context
    from bot.api.jobs import JobHandler
    from bot.api.services import Services

Handler = Callable[..., Awaitable[Any]]
Completer = Callable[["Context", str], Awaitable[Sequence["Option"]]]


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark a message for translation without translating it yet."""
    return message


class Permission(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"


class ParamKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    CHOICE = "choice"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class Option:
    """One allowed value of a choice parameter, or one autocomplete suggestion."""

    value: str
    label: str  # a message id for declared choices; plain text for suggestions
    synonyms: tuple[str, ...] = ()
    """Other words members type for it, in any language (``ya``, ``yes`` for going)."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    description: str
    kind: ParamKind = ParamKind.TEXT
    required: bool = True
    default: Any = None
    min_value: int | None = None
    max_value: int | None = None
    max_length: int = 1000
    options: tuple[Option, ...] = ()
    rest: bool = False
    """A last text parameter that takes the rest of the line, spaces included."""
    time: bool = False
    """A time typed anywhere among the words, quoted or not: the longest run of words that reads
    as a time (``Bedah Buku Sabtu depan jam 10 pagi``); the text parameters around it take the
    words before and after it."""
    autocomplete: str | None = None
    """Name of a feature method ``async (ctx, current) -> list[Option]``."""
    max_bytes: int = 0
    """For a file: the largest one accepted."""
    label: str | None = None
    """The message id of its name as members read it (from its feature's `labels`)."""

    def usage(self) -> str:
        return f"<{self.name}>" if self.required else f"[{self.name}]"


def text(
    name: str,
    description: str,
    *,
    required: bool = True,
    default: str | None = None,
    rest: bool = False,
    time: bool = False,
    max_length: int = 1000,
    autocomplete: str | None = None,
) -> Param:
    return Param(
        name,
        description,
        ParamKind.TEXT,
        required=required,
        default=default,
        rest=rest,
        time=time,
        max_length=max_length,
        autocomplete=autocomplete,
    )


def integer(
    name: str,
    description: str,
    *,
    required: bool = True,
    default: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
) -> Param:
    return Param(
        name,
        description,
        ParamKind.INTEGER,
        required=required,
        default=default,
        min_value=min_value,
        max_value=max_value,
    )


def choice(
    name: str,
    description: str,
    options: Sequence[tuple[str, str]],
    *,
    required: bool = True,
    default: str | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> Param:
    """`options` are (value, label message id); `synonyms` maps a value to more words members
    type for it, in either language (``{"going": ("ya", "yes", "hadir")}``)."""
    more = synonyms or {}
    return Param(
        name,
        description,
        ParamKind.CHOICE,
        required=required,
        default=default,
        options=tuple(Option(value, label, tuple(more.get(value, ()))) for value, label in options),
    )


def attachment(
    name: str, description: str, *, required: bool = True, max_bytes: int = 1_000_000
) -> Param:
    """A file sent with the command (:class:`bot.api.files.Attachment`), not a typed word."""
    return Param(name, description, ParamKind.FILE, required=required, max_bytes=max_bytes)


@dataclass(frozen=True, slots=True)
class Command:
    """A declared command bound to the feature that serves it."""

    name: str
    """One word, or a group and a word: ``"quiz start"``."""
    description: str
    params: tuple[Param, ...]
    handler: Handler
    feature: Feature
    permission: Permission = Permission.MEMBER
    aliases: tuple[str, ...] = ()
    private: bool = False
    """Replies go only to the asking member."""

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def usage(self) -> str:
        return " ".join(["/" + self.name, *(p.usage() for p in self.params)])

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class _Declaration:
    name: str
    description: str
    params: tuple[Param, ...]
    permission: Permission
    aliases: tuple[str, ...]
    private: bool


def command(
    name: str,
    description: str,
    *params: Param,
    permission: Permission = Permission.MEMBER,
    aliases: Sequence[str] = (),
    private: bool = False,
) -> Callable[[Handler], Handler]:
    """Declare a feature method as a command; it is called as ``handler(ctx, **arguments)``."""
    _check_params(name, params)

    def mark(function: Handler) -> Handler:
        function.__pustaka_command__ = _Declaration(  # type: ignore[attr-defined]
            name, description, tuple(params), permission, tuple(aliases), private
        )
        return function

    return mark


def _check_params(name: str, params: Sequence[Param]) -> None:
    seen_optional = False
    if sum(param.time for param in params) > 1:
        raise ValueError(f"/{name}: at most one parameter may be a time found in the text")
    typed = [param for param in params if param.kind is not ParamKind.FILE]
    for param in params:
        if param.time and param.kind is not ParamKind.TEXT:
            raise ValueError(f"/{name}: only a text parameter may be a time found in the text")
        # Files are sent, not typed: one may follow the text that takes the rest of the line.
        if param.rest and (param.kind is not ParamKind.TEXT or param is not typed[-1]):
            raise ValueError(f"/{name}: only the last text parameter may take the rest")
        if param.required and seen_optional:
            raise ValueError(f"/{name}: required parameter {param.name} after an optional one")
        seen_optional = seen_optional or not param.required


class Feature:
    """Base class of every feature. Subclasses set `name` and `description` and mark commands.

    The services (store, clock, config, messenger, …) are handed in once; features keep no globals.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    labels: ClassVar[Mapping[str, str]] = {}
    """Parameter name → the message id of how members read it (``"club": N_("parameter:club")``),
    shown in usage lines and messages; a parameter without one is shown by its name."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def commands(self) -> list[Command]:
        """The declared commands, in the order they are written in the class."""
        found: dict[str, Command] = {}
        for klass in reversed(type(self).__mro__):
            for attribute, value in vars(klass).items():
                declaration = getattr(value, "__pustaka_command__", None)
                if isinstance(declaration, _Declaration):
                    found[attribute] = Command(
                        name=declaration.name,
                        description=declaration.description,
                        params=tuple(self._labelled(p) for p in declaration.params),
                        handler=getattr(self, attribute),
                        feature=self,
                        permission=declaration.permission,
                        aliases=declaration.aliases,
                        private=declaration.private,
                    )
        return list(found.values())

    def _labelled(self, param: Param) -> Param:
        label = self.labels.get(param.name)
        return replace(param, label=label) if label and param.label is None else param

    def jobs(self) -> dict[str, JobHandler]:
        """The scheduled job kinds declared with :func:`bot.api.jobs.job`, bound to this feature."""
        from bot.api.jobs import declared_jobs

        return declared_jobs(self)

    async def on_start(self) -> None:
        """Called once after every feature is loaded and the store is open."""

    async def on_stop(self) -> None:
        """Called at shutdown: cancel background work here."""

    async def on_timezone_changed(self, community_id: int) -> None:
        """Called after a moderator changed a community's timezone: move timed work here."""
