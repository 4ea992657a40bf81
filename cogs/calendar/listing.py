"""The scheduled posts of a circle, each described by the feature that owns its kind, in time
order, one page at a time.

Only the jobs shown are described (a feature's description may read its own tables), so a
calendar of a thousand items costs the scheduler's one query and a page of descriptions
(bench/content_calendar.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.api.context import Context
from bot.api.jobs import JobContext
from bot.api.services import Services
from bot.storage.scheduler import Job

PAGE = 15


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
    for job in jobs:
        line = await registry.describe_job(replace(reader, job=job), job, circle)
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
