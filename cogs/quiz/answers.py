"""Deciding whether a typed answer is right, forgivingly but never by accident.

An answer is compared after `normalize`: case, diacritics (é → e), punctuation, extra spaces and a
leading article (English the/a/an, Indonesian si/sang) do not matter. One small typo is forgiven
on longer answers: at most 1 edit for 5–9 letters, 2 for 10 or more, none for shorter ones (an
edit is a changed, missing, extra or swapped letter, a dropped last letter included: "marah rusl"
is Marah Rusli). Numbers are never forgiven: "1945" is not "1946".

A typo is about letters, never whole words: an answer that leaves out a word of the accepted
one ("Bumi" for "Bumi Manusia", "Rusli" for "Marah Rusli", "Ayu" for "Ayu Utami") is a part,
and a part does not match. A pack lists such short forms as extra accepted answers when it
wants them.

An answer may add words around an accepted one when each added word is filler or says what kind
of thing it is (`FILLER`: "novel", "pulau", "sekolah", "karya", "the", "buku" …): "Pulau Buru"
and "novel Bumi Manusia" count. Any other added word does not, so an accepted answer negated
("bukan Buru", "not Ahab") or joined to another ("Buru atau Bangka") is wrong, and so is an
answer that names a wrong choice besides the right one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import combinations

from rapidfuzz.distance import OSA

ARTICLES = frozenset({"the", "a", "an", "si", "sang"})
# Words that only frame or describe an answer; one a member adds around it is left out.
_FRAMING = (  # hedges and framing: "saya rasa …", "jawabannya …", "I think it is …"
    "jawabannya jawaban namanya nama adalah ialah yaitu yakni itu ini kalau mungkin kayaknya"
    " sepertinya rasanya saya aku rasa kira pikir answer called named it is its i think maybe"
)
_DESCRIBING = (  # what the answer is: a book, a place, a person's title, a date
    "novel buku book karya kumpulan cerpen cerita puisi sajak roman kisah dongeng seri serial"
    " series sekolah school sihir magic pulau island kota city town desa village kampung negeri"
    " negara country land provinsi gunung mount mountain sungai river danau lake peron platform"
    " jalan street tokoh character penulis pengarang penyair writer author poet bapak pak ibu bu"
    " mr mrs ms miss tuan nyonya kapten captain raja king tahun year abad century"
)
FILLER = ARTICLES | frozenset(_FRAMING.split()) | frozenset(_DESCRIBING.split())
# An added word that turns the answer into its opposite.
_NEGATING = "bukan tidak tak belum jangan not no non never nor dont isnt"
NEGATIONS = frozenset(_NEGATING.split())
MAX_PART_WORDS = 8  # longer answers are checked for left-out runs of words only
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


def _close(given: str, accepted: str, rivals: Sequence[str] = ()) -> bool:
    """Whether the normalized `given` is the normalized `accepted` answer (see the module
    docstring); `rivals` are the question's other choices, normalized."""
    if given == accepted:
        return True
    given_words, accepted_words = given.split(), accepted.split()
    if any(word in NEGATIONS and word not in accepted_words for word in given_words):
        return False
    if any(_names(given_words, rival.split(), accepted_words) for rival in rivals if rival):
        return False
    keep = set(accepted_words).union(*(rival.split() for rival in rivals))
    kept = [word for word in given_words if word not in FILLER or word in keep]
    while len(kept) > 1 and kept[0] in ARTICLES:  # "novel the hobbit" leads with an article now
        kept = kept[1:]
    return bool(kept) and _near(kept, accepted_words)


def _names(given: list[str], rival: list[str], accepted: list[str]) -> bool:
    """Whether the answer names the other choice `rival` (one not inside the accepted answer)."""
    return not _contains(accepted, rival) and _contains(given, rival)


def _contains(words: list[str], run: list[str]) -> bool:
    size = len(run)
    return any(words[i : i + size] == run for i in range(len(words) - size + 1))


def _near(given_words: list[str], accepted_words: list[str]) -> bool:
    given, accepted = "".join(given_words), "".join(accepted_words)
    if _DIGITS.findall(" ".join(given_words)) != _DIGITS.findall(" ".join(accepted_words)):
        return False
    if given == accepted:
        return True
    limit = allowed_typos(accepted)
    distance = OSA.distance(given, accepted, score_cutoff=limit)
    if limit == 0 or distance > limit:
        return False
    return not _part_as_near(given, accepted_words, distance) and not _part_as_near(
        accepted, given_words, distance
    )


def _part_as_near(text: str, words: list[str], distance: int) -> bool:
    """Whether `text` is as near to `words` with a whole word left out as to all of them: then
    it is a part of them ("rusli" of "marah rusli"), or they are it plus a word, not a typo."""
    count = len(words)
    for size in range(1, count):
        parts = (
            combinations(words, size)
            if count <= MAX_PART_WORDS
            else (words[i : i + size] for i in range(count - size + 1))
        )
        if any(OSA.distance(text, "".join(p), score_cutoff=distance) <= distance for p in parts):
            return True
    return False


def matches(given: str, accepted: Iterable[str], rivals: Iterable[str] = ()) -> bool:
    """Whether `given` is one of the `accepted` answers, tolerantly (see the module docstring).
    `rivals` are the question's wrong choices: naming one as well makes the answer wrong."""
    wanted = normalize(given)
    if not wanted:
        return False
    others = [form for form in map(normalize, rivals) if form]
    return any(_close(wanted, form, others) for form in map(normalize, accepted) if form)


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
    close = [
        i
        for i, form in enumerate(forms)
        if form and _close(wanted, form, [other for other in forms[:i] + forms[i + 1 :] if other])
    ]
    return close[0] if len(close) == 1 else None
