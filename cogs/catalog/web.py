"""The catalog page of the web dashboard: a SLiMS CSV, CSV or MARC export uploaded and imported
as `pustaka catalog import` imports it (the same reading, the same reconciliation of books the
export no longer has), with its progress and summary; the sources with their books and, for a
library system kept in step, the last sync and its error.

The upload is written under a name of the bot's own in a fresh temporary folder (its name from
the browser is only shown), imported by a task of its own, and the folder removed afterwards.
One import runs at a time; its progress is kept in memory (lost with the process, as the
import itself would be cut and is simply done again).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.api.commands import N_
from bot.api.context import Context
from bot.api.dates import moment_text
from bot.api.web import Page, Redirect, Render, View, WebRequest
from bot.catalog.importers.base import CatalogFileError
from bot.catalog.importers.commands import reconcile_seen
from bot.catalog.importers.load import FORMAT_NAMES, open_catalog_file
from bot.catalog.sample import SOURCE as SAMPLE
from bot.catalog.sources import book_count, list_sources, remove_source
from bot.catalog.sync import state

if TYPE_CHECKING:
    from cogs.catalog.commands import CatalogFeature

log = logging.getLogger("pustaka.catalog")

MAX_UPLOAD = 200 * 1024 * 1024
"""The page's own ceiling; ``[web] max_upload_mb`` (20 by default) is usually lower."""
SUFFIXES = {".csv", ".txt", ".mrc", ".marc", ".iso", ".dat", ".xml"}
LISTED = 20


@dataclass
class Upload:
    """One import from the page, as far as it got."""

    id: str
    name: str
    by: str
    started: datetime
    records: int = 0
    done: int = 0
    size: int = 0
    finished: bool = False
    format: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    sample_removed: bool = False
    error: str | None = None


class Uploads:
    """The catalog's imports started from the dashboard (one at a time)."""

    def __init__(self, feature: CatalogFeature) -> None:
        self.feature = feature
        self.runs: dict[str, Upload] = {}
        self.task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, ctx: Context, name: str, content: bytes) -> Upload:
        upload = Upload(secrets.token_urlsafe(8), name, ctx.member.display_name, ctx.clock.now())
        upload.size = len(content)
        self.runs = {key: run for key, run in self.runs.items() if not run.finished}
        self.runs[upload.id] = upload
        self.task = asyncio.create_task(self._run(upload, content), name="catalog-upload")
        return upload

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _run(self, upload: Upload, content: bytes) -> None:
        services = self.feature.services
        store = services.store
        suffix = Path(upload.name).suffix.lower()
        try:
            with tempfile.TemporaryDirectory(prefix="pustaka-upload-") as folder:
                path = Path(folder) / ("katalog" + (suffix if suffix in SUFFIXES else ""))
                await asyncio.to_thread(path.write_bytes, content)
                with open_catalog_file(path) as opened:
                    upload.format = FORMAT_NAMES[opened.format]
                    replacing = opened.source != SAMPLE and await book_count(store, SAMPLE) > 0
                    seen: dict[str, set[str]] = {}

                    def advance(records: int, done: int, size: int) -> None:
                        upload.records, upload.done = records, done
                        upload.size = size or upload.size

                    summary = await opened.import_into(
                        self.feature.catalog, progress=advance, seen=seen
                    )
                    share = services.config.catalog.max_removal_percent / 100
                    _, refused = await reconcile_seen(store, seen, summary, max_share=share)
                    upload.warnings = list(opened.warnings)
                if replacing and any(s.name != SAMPLE for s in await list_sources(store)):
                    await remove_source(store, services.clock, SAMPLE)
                    upload.sample_removed = True
            upload.counts = {
                "added": summary.added,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "removed": summary.removed,
                "skipped": len(summary.skipped),
            }
            upload.skipped = summary.skipped[:LISTED]
            upload.refused = [str(error) for error in refused]
            log.info("catalog %s imported from the dashboard by %s", upload.name, upload.by)
        except CatalogFileError as error:
            upload.error = str(error)
        except Exception as error:  # a file that breaks the importer must not end the bot
            log.exception("the catalog upload %s failed", upload.name)
            upload.error = f"{type(error).__name__}: {error}"
        finally:
            upload.done = upload.size
            upload.finished = True


async def view(request: WebRequest) -> View:
    feature = _feature(request)
    uploads = feature.uploads
    if request.method == "POST" and request.form.get("action") == "import":
        sent = request.files.get("catalog")
        if sent is None:
            return Redirect("/p/catalog", request._("Choose the catalog file first."))
        if uploads.busy:
            return Redirect("/p/catalog", request._("An import is still running: wait for it."))
        upload = uploads.start(request.ctx, sent.name, await sent.read())
        return Redirect(f"/p/catalog?upload={upload.id}")
    return await _page(request, feature, uploads.runs.get(request.query.get("upload", "")))


PAGE = Page("catalog", N_("Catalog"), view, order=40, max_upload=MAX_UPLOAD)


async def _page(request: WebRequest, feature: CatalogFeature, upload: Upload | None) -> Render:
    ctx = request.ctx
    store = ctx.store
    configured = []
    for source in (syncer.source for syncer in feature.live.syncers.values()):
        found = await state.sync_state(store, source.name)
        configured.append(
            {
                "name": source.name,
                "kind": source.kind,
                "last_sync": _when(ctx, found.last_sync),
                "last_full": _when(ctx, found.last_full),
                "failing_since": _when(ctx, found.failing_since),
                "error": found.last_error if found.failing_since else None,
            }
        )
    return Render(
        "catalog/page.html",
        {
            "upload": upload,
            "percent": _percent(upload),
            "sources": await list_sources(store),
            "sample": SAMPLE,
            "configured": configured,
            "busy": feature.uploads.busy,
            "limit_mb": min(MAX_UPLOAD, ctx.services.config.web.max_upload_mb * 1024 * 1024)
            // (1024 * 1024),
        },
    )


def _percent(upload: Upload | None) -> int:
    if upload is None or not upload.size:
        return 0
    return min(100, round(100 * upload.done / upload.size))


def _when(ctx: Context, moment: datetime | None) -> str | None:
    return moment_text(ctx.locale, moment, ctx.timezone) if moment else None


def _feature(request: WebRequest) -> Any:
    from cogs.catalog.commands import CatalogFeature

    return request.ctx.services.registry.feature(CatalogFeature)
