"""Harvesting a library's catalog over OAI-PMH, the one door SLiMS, INLISLite and Koha all have.

ListRecords is followed page by page through resumption tokens (oaipmh-scythe, whose blocking
HTTP runs in a worker thread); each page goes into the catalog in one batch, so a harvest that
fails half-way keeps the pages it got. Records marked deleted are removed. Dublin Core carries
no copies, so a harvested record keeps the copies stored for it (read from the library system by
the sync, `bot/catalog/sync`) rather than being left with none.

Incremental: after a complete harvest the repository's responseDate (of the first page, so that
changes made while paging are fetched again next time) is kept in the `harvests` table for the
base URL, metadata prefix and set, and used as `from` next time. Only its date is sent, since
every repository understands day granularity; the records of that day are fetched again and
come out unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date
from functools import partial

import httpx2
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.config import HTTPConfig
from oaipmh_scythe.exceptions import NoRecordsMatch, OAIPMHException
from oaipmh_scythe.iterator import OAIResponseIterator
from oaipmh_scythe.response import OAIResponse

from bot import __version__
from bot.catalog.importers.base import (
    METADATA_PREFIXES,
    Item,
    Skipped,
    clean,
    find_isbns,
    first_year,
    unique,
)
from bot.catalog.importers.languages import language_code
from bot.catalog.importers.marc import record_from_marcxml
from bot.catalog.importers.names import person_name
from bot.catalog.records import Copy, CopyStatus, Record
from bot.catalog.store import Catalog, ImportSummary
from bot.storage.store import Store

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RESPONSE_DATE = re.compile(rb"<(?:\w+:)?responseDate>\s*([^<\s]+)\s*<")

# A log line for every page fetched is noise; what fails is reported as a HarvestError.
logging.getLogger("httpx2").setLevel(logging.WARNING)

# Called after every page: (records read so far, the repository's total if it says).
Progress = Callable[[int, int | None], None]


class HarvestError(Exception):
    """A repository that cannot be harvested, explained in one line."""


@dataclass
class Page:
    """One ListRecords answer: its records, the ids it deletes, the whole list's size and the
    resumption token of the next page (None on the last)."""

    items: list[Item] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    total: int | None = None
    token: str | None = None


async def last_harvest(
    store: Store, url: str, metadata_prefix: str, set_spec: str | None = None
) -> str | None:
    """The responseDate of the last complete harvest of this URL, format and set, if any."""
    return await store.fetchval(
        "SELECT last_from FROM harvests WHERE url = ? AND metadata_prefix = ? AND set_spec = ?",
        (url, metadata_prefix, set_spec or ""),
    )


async def harvest(
    catalog: Catalog,
    store: Store,
    url: str,
    metadata_prefix: str = "oai_dc",
    set_spec: str | None = None,
    from_: str | None = None,
    *,
    progress: Progress | None = None,
    source: str | None = None,
    request_seconds: float = 60,
    dated: bool = True,
) -> ImportSummary:
    """Harvest `url` into the catalog; raises HarvestError in one line.

    Without `from_` only what changed since the last complete harvest is asked for, unless the
    repository cannot be asked that (`dated` false: every record is read). The records are kept
    under `source` (default: the URL); `request_seconds`: how long one request may take.
    """
    if metadata_prefix not in METADATA_PREFIXES:
        raise ValueError(f"metadata prefix must be one of {', '.join(METADATA_PREFIXES)}")
    if from_ is not None and not _DAY.fullmatch(from_):
        raise ValueError(f"from must be a date written YYYY-MM-DD, not {from_!r}")
    stored = await last_harvest(store, url, metadata_prefix, set_spec)
    since = from_ or (stored[:10] if stored and dated else None)
    summary = ImportSummary()
    start = partial(Pages, source=source, timeout=request_seconds)
    pages = await asyncio.to_thread(start, url, metadata_prefix, set_spec, since)
    total: int | None = None
    read = 0
    try:
        while (page := await asyncio.to_thread(pages.next)) is not None:
            total = total or page.total
            await apply_page(catalog, page, summary, source or url)
            read += len(page.items) + len(page.deleted)
            if progress is not None:
                progress(read, total)
    finally:
        await asyncio.to_thread(pages.close)
    # A --from later than the last harvest skipped the changes in between: the mark then stays
    # where it was, so that the next harvest still fetches them.
    if from_ is None or stored is None or from_ <= stored[:10]:
        now = catalog.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        await remember_harvest(store, url, metadata_prefix, set_spec, pages.response_date or now)
    return summary


async def remember_harvest(
    store: Store, url: str, metadata_prefix: str, set_spec: str | None, last_from: str
) -> None:
    """A complete harvest whose first page was answered at `last_from`: the next one asks for
    what changed since."""
    await store.execute(
        """
        INSERT INTO harvests (url, metadata_prefix, set_spec, last_from) VALUES (?, ?, ?, ?)
        ON CONFLICT (url, metadata_prefix, set_spec)
            DO UPDATE SET last_from = excluded.last_from
        """,
        (url, metadata_prefix, set_spec or "", last_from),
    )


async def apply_page(catalog: Catalog, page: Page, summary: ImportSummary, source: str) -> None:
    """Write one page: its records (one transaction; those without copies keep the stored
    ones), then its deletions; what cannot be read goes to the summary's skipped."""
    records: list[Record] = []
    for item in page.items:
        if isinstance(item, Skipped):
            summary.skipped.append((item.number, item.reason))
        else:
            records.append(item)
    await catalog.upsert(await keep_copies(catalog, records), summary)
    if page.deleted:
        summary.removed += await catalog.remove(source, page.deleted)


