"""`pustaka catalog check`: connect to each configured source and say, in plain words, what the
bot can read from it — records, copies, loans, deletions — and what it cannot, before the first
sync. Nothing is written."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from lxml import etree

from bot.catalog.harvest import HarvestError, Page, Pages
from bot.catalog.importers.base import Skipped
from bot.catalog.records import CopyStatus, Record
from bot.catalog.sync.holdings import HEADERS, SourceError, read_copies
from bot.catalog.sync.sources import LiveSource

OAI = "{http://www.openarchives.org/OAI/2.0/}"
WAIT = 10.0  # seconds each request may take
KIND_NAMES = {"slims": "SLiMS", "koha": "Koha", "inlislite": "INLISLite", "oai": "OAI-PMH"}

Say = Callable[[str], None]


async def check_source(source: LiveSource, say: Say) -> bool:
    """Print what can be read from `source`; True when its records (and, for a system read
    live, its copies) can be read."""
    say(f"{source.name} — {KIND_NAMES[source.kind]} at {source.url} (OAI-PMH {source.oai_url})")
    async with httpx.AsyncClient(headers=HEADERS) as http:
        deleted = await _deletions(http, source)
        try:
            page = await asyncio.to_thread(_first_page, source)
        except HarvestError as error:
            say(f"  ✗ records: cannot read: {error}")
            return False
        records = [item for item in page.items if isinstance(item, Record)]
        if not records:
            say("  ✗ records: the repository lists none")
            return False
        total = f"{page.total:,}" if page.total else f"at least {len(records)}"
        with_isbn = sum(1 for r in records if r.isbns)
        say(
            f"  ✓ records: {total} ({source.metadata_prefix}), e.g. “{records[0].title}”;"
            f" ISBNs in {with_isbn} of the first {len(records)}"
        )
        skipped = [item for item in page.items if isinstance(item, Skipped)]
        if skipped:
            say(f"  ! {len(skipped)} of the first page cannot be read, e.g. {skipped[0].reason}")
        ok = await _copies(http, source, records[:5], say)
    if deleted is None:
        say(
            "  ? deletions: the server did not say (Identify);"
            " the nightly reconciliation finds them"
        )
    elif deleted == "no" or source.kind == "slims":
        say(
            "  • deletions: not announced by the server (a deleted record simply disappears);"
            " the nightly reconciliation removes them"
        )
    else:
        say(f"  ✓ deletions: announced ({deleted}); the nightly reconciliation checks too")
    if source.kind == "slims":
        say(
            "  • edits: SLiMS dates records by their creation, so an edit is not seen by the"
            " incremental sync; the nightly reconciliation updates it"
        )
    elif not source.dated:
        say(
            f"  • edits: {KIND_NAMES[source.kind]} lists every record, undated, and cannot list"
            " what changed since a date: each sync reads the whole catalog"
        )
    return ok


def _first_page(source: LiveSource) -> Page:
    pages = Pages(
        source.oai_url, source.metadata_prefix, None, None, source=source.name, timeout=WAIT
    )
    try:
        page = pages.next()
    finally:
        pages.close()
    return page or Page()


async def _deletions(http: httpx.AsyncClient, source: LiveSource) -> str | None:
    """The repository's deletedRecord policy (Identify), None when it does not say."""
    try:
        response = await http.get(source.oai_url, params={"verb": "Identify"}, timeout=WAIT)
        root = etree.fromstring(response.content)
    except (httpx.HTTPError, etree.XMLSyntaxError, ValueError):
        return None
    found = root.findtext(f".//{OAI}deletedRecord")
    return found.strip() if found else None


async def _copies(
    http: httpx.AsyncClient, source: LiveSource, records: list[Record], say: Say
) -> bool:
    """Read the copies of the first records until one has some."""
    record = records[0]
    if not source.live:
        if record.copies:
            say(f"  ✓ copies: in the records themselves (“{record.title}”: {len(record.copies)})")
        else:
            say("  ✗ copies: the records carry none, and this kind has no per-record status")
        say("  ✗ loans: not readable from this kind of source")
        return True
    where = "the public REST API" if source.kind == "koha" else "the OPAC detail page"
    copies: tuple = ()
    for record in records:
        try:
            copies = await read_copies(http, source, record.source_id, WAIT)
        except SourceError as error:
            say(f"  ✗ copies: cannot read them from {where}: {error}")
            say("  ✗ loans: not readable while copies are not")
            return False
        if copies:
            break
    if copies:
        first = copies[0]
        where_shelved = ", ".join(p for p in (first.call_number, first.location) if p)
        detail = f" ({where_shelved})" if where_shelved else ""
        say(f"  ✓ copies: from {where}: “{record.title}” has {len(copies)}{detail}")
    else:
        say(f"  ? copies: {where} lists none for the first {len(records)} records")
    on_loan = sum(1 for c in copies if c.status is CopyStatus.ON_LOAN)
    if source.kind == "slims":
        say(f"  ✓ loans: each copy's status and due date ({on_loan} of these on loan now)")
    elif source.kind == "inlislite":
        say(
            f"  ✓ loans: whether each copy is on loan ({on_loan} of these now);"
            " its OPAC shows no due dates"
        )
    else:
        dated = sum(1 for c in copies if c.due)
        note = "" if dated or not on_loan else "; due dates not given by this server"
        say(f"  ✓ loans: whether each copy is checked out ({on_loan} of these now){note}")
    return True


async def check_sources(sources: list[LiveSource], say: Say) -> int:
    """Exit status: 0 when every source can be read, 1 otherwise, 2 when none is configured."""
    if not sources:
        say(
            "No catalog sources are configured: add a [[catalog.sources]] table to config.toml"
            " (see config.example.toml)."
        )
        return 2
    results = []
    for source in sources:
        results.append(await check_source(source, say))
        say("")
    return 0 if all(results) else 1
