"""The registry asks the feature that declared a job's kind to describe the job (for a list of
what the bot will post), without the asker knowing the feature: a kind nobody describes, a job
for another community and a describer that fails all give no line."""

from __future__ import annotations

from datetime import timedelta

from bot.api.commands import Feature
from bot.api.jobs import JobContext, job
from bot.config import Config
from bot.process.app import App
from bot.storage.scheduler import Job
from bot.time.clock import FakeClock


class Posters(Feature):
    name = "posters"

    @job("poster")
    async def poster(self, ctx: JobContext) -> None: ...

    @job("poster-internal")
    async def internal(self, ctx: JobContext) -> None: ...

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        if job.kind != "poster" or job.payload["community"] not in circle:
            return None
        if job.payload.get("broken"):
            raise RuntimeError("the poster's data is gone")
        return ctx._("Reminder") + f": {job.payload['text']}"


class Silent(Feature):
    name = "silent"

    @job("silent")
    async def silent(self, ctx: JobContext) -> None: ...


async def test_the_owner_of_a_kind_describes_its_jobs(config: Config, clock: FakeClock) -> None:
    app = await App.open(config, clock=clock, features=[Posters, Silent])
    try:
        registry, scheduler = app.services.registry, app.services.scheduler
        assert registry.described_kinds() == {"poster", "poster-internal"}
        due = clock.now() + timedelta(hours=1)
        later = due + timedelta(minutes=1)
        await scheduler.schedule("poster", "a", due, {"community": 1, "text": "Bedah buku"})
        await scheduler.schedule("poster", "b", due, {"community": 2, "text": "elsewhere"})
        await scheduler.schedule("poster", "c", due, {"community": 1, "broken": True})
        await scheduler.schedule("poster-internal", "d", due, {"community": 1})
        await scheduler.schedule("silent", "e", due, {"community": 1})
        jobs = {
            job.key: job
            for job in await scheduler.upcoming(later, {"poster", "poster-internal", "silent"})
        }
        reader = JobContext.start(app.services)
        lines = {key: await registry.describe_job(reader, j, (1,)) for key, j in jobs.items()}
        assert lines == {
            "a": "Pengingat: Bedah buku",
            "b": None,
            "c": None,
            "d": None,
            "e": None,
        }
    finally:
        await app.close()
