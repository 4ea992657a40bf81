"""Timezone names as librarians type them: IANA names, or Indonesia's WIB, WITA and WIT."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

INDONESIAN_ZONES = {
    "wib": "Asia/Jakarta",
    "wita": "Asia/Makassar",
    "wit": "Asia/Jayapura",
}


def find_timezone(text: str) -> str | None:
    """The IANA name for `text` (any case), or None when there is no such zone."""
    wanted = text.strip()
    if wanted.lower() in INDONESIAN_ZONES:
        return INDONESIAN_ZONES[wanted.lower()]
    lowered = {name.lower(): name for name in available_timezones()}
    name = lowered.get(wanted.lower().replace(" ", "_"))
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
