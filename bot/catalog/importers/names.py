"""People's names as catalogs write them, made readable: "Toer, Pramoedya Ananta" → "Pramoedya
Ananta Toer"."""

from __future__ import annotations

import re

# Life dates and relator terms catalogers add after a name: ", 1925-2006", "(1925-)", ", editor".
_DATES = re.compile(r"[,\s]*\(?\b(?:\d{3,4}\??-?(?:\d{3,4}\??)?|b\.\s*\d{4}|d\.\s*\d{4})\)?[.\s]*$")
_ROLE = re.compile(
    r",\s*(?:editor|penyunting|ed\.|eds\.|penerjemah|translator|author|ilustrator)\.?$",
    re.IGNORECASE,
)
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# What a name needs to have for anything below but collapsing spaces to apply.
_NEEDS_WORK = re.compile(r"[,.\d()/;:]")


def person_name(text: str) -> str:
    """One person's name in reading order.

    "Last, First" becomes "First Last" when there is exactly one comma; a name without a comma
    (most Indonesian names, "Andrea Hirata") is kept as written; dates and trailing punctuation go.
    """
    if not _NEEDS_WORK.search(text):
        return " ".join(text.split())
    name = " ".join(text.split()).strip(" ,;:/")
    name = _ROLE.sub("", name)
    name = _DATES.sub("", name).strip(" ,;:/")
    if name.endswith(".") and not re.search(r"\b(?:\w|Jr|Sr)\.$", name):
        name = name[:-1]  # "Hirata, Andrea." but not the initial in "Toer, P."
    parts = [part.strip() for part in name.split(",")]
    suffix = ""
    if len(parts) == 3 and parts[2].casefold() in _SUFFIXES:
        suffix = f" {parts.pop()}"  # "King, Martin Luther, Jr." → "Martin Luther King Jr."
    if len(parts) == 2 and all(parts) and parts[1].casefold() not in _SUFFIXES:
        return f"{parts[1]} {parts[0]}{suffix}"
    return name


def corporate_name(text: str) -> str:
    """An organisation's name, trailing punctuation removed, word order kept."""
    return " ".join(text.split()).strip(" ,;:/.")
