"""From a line of text (or a platform's typed options) to a handler's keyword arguments.

Words are split on spaces; "double quotes" (also the curly ones phones type) keep several words
together; a last text parameter marked `rest` takes the rest of the line as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.api.commands import Command, Param, ParamKind
from bot.api.files import Attachment
from bot.api.labels import label

Translate = Callable[[str], str]

_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201d", "\u00ab": "\u00bb"}
_INTEGER = re.compile(r"[+-]?\d{1,18}")


class UserError(Exception):
    """A clear message for the member, already in their language. Handlers may raise it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(UserError):
    """The arguments do not fit the command; the member is shown its usage."""


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(line: str) -> list[Token]:
    """Split on whitespace, keeping quoted phrases whole. An unclosed quote is taken literally."""
    tokens: list[Token] = []
    index, length = 0, len(line)
    while index < length:
        if line[index].isspace():
            index += 1
            continue
        start = index
        closing = _QUOTES.get(line[index])
        if closing is not None:
            end = line.find(closing, index + 1)
            if end != -1 and (end + 1 == length or line[end + 1].isspace()):
                tokens.append(Token(line[index + 1 : end], start, end + 1))
                index = end + 1
                continue
        while index < length and not line[index].isspace():
            index += 1
        tokens.append(Token(line[start:index], start, index))
    return tokens


def parse_arguments(
    command: Command, line: str, _: Translate, attachments: tuple[Attachment, ...] = ()
) -> dict[str, Any]:
    """Bind the words of `line` (the text after the command name) to the command's parameters;
    file parameters take the message's attachments in order."""
    tokens = tokenize(line)
    raw: dict[str, Any] = {}
    words = [param for param in command.params if param.kind is not ParamKind.FILE]
    for index, param in enumerate(words):
        if index >= len(tokens):
            break
        if param.rest:
            raw[param.name] = _rest(line, tokens[index:])
            tokens = tokens[: index + 1]
            break
        raw[param.name] = tokens[index].text
    files = [param for param in command.params if param.kind is ParamKind.FILE]
    if len(tokens) > len(words):
        if len(files) > len(attachments):
            # A file named where it should have been sent (or, in the console, a path that is
            # not a file): say so rather than "too many arguments".
            raise UsageError(
                _(
                    "No file came with “{word}”. Send the file ({name}) in the same message as the"
                    " command."
                ).format(word=tokens[len(words)].text, name=label(files[len(attachments)], _))
            )
        raise UsageError(_("Too many arguments."))
    for param, attached in zip(files, attachments, strict=False):
        raw[param.name] = attached
    return bind(command, raw, _)


def bind(command: Command, values: Mapping[str, Any], _: Translate) -> dict[str, Any]:
    """Check and convert values by name; missing optional ones get their defaults."""
    unknown = set(values) - {param.name for param in command.params}
    if unknown:
        raise UsageError(_("Too many arguments."))
    bound: dict[str, Any] = {}
    for param in command.params:
        value = values.get(param.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if param.required and param.kind is ParamKind.FILE:
                raise UsageError(
                    _("Send the file ({name}) in the same message as the command.").format(
                        name=label(param, _)
                    )
                )
            if param.required:
                raise UsageError(_("Missing {name}.").format(name=label(param, _)))
            bound[param.name] = param.default
            continue
        bound[param.name] = convert(param, value, _)
    return bound


def convert(param: Param, value: Any, _: Translate) -> Any:
    if param.kind is ParamKind.FILE:
        if not isinstance(value, Attachment):
            raise UsageError(
                _("Send the file ({name}) in the same message as the command.").format(
                    name=label(param, _)
                )
            )
        return Attachment(value.name, value.size, value.fetch, param.max_bytes or None)
    if param.kind is ParamKind.INTEGER:
        return _integer(param, value, _)
    text = str(value).strip()
    if param.kind is ParamKind.CHOICE:
        wanted = text.casefold()
        for option in param.options:
            labels = {option.value.casefold(), option.label.casefold(), _(option.label).casefold()}
            if wanted in labels:
                return option.value
        raise UsageError(
            _("{name} must be one of: {options}.").format(
                name=label(param, _), options=", ".join(option.value for option in param.options)
            )
        )
    if len(text) > param.max_length:
        raise UsageError(
            _("{name} is too long (at most {limit} characters).").format(
                name=label(param, _), limit=param.max_length
            )
        )
    return text


def _integer(param: Param, value: Any, _: Translate) -> int:
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and _INTEGER.fullmatch(value.strip()))
    ):
        raise UsageError(_("{name} must be a whole number.").format(name=label(param, _)))
    number = int(value)
    low, high = param.min_value, param.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            message = _("{name} must be between {low} and {high}.")
        elif low is not None:
            message = _("{name} must be at least {low}.")
        else:
            message = _("{name} must be at most {high}.")
        raise UsageError(message.format(name=label(param, _), low=low, high=high))
    return number


def _rest(line: str, tokens: list[Token]) -> str:
    if len(tokens) == 1:
        return tokens[0].text
    return line[tokens[0].start :].strip()
