"""Deciding whether a typed answer is right, forgivingly but never by accident.

An answer is compared after `normalize`: case, diacritics (é → e), punctuation, extra spaces and a
leading article (English the/a/an, Indonesian si/sang) do not matter. One small typo is forgiven
on longer answers: at most 1 edit for 5–9 letters, 2 for 10 or more, none for shorter ones (an
edit is a changed, missing, extra or swapped letter). Numbers are never forgiven: "1945" is not
"1946".

The typo allowance never turns a part into the whole: an answer that is only a piece of the
accepted one ("Bumi" for "Bumi Manusia", "Pram" for "Pramoedya Ananta Toer", "Ayu" for "Ayu
Utami"), or the accepted one plus something more, does not match. A pack lists such short forms
as extra accepted answers when it wants them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import OSA

ARTICLES = frozenset({"the", "a", "an", "si", "sang"})
LETTERS = "ABCDEFGHIJ"
_APOSTROPHES = re.compile(r"['’‘`ʼ]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"\(?([a-j])[.)]?", re.IGNORECASE)
# A letter with its choice's text, as a button shows it: "B. Marah Rusli", "(b) marah rusli".
_LABELLED = re.compile(r"\(?([a-j])[.)]\s*(\S.*)", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,2}")


def normalize(text: str, *, articles: bool = True) -> str:
    """`text` folded for comparison: lower case ASCII letters and digits, single spaces, and no
    leading article when words follow it ("The Hobbit" → "hobbit", "Si Kancil" → "kancil").
    A number sign such as ¾ stands apart from its neighbours: "9¾" → "9 3 4", like "9 3/4".
    With `articles` false a leading article is kept."""
    spaced = "".join(f" {char} " if unicodedata.category(char) == "No" else char for char in text)
    decomposed = unicodedata.normalize("NFKD", spaced.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", bare)).split()
    while articles and len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def allowed_typos(accepted: str) -> int:
    """How many edits an answer may be off from the normalized `accepted` (spaces not counted)."""
    letters = len(accepted.replace(" ", ""))
    if letters >= 10:
        return 2
    if letters >= 5:
        return 1
    return 0


def _close(given: str, accepted: str) -> bool:
    if given == accepted:
        return True
    if _DIGITS.findall(given) != _DIGITS.findall(accepted):
        return False
    given_tight, accepted_tight = given.replace(" ", ""), accepted.replace(" ", "")
    if given_tight == accepted_tight:
        return True
    if given_tight in accepted_tight or accepted_tight in given_tight:
        return False
    limit = allowed_typos(accepted)
    return limit > 0 and OSA.distance(given_tight, accepted_tight, score_cutoff=limit) <= limit


def matches(given: str, accepted: Iterable[str]) -> bool:
    """Whether `given` is one of the `accepted` answers, tolerantly (see the module docstring)."""
    wanted = normalize(given)
    if not wanted:
        return False
    return any(_close(wanted, form) for form in map(normalize, accepted) if form)


def choice_index(given: str, choices: Sequence[str]) -> int | None:
    """The choice `given` names: a letter ("b", "B.", "(B)"), a position 1–10, the text of
    exactly one choice (tolerantly, as `matches`), or a letter with its choice's text as a button
    shows it ("B. Marah Rusli"). None when it names none, or more than one, or when the letter
    and the text name different choices.

    When the choices are themselves numbers ("3", "4", "5"), a number is read as a choice's
    text, never as a position, so "4" means the choice "4".
    """
    text = " ".join(given.split())
    letter = _LETTER.fullmatch(text)
    if letter:
        index = LETTERS.index(letter.group(1).upper())
        return index if index < len(choices) else None
    labelled = _LABELLED.fullmatch(text)
    if labelled and _exact_index(text, choices) is None:
        # "B. Marah Rusli": the letter and the words must name the same choice. A choice that
        # itself reads so ("A. Teeuw") is still named by its own text.
        index = LETTERS.index(labelled.group(1).upper())
        named = _text_index(labelled.group(2), choices)
        if named is not None:
            return named if named == index else None
    return _text_index(text, choices)


def mislabelled(given: str, choices: Sequence[str]) -> bool:
    """Whether `given` is a letter with the text of another choice ("D. Marah Rusli" when Marah
    Rusli is B): it names no choice, and it is no answer to judge either."""
    labelled = _LABELLED.fullmatch(" ".join(given.split()))
    return (
        labelled is not None
        and choice_index(given, choices) is None
        and _text_index(labelled.group(2), choices) is not None
    )


def _exact_index(text: str, choices: Sequence[str]) -> int | None:
    """The one choice whose text is exactly `text` (case, accents, punctuation aside)."""
    wanted = normalize(text, articles=False)
    exact = [
        i
        for i, choice in enumerate(choices)
        if wanted and normalize(choice, articles=False) == wanted
    ]
    return exact[0] if len(exact) == 1 else None


def _text_index(text: str, choices: Sequence[str]) -> int | None:
    forms = [normalize(choice) for choice in choices]
    numeric_choices = any(form.isdigit() for form in forms)
    if _NUMBER.fullmatch(text) and not numeric_choices:
        index = int(text) - 1
        return index if 0 <= index < len(choices) else None
    wanted = normalize(text)
    if not wanted:
        return None
    exact = [i for i, form in enumerate(forms) if form == wanted]
    if exact:
        return exact[0] if len(exact) == 1 else None
    close = [i for i, form in enumerate(forms) if form and _close(wanted, form)]
    return close[0] if len(close) == 1 else None
