"""From a line of text (or a platform's typed options) to a handler's keyword arguments.

Words are split on spaces; "double quotes" (also the curly ones phones type) keep several words
together; a last text parameter marked `rest` takes the rest of the line as written. Members
rarely type quotes, so a line that does not fit word by word is read again as typed: a time is
found anywhere in it, and a text parameter takes several words (see :func:`parse_arguments`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.api.commands import Command, Param, ParamKind
from bot.api.files import Attachment
from bot.api.labels import label
from bot.time.finding import find_time, only_time

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
    file parameters take the message's attachments in order.

    Words go to the parameters one by one. When that does not fit and the command can be read
    otherwise (a time found anywhere, several words for a text parameter before a number), the
    words are read as members type them without quotes (:func:`_unquoted`); when neither fits,
    the reason names the words not understood and shows the quoted form."""
    tokens = tokenize(line)
    words = [param for param in command.params if param.kind is not ParamKind.FILE]
    files = [param for param in command.params if param.kind is ParamKind.FILE]
    takes_rest = bool(words) and words[-1].rest
    if (
        len(tokens) > len(words)
        and len(files) > len(attachments)
        and not _flexible(words)
        and not takes_rest
    ):
        # A file named where it should have been sent (or, in the console, a path that is
        # not a file): say so rather than "too many arguments".
        raise UsageError(
            _(
                "No file came with “{word}”. Send the file ({name}) in the same message as the"
                " command."
            ).format(word=tokens[len(words)].text, name=label(files[len(attachments)], _))
        )
    attached = {param.name: file for param, file in zip(files, attachments, strict=False)}
    bound: dict[str, Any] | None = None
    try:
        raw = _positional(words, tokens, line, _)
        bound = bind(command, raw | attached, _)
        if _time_reads(words, raw):
            return bound
        strict = UsageError(
            _("I can't find {name} in what you wrote.").format(
                name=label(words[_time_param(words) or 0], _)
            )
        )
    except UsageError as error:
        strict = error
    if not _flexible(words) or not tokens:
        if bound is not None:
            return bound
        raise strict
    try:
        return bind(command, _unquoted(words, tokens, line, _) | attached, _)
    except UsageError as loose:
        if bound is not None:
            return bound  # read word by word it fits: the handler says what it cannot read
        raise UsageError(loose.message + "\n" + quoted_hint(command, _)) from None


def quoted_hint(command: Command, _: Translate) -> str:
    """``/event create "<judul>" "<waktu>" …``: how to type it so that nothing is guessed."""
    shown = []
    for param in command.params:
        name = label(param, _)
        word = f'"{name}"' if param.kind is ParamKind.TEXT and not param.rest else name
        shown.append(f"<{word}>" if param.required else f"[{word}]")
    return _("With quotes, nothing is guessed: {usage}").format(
        usage=" ".join([f"/{command.name}", *shown])
    )


def _positional(words: list[Param], tokens: list[Token], line: str, _: Translate) -> dict[str, Any]:
    """One word per parameter (a quoted phrase is one word); a `rest` parameter takes the rest."""
    raw: dict[str, Any] = {}
    for index, param in enumerate(words):
        if index >= len(tokens):
            return raw
        if param.rest:
            raw[param.name] = _rest(line, tokens[index:])
            return raw
        raw[param.name] = tokens[index].text
    if len(tokens) > len(words):
        raise UsageError(_("Too many arguments."))
    return raw


def _flexible(words: list[Param]) -> bool:
    """Whether the words can be read otherwise than one per parameter."""
    if _time_param(words) is not None:
        return True
    return any(
        param.kind is ParamKind.TEXT and following.kind is ParamKind.INTEGER
        for param, following in zip(words, words[1:], strict=False)
    )


def _time_param(words: list[Param]) -> int | None:
    return next((index for index, param in enumerate(words) if param.time), None)


def _time_reads(words: list[Param], raw: Mapping[str, Any]) -> bool:
    index = _time_param(words)
    if index is None:
        return True
    value = raw.get(words[index].name)
    if not isinstance(value, str) or value.strip() in {"", "-"}:
        return True  # nothing given, or "-" for none
    return only_time(value)


def _unquoted(words: list[Param], tokens: list[Token], line: str, _: Translate) -> dict[str, Any]:
    """Words as members type them: a time found anywhere (the longest run that reads as one),
    the text parameters before and after it taking the words around it; a text parameter takes
    several words, up to a number where a number parameter follows it."""
    index = _time_param(words)
    if index is None:
        return _fill(words, tokens, line, _)
    texts = [token.text for token in tokens]
    span = find_time(texts, start=sum(param.required for param in words[:index]))
    if span is None and not words[index].required:
        return _fill([param for param in words if not param.time], tokens, line, _)
    if span is None:
        raise UsageError(
            _("I can't find {name} in “{text}”.").format(
                name=label(words[index], _), text=line.strip()[:80]
            )
        )
    first, end = span
    if words[index].rest and end < len(tokens):
        end = len(tokens)
    after = words[index + 1 :]
    if index == 0 and first > 0 and after and after[-1].rest:
        # "/remind me kembalikan buku besok jam 8": the text may come before the time.
        raw = _fill(after, [*tokens[end:]], line, _) if end < len(tokens) else {}
        before = line[tokens[0].start : tokens[first - 1].end].strip()
        last = after[-1].name
        raw[last] = f"{before} {raw[last]}" if raw.get(last) else before
        raw[words[0].name] = " ".join(texts[first:end])
        return raw
    raw = _fill(words[:index], tokens[:first], line, _)
    raw[words[index].name] = " ".join(texts[first:end])
    raw |= _fill(words[index + 1 :], tokens[end:], line, _)
    return raw


def _fill(params: list[Param], tokens: list[Token], line: str, _: Translate) -> dict[str, Any]:
    """Tokens to parameters in order; a text parameter takes as many words as it can leave to
    the parameters after it: up to a whole number when a number parameter follows, all of them
    when it is the last."""
    raw: dict[str, Any] = {}
    position = 0
    for index, param in enumerate(params):
        if position >= len(tokens):
            return raw
        following = params[index + 1] if index + 1 < len(params) else None
        end = position + 1
        if param.kind is ParamKind.TEXT:
            if following is None:
                end = len(tokens)
            elif (
                following.kind is ParamKind.TEXT
                and line[tokens[position].start] not in _QUOTES
                and len(tokens) - position > len(params[index:])
            ):
                raise UsageError(
                    _("I can't tell where {name} ends in “{words}”.").format(
                        name=label(param, _),
                        words=line[tokens[position].start : tokens[-1].end].strip()[:80],
                    )
                )
            elif following.kind is ParamKind.INTEGER:
                end = next(
                    (
                        at
                        for at in range(position + 1, len(tokens))
                        if _INTEGER.fullmatch(tokens[at].text)
                    ),
                    len(tokens),
                )
        raw[param.name] = _rest(line, tokens[position:end])
        position = end
    if position < len(tokens):
        raise UsageError(
            _("I don't understand “{words}”.").format(
                words=line[tokens[position].start :].strip()[:80]
            )
        )
    return raw


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
        wanted = " ".join(text.casefold().split())
        for option in param.options:
            labels = {option.value.casefold(), option.label.casefold(), _(option.label).casefold()}
            labels.update(synonym.casefold() for synonym in option.synonyms)
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
    return line[tokens[0].start : tokens[-1].end].strip()
