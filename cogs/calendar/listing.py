"""The scheduled posts of a circle, each described by the feature that owns its kind, in time
order, one page at a time.

Jobs are described a chunk at a time, until a page is full (a feature's description reads its
own tables, for a whole chunk at once where it can: ``describe_jobs``), so a calendar of a
thousand items costs the scheduler's one query and a page's worth of descriptions
(bench/content_calendar.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.api.context import Context
from bot.api.jobs import JobContext
from bot.api.services import Services
from bot.storage.scheduler import Job

PAGE = 15
CHUNK = 100
"""Jobs described together (a feature reads the rows of a chunk in one query)."""


@dataclass(frozen=True, slots=True)
class Item:
    job: Job
    line: str


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Item]
    more: bool
    """Items follow on the next page."""


async def page(
    services: Services,
    ctx: Context,
    circle: tuple[int, ...],
    until: datetime,
    number: int = 1,
    size: int = PAGE,
    since: datetime | None = None,
) -> Page:
    """The `number`-th page of what is scheduled until `until` (from `since` on, when given)
    for the circle."""
    registry = services.registry
    jobs = await services.scheduler.upcoming(until, registry.described_kinds(), circle, since=since)
    reader = JobContext.reading(ctx)
    skip = (number - 1) * size
    shown: list[Item] = []
    for first in range(0, len(jobs), CHUNK):
        chunk = jobs[first : first + CHUNK]
        for job, line in zip(
            chunk, await registry.describe_jobs(reader, chunk, circle), strict=True
        ):
            if line is None:
                continue
            if skip:
                skip -= 1
                continue
            if len(shown) == size:
                return Page(shown, more=True)
            shown.append(Item(job, line))
    return Page(shown, more=False)


async def item(
    services: Services, ctx: Context, circle: tuple[int, ...], job_id: int
) -> Item | None:
    """The pending job with this id when it is listed for the circle; None otherwise (no such
    job, another community's, one no feature lists, or one already run or cancelled)."""
    job = await services.scheduler.job(job_id)
    if job is None or job.state != "pending" or not circle:
        return None
    line = await services.registry.describe_job(JobContext.reading(ctx, job), job, circle)
    return Item(job, line) if line is not None else None
