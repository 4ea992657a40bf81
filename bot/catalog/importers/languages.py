"""Language names and codes, as catalogs write them, to ISO 639-1 ("id", "en", "jv", …).

Catalogs say "Indonesia", "Bahasa Indonesia", "English", "Inggris", "ind" (MARC) or "id". A code
or name not in the table gives None rather than a guess: the first two letters of a MARC code are
often another language's code ("ger" is German, "ge" is nothing; "ma" is Marathi, not Malay).
"""

from __future__ import annotations

import re
from functools import lru_cache

# ISO 639-1 code: (MARC / ISO 639-2 codes, names in Indonesian and English).
_LANGUAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id": (("ind",), ("indonesia", "indonesian", "bahasa indonesia")),
    "en": (("eng",), ("english", "inggris", "bahasa inggris")),
    "jv": (("jav",), ("jawa", "javanese", "bahasa jawa")),
    "su": (("sun",), ("sunda", "sundanese", "bahasa sunda")),
    "ms": (("may", "msa", "zlm"), ("melayu", "malay", "malaysia", "bahasa melayu")),
    "ar": (("ara",), ("arab", "arabic", "bahasa arab")),
    "nl": (("dut", "nld"), ("belanda", "dutch", "bahasa belanda")),
    "de": (("ger", "deu"), ("jerman", "german", "bahasa jerman")),
    "fr": (("fre", "fra"), ("perancis", "prancis", "french", "bahasa perancis")),
    "ja": (("jpn",), ("jepang", "japanese", "bahasa jepang")),
    "zh": (("chi", "zho"), ("mandarin", "cina", "tionghoa", "chinese", "bahasa mandarin")),
    "ko": (("kor",), ("korea", "korean", "bahasa korea")),
    "es": (("spa",), ("spanyol", "spanish", "bahasa spanyol")),
    "pt": (("por",), ("portugis", "portuguese")),
    "it": (("ita",), ("italia", "italian")),
    "ru": (("rus",), ("rusia", "russian")),
    "hi": (("hin",), ("hindi",)),
    "th": (("tha",), ("thai", "thailand")),
    "tl": (("tgl", "fil"), ("tagalog", "filipino")),
    "la": (("lat",), ("latin",)),
}
_BY_TEXT = {
    text: code for code, (marc, names) in _LANGUAGES.items() for text in (code, *marc, *names)
}


@lru_cache(maxsize=1024)  # a catalog names its few languages over and over
def language_code(text: str | None) -> str | None:
    """ "Bahasa Indonesia", "Indonesia", "ind", "id", "id-ID" → "id"; unknown → None."""
    if not text:
        return None
    key = " ".join(re.sub(r"[^a-z]+", " ", (text or "").casefold()).split())
    if not key:
        return None
    if key in _BY_TEXT:
        return _BY_TEXT[key]
    first = key.split()[0]  # "id ID", "en US" (from id-ID, en_US)
    if len(first) in (2, 3) and first in _BY_TEXT:
        return _BY_TEXT[first]
    return None
