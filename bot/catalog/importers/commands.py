"""`pustaka catalog import`, `harvest`, `sources` and `remove`.

An import or harvest draws a progress bar on stderr, then prints what changed on stdout; each
stream is flushed before the other is written, so that the lines keep their order when both go
to one file or pipe. The library's own catalog arriving removes the bundled sample (saying so
before it starts, and afterwards what became of members' shelves, ratings and clubs on it).
"""

from __future__ import annotations

import asyncio
import sys
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
from bot.catalog.reconcile import MAX_SHARE, MassRemovalRefused, reconcile
from bot.catalog.sample import SOURCE as SAMPLE
from bot.catalog.sources import Removal, book_count, list_sources, remove_source
from bot.catalog.store import Catalog, ImportSummary
from bot.storage.store import Store
from bot.time.clock import SystemClock

SKIPPED_LISTED = 20


async def run_import(
    database: Path | str,
    file: Path,
    *,
    format: str | None = None,
    source: str | None = None,
    encoding: str | None = None,
    partial: bool = False,
    allow_mass_removal: bool = False,
    max_share: float = MAX_SHARE,
) -> int:
    """Import a file; unless `partial`, it is its source's whole catalog (`reconcile`).

    1 when removing the books it lacks was refused (what it had is imported all the same).
    """
    # The file is checked before the database is opened: a mistyped name creates nothing.
    with open_catalog_file(file, format=format, source=source, encoding=encoding) as opened:
        store = await Store.open(database)
        refused: list[MassRemovalRefused] = []
        try:
            catalog = Catalog(store, SystemClock())
            replacing = await _announce_sample_removal(store, opened.source)
            seen: dict[str, set[str]] = {}
            with _progress(f"Importing {file.name}") as (bar, task):

                def advance(records: int, done: int, size: int) -> None:
                    bar.update(task, completed=done, total=size or None, records=records)

                summary = await opened.import_into(catalog, progress=advance, seen=seen)
            removals: list[Removal] = []
            if not partial:
                removals, refused = await reconcile_seen(
                    store, seen, summary, allow_mass_removal=allow_mass_removal, max_share=max_share
                )
            _say(f"Imported {file.name} ({FORMAT_NAMES[opened.format]}):")
            _say(summary_text(summary))
            for removal in removals:
                if removal.followed or removal.dropped:
                    _say(removal_text(removal, missing=True))
            for warning in opened.warnings:
                _say(f"Warning: {warning}")
            for error in refused:
                _say(
                    f"Nothing removed: {error}. Check the file is the whole catalog; import"
                    " a part of it with --partial."
                )
            if replacing:
                await _remove_sample(store)
        finally:
            await store.close()
    return 1 if refused else 0


async def reconcile_seen(
    store: Store,
    seen: dict[str, set[str]],
    summary: ImportSummary,
    *,
    allow_mass_removal: bool = False,
    max_share: float = MAX_SHARE,
) -> tuple[list[Removal], list[MassRemovalRefused]]:
    """After a whole catalog's import: each source's books the file lacked are removed (counted
    in `summary`), unless that would remove too many (refused, the books kept)."""
    removals: list[Removal] = []
    refused: list[MassRemovalRefused] = []
    for name, ids in sorted(seen.items()):
        try:
            removal = await reconcile(
                store, name, ids, allow_mass_removal=allow_mass_removal, max_share=max_share
            )
        except MassRemovalRefused as error:
            refused.append(error)
            continue
        summary.removed += removal.books
        removals.append(removal)
    return removals, refused


