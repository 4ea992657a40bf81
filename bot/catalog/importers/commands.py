"""`pustaka catalog import` and `pustaka catalog harvest`: run with a progress bar on stderr,
then print what changed on stdout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from bot.catalog.harvest import harvest, last_harvest
from bot.catalog.importers.load import FORMAT_NAMES, open_catalog_file
from bot.catalog.store import Catalog, ImportSummary
from bot.storage.store import Store
from bot.time.clock import SystemClock

SKIPPED_LISTED = 20


async def run_import(
    database: Path, file: Path, *, format: str | None = None, source: str | None = None
) -> int:
    # The file is checked before the database is opened: a mistyped name creates nothing.
    with open_catalog_file(file, format=format, source=source) as opened:
        store = await Store.open(database)
        try:
            catalog = Catalog(store, SystemClock())
            with _progress(f"Importing {file.name}") as (bar, task):

                def advance(records: int, done: int, size: int) -> None:
                    bar.update(task, completed=done, total=size or None, records=records)

                summary = await opened.import_into(catalog, progress=advance)
        finally:
            await store.close()
    print(f"Imported {file.name} ({FORMAT_NAMES[opened.format]}):")
    print(summary_text(summary))
    for warning in opened.warnings:
        print(f"Warning: {warning}")
    return 0


async def run_harvest(
    database: Path,
    url: str,
    *,
    metadata_prefix: str = "oai_dc",
    set_spec: str | None = None,
    from_: str | None = None,
) -> int:
    store = await Store.open(database)
    try:
        catalog = Catalog(store, SystemClock())
        since = from_ or await last_harvest(store, url, metadata_prefix, set_spec)
        changes = f"changes since {since[:10]}" if since else "everything"
        print(f"Harvesting {changes} from {url} ({metadata_prefix}).")
        with _progress("Harvesting") as (bar, task):

            def advance(records: int, total: int | None) -> None:
                bar.update(task, completed=records, total=total, records=records)

            summary = await harvest(
                catalog, store, url, metadata_prefix, set_spec, from_, progress=advance
            )
    finally:
        await store.close()
    print(f"Harvested {url}:")
    print(summary_text(summary))
    return 0


def summary_text(summary: ImportSummary) -> str:
    """The counts, then each skipped record with its reason (the first 20)."""
    lines = [
        f"  added      {summary.added}",
        f"  updated    {summary.updated}",
        f"  unchanged  {summary.unchanged}",
        f"  removed    {summary.removed}",
        f"  skipped    {len(summary.skipped)}",
    ]
    if summary.skipped:
        lines.append("Skipped:")
        lines += [f"  {number}: {reason}" for number, reason in summary.skipped[:SKIPPED_LISTED]]
        if len(summary.skipped) > SKIPPED_LISTED:
            lines.append(f"  … and {len(summary.skipped) - SKIPPED_LISTED} more")
    return "\n".join(lines)


class _RecordRate(ProgressColumn):
    """Records a second, whatever the bar counts (bytes of a file, records of a harvest)."""

    def render(self, task: Task) -> Text:
        records = task.fields.get("records", 0)
        elapsed = task.elapsed or 0
        rate = records / elapsed if elapsed > 0 else 0
        return Text(f"{records:,} records, {rate:,.0f}/s", style="progress.data.speed")


@contextmanager
def _progress(description: str) -> Iterator[tuple[Progress, TaskID]]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        _RecordRate(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(description, total=None, records=0)
        try:
            yield bar, task
        except BaseException:
            bar.live.transient = True  # the error is one line, without a half-drawn bar
            raise
