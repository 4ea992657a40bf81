"""The copies of one record, read from the library system's public interface.

SLiMS (read from its source, lib/detail.inc.php ``getItemCopy``): the OPAC's detail page
``index.php?p=show_detail&id=N`` has one row per copy with its location, call number, item code
and a ``<b class="availability-item item-…">`` whose class says available, on loan (the text
carrying the due date in the OPAC's date format, Y-m-d by default) or not for loan. Its XML
detail (``&inXML=true``, MODS) lists the same copies without their loans, so the page is read.

Koha (its REST API's public item object): ``/api/v1/public/biblios/{id}/items`` gives each item's
barcode (``external_id``), ``callnumber``, ``location``, ``checked_out_date`` (set while on loan)
and the lost, withdrawn, damaged and not-for-loan statuses. The due date comes with the item's
``checkout`` only where the server embeds it; otherwise a copy on loan has no due date.

INLISLite 3 (read from its source: opac/views/detail-opac, the ``showCollectionOpac`` procedure;
recorded in tests/fixtures/inlislite): the OPAC's detail page ``detail-opac?id=N`` has a table
``id="detail"`` with one row per copy: barcode, call number, the loan rule ("Dapat dipinjam",
"Baca di tempat", …), "<library> - <location>" and the copy's status by its name in the
``collectionstatus`` table ("Tersedia", "Dipinjam", "Rusak", …; a reserved copy says "Sudah Di
Booking Sampai <date>"). The OPAC shows no due dates: a copy on loan has none. A deleted record's
page answers 404.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import httpx
from lxml import etree
from lxml import html as lxml_html

from bot import __version__
from bot.catalog.records import Copy, CopyStatus
from bot.catalog.sync.sources import LiveSource, record_number

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SHORT_DAY = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")  # SLiMS's other format, d-M-Y
_UNSET = "Location name is not set"  # what SLiMS writes for a missing location or call number
HEADERS = {"User-Agent": f"pustaka/{__version__}"}


class SourceError(Exception):
    """A library system that did not answer as expected, explained in one line."""


async def read_copies(
    http: httpx.AsyncClient, source: LiveSource, source_id: str, wait: float
) -> tuple[Copy, ...]:
    """The record's copies now; raises SourceError in one line."""
    number = record_number(source_id)
    if number is None:
        raise SourceError(f"{source_id} names no record number")
    if source.kind == "slims":
        url = f"{source.url}index.php?p=show_detail&id={number}"
    elif source.kind == "koha":
        url = f"{source.url}api/v1/public/biblios/{number}/items"
    elif source.kind == "inlislite":
        url = f"{source.url}detail-opac?id={number}"
    else:
        raise SourceError(f"{source.kind} has no per-record copies to read")
    try:
        response = await http.get(url, headers=HEADERS, timeout=wait, follow_redirects=True)
    except httpx.TimeoutException:
        raise SourceError(f"{url} did not answer within {wait:g} s") from None
    except httpx.HTTPError as error:
        raise SourceError(f"cannot reach {url}: {error or type(error).__name__}") from None
    if response.status_code == 404:
        return ()
    if response.is_error:
        raise SourceError(f"{url} answered HTTP {response.status_code}")
    if source.kind == "slims":
        return slims_copies(response.text, url)
    if source.kind == "inlislite":
        return inlislite_copies(response.text, url)
    return koha_copies(response.content, url)