async def keep_copies(catalog: Catalog, records: list[Record]) -> list[Record]:
    """The records, each without copies given the copies stored for it (one query)."""
    bare = [r for r in records if not r.copies]
    if not bare:
        return records
    stored: dict[tuple[str, str], list[Copy]] = {}
    for source in {r.source for r in bare}:
        ids = [r.source_id for r in bare if r.source == source]
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = await catalog.store.fetchall(
                "SELECT books.source_id, copies.barcode, copies.call_number, copies.location,"
                " copies.status, copies.due FROM copies JOIN books ON books.id = copies.book_id"
                f" WHERE books.source = ? AND books.source_id IN ({marks}) ORDER BY copies.id",
                (source, *chunk),
            )
            for row in rows:
                stored.setdefault((source, row[0]), []).append(
                    Copy(
                        row[1],
                        row[2],
                        row[3],
                        CopyStatus(row[4]),
                        date.fromisoformat(row[5]) if row[5] else None,
                    )
                )
    if not stored:
        return records
    return [
        replace(r, copies=tuple(stored[(r.source, r.source_id)]))
        if not r.copies and (r.source, r.source_id) in stored
        else r
        for r in records
    ]


class Pages:
    """The ListRecords pages, fetched one at a time by a blocking client (call from a thread).

    `source` names the records' source (default: the URL); `timeout` is per request, seconds;
    `resume` continues an earlier list from its resumption token."""

    def __init__(
        self,
        url: str,
        metadata_prefix: str,
        set_spec: str | None,
        since: str | None,
        *,
        source: str | None = None,
        timeout: float = 60,
        resume: str | None = None,
    ):
        self.url = url
        self.source = source or url
        self.metadata_prefix = metadata_prefix
        self.scythe = Scythe(
            url,
            iterator=OAIResponseIterator,
            http_config=HTTPConfig(timeout=timeout, user_agent=f"pustaka/{__version__}"),
        )
        self.response_date: str | None = None  # of the first answer, even a noRecordsMatch
        self.scythe.client.event_hooks["response"] += [_raise_http_error, self._remember_date]
        self.responses = self.scythe.list_records(
            from_=since, metadata_prefix=metadata_prefix, set_=set_spec, resumption_token=resume
        )

    def next(self) -> Page | None:
        try:
            response = next(self.responses, None)
        except NoRecordsMatch:
            return None  # nothing new: not an error
        except OAIPMHException as error:
            code = type(error).__name__
            code = code[0].lower() + code[1:]
            detail = f": {clean(str(error))}" if clean(str(error)) else ""
            raise HarvestError(
                f"{self.url} answered with the OAI-PMH error {code}{detail}"
            ) from None
        except httpx2.HTTPStatusError as error:
            status = error.response.status_code
            reason = error.response.reason_phrase
            raise HarvestError(f"{self.url} answered HTTP {status} {reason}".rstrip()) from None
        except httpx2.HTTPError as error:
            raise HarvestError(
                f"cannot reach {self.url}: {error or type(error).__name__}"
            ) from None
        except (AttributeError, etree.XMLSyntaxError):
            # oaipmh-scythe looks for <error> in whatever came back; a page that is not XML at all
            # ends there.
            raise HarvestError(self._not_oai()) from None
        if response is None:
            return None
        return self._page(response)

    def close(self) -> None:
        self.scythe.close()

    def _remember_date(self, response: httpx2.Response) -> None:
        response.read()
        if self.response_date is None and (found := _RESPONSE_DATE.search(response.content)):
            self.response_date = found[1].decode("ascii", "replace")

    def _not_oai(self) -> str:
        return f"{self.url} did not answer with OAI-PMH XML; is it the OAI base URL (…/oai2.php)?"

    def _page(self, response: OAIResponse) -> Page:
        root = response.xml
        if root is None or root.tag != f"{OAI}OAI-PMH":
            raise HarvestError(self._not_oai())
        page = Page()
        token = root.find(f".//{OAI}resumptionToken")
        if token is not None and (size := token.get("completeListSize", "")).isdigit():
            page.total = int(size)
        if token is not None and token.text and token.text.strip():
            page.token = token.text.strip()
        for element in root.iterfind(f"{OAI}ListRecords/{OAI}record"):
            header = element.find(f"{OAI}header")
            identifier = clean(header.findtext(f"{OAI}identifier")) if header is not None else ""
            if not identifier:
                page.items.append(Skipped(f"record {len(page.items) + 1}", "no identifier"))
            elif header is not None and header.get("status") == "deleted":
                page.deleted.append(identifier)
            else:
                page.items.append(self._record(identifier, element.find(f"{OAI}metadata")))
        return page

    def _record(self, identifier: str, metadata: etree._Element | None) -> Item:
        content = next(iter(metadata), None) if metadata is not None else None
        if content is None:
            return Skipped(identifier, "no metadata")
        if self.metadata_prefix == "marcxml":
            xml = etree.tostring(content)
            return record_from_marcxml(
                xml, source=self.source, source_id=identifier, number=identifier
            )
        return dublin_core(content, source=self.source, source_id=identifier)


