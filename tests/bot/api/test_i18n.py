from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.api.i18n import LOCALES_DIR, I18n

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def source_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: set[str] = set()
    for package in ("bot", "cogs"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_message_is_translated(locale: str) -> None:
    """Each message in the code has a translation, with the same placeholders, in both languages."""
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "pustaka.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    problems = []
    for message in sorted(source_messages()):
        entry = catalog.get(message)
        forms = (
            (entry.string,)
            if entry and isinstance(entry.string, str)
            else (entry.string if entry else ())
        )
        if entry is None or not all(forms):
            problems.append(f"missing: {message!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {message!r}")
        elif any(set(PLACEHOLDER.findall(message)) != set(PLACEHOLDER.findall(f)) for f in forms):
            problems.append(f"placeholders differ: {message!r} -> {entry.string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_catalog_passes_the_compilers_checks(locale: str) -> None:
    """`pybabel compile` (run by make) refuses a catalog that fails these checks; e.g. "45% or"
    reads as the %-format "% o" and a translation without it is rejected."""
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "pustaka.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    problems = [f"{message.id!r}: {errors}" for message, errors in catalog.check()]
    assert not problems, "\n".join(problems)


def test_catalogs_compile_and_translate() -> None:
    """The Indonesian catalog loads (compiled or from .po) and translates a message."""
    i18n = I18n()
    assert i18n.gettext("id", "What I can do") == "Yang bisa saya lakukan"
    assert i18n.gettext("en", "What I can do") == "What I can do"


def test_catalog_compiled_in_memory_when_mo_is_missing(tmp_path: Path) -> None:
    """A checkout without compiled .mo files still speaks Indonesian."""
    target = tmp_path / "id" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "pustaka.po").write_bytes(
        (LOCALES_DIR / "id" / "LC_MESSAGES" / "pustaka.po").read_bytes()
    )
    assert I18n(tmp_path).gettext("id", "General") == "Umum"