async def run_harvest(
    database: Path | str,
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
        _say(f"Harvesting {changes} from {url} ({metadata_prefix}).")
        replacing = await _announce_sample_removal(store, url)
        with _progress("Harvesting") as (bar, task):

            def advance(records: int, total: int | None) -> None:
                bar.update(task, completed=records, total=total, records=records)

            summary = await harvest(
                catalog, store, url, metadata_prefix, set_spec, from_, progress=advance
            )
        _say(f"Harvested {url}:")
        _say(summary_text(summary))
        if replacing:
            await _remove_sample(store)
    finally:
        await store.close()
    return 0


async def run_sources(database: Path | str) -> int:
    """Each source with its books and copies."""
    store = await Store.open(database)
    try:
        sources = await list_sources(store)
    finally:
        await store.close()
    if not sources:
        _say("The catalog is empty: import the library's catalog with `pustaka catalog import`.")
        return 0
    width = max(len(source.name) for source in sources)
    for source in sources:
        note = "  (the bundled sample: invented holdings)" if source.name == SAMPLE else ""
        _say(f"{source.name:<{width}}  {source.books:>9,} books  {source.copies:>9,} copies{note}")
    return 0


async def run_remove(database: Path | str, source: str) -> int:
    """Remove one source; 2 when there is no such source."""
    store = await Store.open(database)
    try:
        if not await book_count(store, source):
            names = ", ".join(s.name for s in await list_sources(store)) or "none"
            print(f"pustaka: no books come from {source!r}; sources: {names}", file=sys.stderr)
            return 2
        _say(removal_text(await remove_source(store, SystemClock(), source)))
    finally:
        await store.close()
    return 0


def removal_text(removal: Removal, *, missing: bool = False) -> str:
    """What a removal did, for the librarian (`missing`: the books a whole catalog lacked)."""
    label = "the sample catalog" if removal.source == SAMPLE else repr(removal.source)
    if missing:
        lines = [f"Removed from {label}: {removal.books:,} books no longer in its catalog."]
    else:
        lines = [f"Removed {label}: {removal.books:,} books and their copies."]
    if removal.followed:
        lines.append(
            f"Members' entries (shelves, ratings, clubs, suggestions, wants) moved to the same"
            f" book from another source: {removal.followed:,}."
        )
    if removal.dropped:
        lines.append(
            f"Entries on a book no other source has: {removal.dropped:,}; shelf entries, ratings"
            " and suggestions of those books are gone, clubs and wants keep the title."
        )
    return "\n".join(lines)


async def _announce_sample_removal(store: Store, source: str | None) -> bool:
    """Whether this import (into `source`, None for the format's default) replaces the sample:
    it does while the sample is in the catalog. Said before the import starts; on a terminal
    the librarian is asked and may keep it (to try things side by side a little longer)."""
    if source == SAMPLE:
        return False
    books = await book_count(store, SAMPLE)
    if not books:
        return False
    if not sys.stdin.isatty():
        _say(
            f"The bundled sample catalog ({books:,} books with invented holdings) will be"
            " removed after this import: from now on the catalog is the library's own."
        )
        return True
    _say(f"The bundled sample catalog ({books:,} books with invented holdings) is in the catalog.")
    while True:
        try:
            answer = await asyncio.to_thread(input, "Remove it after this import? [Y/n] ")
            answer = answer.strip().casefold()
        except EOFError:
            answer = ""
        if answer in ("", "y", "yes", "ya"):
            return True
        if answer in ("n", "no", "t", "tidak"):
            _say("The sample stays; remove it later with `pustaka catalog remove sample`.")
            return False


async def _remove_sample(store: Store) -> None:
    """Remove the sample once the library's catalog has books (an import of nothing keeps it)."""
    if any(source.name != SAMPLE for source in await list_sources(store)):
        _say(removal_text(await remove_source(store, SystemClock(), SAMPLE)))
    else:
        _say("Nothing was imported: the sample catalog stays until the library's has books.")


def _say(text: str) -> None:
    """A line on stdout, written at once: the progress bar on stderr comes after, not before."""
    print(text, flush=True)


def summary_text(summary: ImportSummary) -> str:
    """The counts, then each skipped record with its reason and each note (the first 20)."""
    lines = [
        f"  added      {summary.added}",
        f"  updated    {summary.updated}",
        f"  unchanged  {summary.unchanged}",
        f"  removed    {summary.removed}",
        f"  skipped    {len(summary.skipped)}",
    ]
    for heading, listed in (("Skipped:", summary.skipped), ("Notes:", summary.notes)):
        if listed:
            lines.append(heading)
            lines += [f"  {number}: {text}" for number, text in listed[:SKIPPED_LISTED]]
            if len(listed) > SKIPPED_LISTED:
                lines.append(f"  … and {len(listed) - SKIPPED_LISTED} more")
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
    sys.stderr.flush()