def slims_copies(page: str, url: str = "the page") -> tuple[Copy, ...]:
    """The copies on a detail page; a page without any ("No copy data") has none."""
    if "<html" not in page[:4000].lower():
        raise SourceError(f"{url} is not a SLiMS detail page")
    try:
        root = lxml_html.fromstring(page)
    except (etree.ParserError, ValueError):
        raise SourceError(f"{url} is not a SLiMS detail page") from None
    copies: list[Copy] = []
    for mark in root.xpath('//b[contains(concat(" ", @class, " "), " availability-item ")]'):
        row = next(
            (
                a
                for a in mark.iterancestors("div")
                if "flex-row" in a.get("class", "").split()
                and "w-full" in a.get("class", "").split()
            ),
            None,
        )
        if row is None:
            continue
        location = _text(row.xpath('.//span[contains(@class, "block")]'))
        call_number = _text(row.xpath('.//small[contains(@class, "text-muted")]'))
        barcode = _text(row.xpath('./div[contains(@class, "col-2")]'))
        classes = mark.get("class", "").split()
        status_text = mark.text_content()
        if "item-onloan" in classes:
            status, due = CopyStatus.ON_LOAN, _due(status_text)
        elif "item-notforloan" in classes:
            status, due = CopyStatus.NOT_FOR_LOAN, None
        else:
            status, due = CopyStatus.AVAILABLE, None
        copies.append(
            Copy(
                barcode or None,
                call_number if call_number and call_number != _UNSET else None,
                location.split(" (")[0] if location and location != _UNSET else None,
                status,
                due,
            )
        )
    return tuple(copies)


# INLISLite's collectionstatus names (its database's own rows, not translated by the OPAC).
_INLIS_ON_LOAN = {"dipinjam"}
_INLIS_MISSING = {"rusak", "hilang", "dalam perbaikan", "tidak tersedia", "dihibahkan"}
_INLIS_LENDABLE = "dapat dipinjam"  # the loan rule of a copy that may leave the library


def inlislite_copies(page: str, url: str = "the page") -> tuple[Copy, ...]:
    """The copies in a detail page's table; other statuses (being processed, read in the
    library, reserved, on hold) are copies in the library that cannot be borrowed now."""
    try:
        root = lxml_html.fromstring(page) if "<html" in page[:4000].lower() else None
    except (etree.ParserError, ValueError):
        root = None
    tables = root.xpath('//table[@id="detail"]') if root is not None else []
    if not tables:
        raise SourceError(f"{url} is not an INLISLite detail page")
    copies: list[Copy] = []
    for row in tables[0].xpath("./tbody/tr"):
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        if len(cells) < 5:
            continue
        barcode, call_number, rule, location, state = cells[:5]
        name = state.lower()
        if name == "tersedia":
            lendable = rule.lower() == _INLIS_LENDABLE
            status = CopyStatus.AVAILABLE if lendable else CopyStatus.NOT_FOR_LOAN
        elif name in _INLIS_ON_LOAN:
            status = CopyStatus.ON_LOAN
        elif name in _INLIS_MISSING:
            status = CopyStatus.MISSING
        else:
            status = CopyStatus.NOT_FOR_LOAN
        copies.append(
            Copy(
                barcode or None,
                call_number or None,
                location.strip(" -") or None,
                status,
                None,
            )
        )
    return tuple(copies)


def koha_copies(body: bytes, url: str = "the answer") -> tuple[Copy, ...]:
    try:
        items = json.loads(body)
    except ValueError:
        raise SourceError(f"{url} did not answer with JSON") from None
    if not isinstance(items, list):
        raise SourceError(f"{url} did not answer with a list of items")
    return tuple(_koha_copy(item) for item in items if isinstance(item, dict))


def _koha_copy(item: dict[str, Any]) -> Copy:
    due = None
    if any(item.get(key) for key in ("lost_status", "withdrawn", "damaged_status")):
        status = CopyStatus.MISSING
    elif item.get("checked_out_date") or item.get("checkout"):
        status = CopyStatus.ON_LOAN
        checkout = item.get("checkout") or {}
        due = _due(str(checkout.get("due_date") or ""))
    elif item.get("effective_not_for_loan_status") or item.get("not_for_loan_status"):
        status = CopyStatus.NOT_FOR_LOAN
    else:
        status = CopyStatus.AVAILABLE
    return Copy(
        item.get("external_id") or None,
        item.get("callnumber") or None,
        item.get("location") or item.get("holding_library_id") or None,
        status,
        due,
    )


def _text(elements: list[Any]) -> str:
    return " ".join(elements[0].text_content().split()) if elements else ""


def _due(text: str) -> date | None:
    if found := _ISO_DAY.search(text):
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return None
    if found := _SHORT_DAY.search(text):
        try:
            return datetime.strptime(found[0], "%d-%b-%Y").date()
        except ValueError:
            return None
    return None
