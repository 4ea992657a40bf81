"""A configured catalog source: its name in the catalog, its OAI-PMH address and format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import SourceSettings

# Where each kind serves OAI-PMH under its OPAC address (INLISLite's OPAC routes ``oai``).
OAI_PATHS = {"slims": "oai2.php", "koha": "cgi-bin/koha/oai.pl", "inlislite": "oai"}
# oai_dc where the system's records carry no copies anyway; MARCXML where more rides along
# (Koha's 952 items; INLISLite's call number in 084 and its copies' barcodes in 990).
PREFIXES = {"slims": "oai_dc", "koha": "marcxml", "inlislite": "marcxml", "oai": "oai_dc"}
LIVE_KINDS = ("slims", "koha", "inlislite")  # whose copies' status is read one record at a time
# INLISLite's oai2 ListRecords answers every record, undated, whatever `from` says, and answers
# `from` itself with HTTP 500 (an SQL error): every sync of it reads the whole list.
UNDATED_KINDS = ("inlislite",)

_TRAILING_NUMBER = re.compile(r"(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class LiveSource:
    name: str
    kind: str
    url: str  # the OPAC, ending with "/"
    oai_url: str
    metadata_prefix: str
    every_minutes: int
    nightly_at: str
    max_removal_share: float

    @property
    def live(self) -> bool:
        return self.kind in LIVE_KINDS

    @property
    def dated(self) -> bool:
        """Whether its OAI-PMH can list what changed since a date."""
        return self.kind not in UNDATED_KINDS


def live_source(settings: SourceSettings) -> LiveSource:
    base = settings.url if settings.url.endswith("/") else settings.url + "/"
    if settings.oai_url:
        oai = settings.oai_url
    elif settings.kind == "oai":
        oai = settings.url
    else:
        oai = base + OAI_PATHS[settings.kind]
    return LiveSource(
        name=settings.name or oai,
        kind=settings.kind,
        url=base,
        oai_url=oai,
        metadata_prefix=PREFIXES[settings.kind],
        every_minutes=settings.every_minutes,
        nightly_at=settings.nightly_at,
        max_removal_share=settings.max_removal_share,
    )


def record_number(source_id: str) -> str | None:
    """The system's own record number in an OAI identifier: SLiMS writes
    ``oai:host:slims-42``, Koha and INLISLite ``oai:host:42``."""
    found = _TRAILING_NUMBER.search(source_id)
    return found[1] if found else None