def dublin_core(dc: etree._Element, *, source: str, source_id: str) -> Item:
    """An oai_dc record as a Record (Dublin Core has no copies)."""

    def values(name: str) -> list[str]:
        return [text for text in (clean(e.text) for e in dc.iterfind(f"{DC}{name}")) if text]

    titles = values("title")
    if not titles:
        return Skipped(source_id, "no title (dc:title)")
    languages = (language_code(text) for text in values("language"))
    return Record(
        source=source,
        source_id=source_id,
        title=titles[0].rstrip(" /:;,."),
        authors=unique(person_name(name) for name in values("creator")),
        subjects=unique(clean(text, ".") for text in values("subject")),
        description="\n\n".join(values("description")),
        language=next((code for code in languages if code), None),
        year=next((y for y in map(first_year, values("date")) if y), None),
        # SLiMS's oai2.php writes the ISBN as a non-standard dc:identifier_isbn.
        isbns=find_isbns(values("identifier") + values("identifier_isbn")),
        publisher=next(iter(values("publisher")), None),
    )


def _raise_http_error(response: httpx2.Response) -> None:
    """An HTTP error page fails at once; an OAI-PMH <error> sent with an error status is left
    for oaipmh-scythe to name."""
    if response.is_error:
        response.read()
        if b"http://www.openarchives.org/OAI/2.0/" not in response.content:
            response.raise_for_status()
