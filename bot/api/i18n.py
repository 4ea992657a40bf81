"""Translations: gettext catalogs for Indonesian and English, kept in data/locales.

Messages are written in English in the code and looked up per reader. `make` compiles the .po files
to .mo with Babel; when a .mo is missing or older than its .po (a fresh checkout run without make),
the catalog is compiled in memory instead, so the bot always speaks the current translations.
"""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.api.commands import N_
from bot.api.identity import SUPPORTED_LOCALES

DOMAIN = "pustaka"
LOCALES_DIR = Path(__file__).resolve().parents[2] / "data" / "locales"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
LANGUAGES = [("id", N_("Indonesian")), ("en", N_("English"))]  # a language option's choices
LANGUAGE_WORDS = {  # what members type for each, in either language
    "id": ("indonesia", "bahasa indonesia", "indo", "ind"),
    "en": ("inggris", "bahasa inggris", "english", "eng"),
}

log = logging.getLogger("pustaka.i18n")


class I18n:
    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._catalogs = {locale: _load(locales_dir, locale) for locale in SUPPORTED_LOCALES}

    def translations(self, locale: str) -> gettext.NullTranslations:
        return self._catalogs.get(locale) or gettext.NullTranslations()

    def gettext(self, locale: str, message: str) -> str:
        return self.translations(locale).gettext(message)


def _load(locales_dir: Path, locale: str) -> gettext.NullTranslations:
    po = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.exists():
        log.warning("no translations for %s in %s", locale, locales_dir)
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
