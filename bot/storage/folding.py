"""Text as the catalog's search index holds it, and as a search is matched against it.

FTS5's unicode61 tokenizer removes the accents of Latin letters, but keeps modifier letters as
part of a word: the prime of a romanized soft sign in "Ipatʹevskīĭ" (ʹ, U+02B9), an okina or an
apostrophe-like ʼ, so that "ipatevskii" as a member types it found nothing. `fold` removes what
a member would not type — modifier letters that stand for a mark, spacing accents (´ ¨ ˘) and
combining marks — and writes compatibility forms plainly (ﬁ → fi, full-width letters, ² → 2).
It is applied to the text indexed (through the SQL function ``fold``: SQLite's store registers
this module's `fold` on its connection, PostgreSQL's creates the same in SQL from `removed`) and
to every search, so both sides agree. ASCII text is left as it is without calling Python from
SQL at all (`folded`), which keeps an import's indexing at its speed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Spacing modifier letters (ʹ ʺ ʻ ʼ ˈ …) and modifier tone letters: marks written as letters.
_MODIFIER_BLOCKS = ((0x02B0, 0x02FF), (0xA700, 0xA71F))


def fold(text: str | None) -> str | None:
    """ "Ipatʹevskīĭ" → "Ipatevskii"; ASCII text unchanged; case kept (the index lowers it)."""
    if text is None or text.isascii():
        return text
    return _fold(text)


def _fold(text: str) -> str:
    # Spacing accents first: their compatibility form is a space and a combining mark, which
    # would cut a word in two.
    text = "".join(c for c in text if not _is_spacing_accent(c))
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not _is_mark(c))
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=4096)
def _is_spacing_accent(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char) == "Sk"


@lru_cache(maxsize=4096)
def _is_mark(char: str) -> bool:
    if unicodedata.combining(char):
        return True
    if unicodedata.category(char) != "Lm":
        return False
    code = ord(char)
    return any(low <= code <= high for low, high in _MODIFIER_BLOCKS)


@lru_cache(maxsize=1)
def removed() -> tuple[str, str]:
    """What `fold` removes, as two strings of characters: the spacing accents it removes
    first, and the marks it removes from the compatibility decomposition (for an SQL
    ``translate`` that folds as `fold` does). Planes 0, 1 and 14 hold every such character;
    the others are ideographs, private use or unassigned."""
    found = [chr(c) for plane in (range(0x80, 0x20000), range(0xE0000, 0xF0000)) for c in plane]
    accent, mark = _is_spacing_accent.__wrapped__, _is_mark.__wrapped__  # not filling the caches
    return "".join(c for c in found if accent(c)), "".join(c for c in found if mark(c))


def folded(column: str) -> str:
    """SQL for a column's text as the index holds it: ASCII text (as many bytes as
    characters) as it is, other text through ``fold``."""
    return (
        f"CASE WHEN length({column}) = length(CAST({column} AS BLOB))"
        f" THEN {column} ELSE fold({column}) END"
    )
