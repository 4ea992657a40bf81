"""Every loaded feature and the commands it declares, looked up by name or alias; adding a
feature also hands its declared job kinds to the scheduler.

A command's alias may rename its group as well (``acara buat`` for ``event create``): the group
word then names the whole group, so ``/acara list`` is ``/event list`` without declaring it, and
``/acara`` alone lists the group.

It also answers "what is this scheduled job?" for a feature that lists jobs (the calendar)
without knowing which feature owns them: a feature describes its own job kinds with a plain
``describe_job`` method (see :class:`bot.api.jobs.DescribesJobs`), and :meth:`Registry.describe_job`
asks the feature that declared the job's kind."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TypeVar

from bot.api.commands import Command, Feature, Permission
from bot.api.jobs import JobContext, register_jobs
from bot.storage.scheduler import Job

log = logging.getLogger("pustaka.registry")
F = TypeVar("F", bound=Feature)


class Registry:
    def __init__(self) -> None:
        self.features: list[Feature] = []
        self._by_name: dict[str, Command] = {}
        self._groups: dict[str, str] = {}
        self._job_owners: dict[str, Feature] = {}

    def add(self, feature: Feature) -> None:
        for command in feature.commands():
            for name in (command.name, *command.aliases):
                if name in self._by_name:
                    raise ValueError(f"/{name} is declared twice")
                self._by_name[name] = command
        for command in feature.commands():
            for alias in command.aliases:
                words = alias.split()
                if len(words) == 2 and len(command.path) == 2 and words[0] != command.path[0]:
                    known = self._groups.setdefault(words[0], command.path[0])
                    if known != command.path[0]:
                        raise ValueError(f"/{words[0]} names two groups")
        register_jobs(feature.services, feature)
        for kind in feature.jobs():
            self._job_owners[kind] = feature
        self.features.append(feature)

    def described_kinds(self) -> frozenset[str]:
        """The job kinds whose feature describes them (has a ``describe_job`` method)."""
        return frozenset(
            kind
            for kind, owner in self._job_owners.items()
            if callable(getattr(owner, "describe_job", None))
        )

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """One line saying what the job will post and where, from the feature that declared its
        kind; None when no feature describes it, it is not for a community in `circle`, or its
        feature failed to describe it (logged)."""
        describe = getattr(self._job_owners.get(job.kind), "describe_job", None)
        if describe is None:
            return None
        try:
            found = await describe(ctx, job, circle)
        except Exception:
            log.exception("describing %s job %s failed", job.kind, job.key)
            return None
        return found if isinstance(found, str) else None

    async def describe_jobs(
        self, ctx: JobContext, jobs: Sequence[Job], circle: tuple[int, ...]
    ) -> list[str | None]:
        """:meth:`describe_job` for many jobs at once, in their order. A feature with a
        ``describe_jobs`` method describes all of its jobs in one go (one query for a month of
        reminders rather than one each); the others, job by job."""
        lines: list[str | None] = [None] * len(jobs)
        by_owner: dict[int, list[int]] = {}
        for index, job in enumerate(jobs):
            owner = self._job_owners.get(job.kind)
            if owner is not None:
                by_owner.setdefault(id(owner), []).append(index)
        for indexes in by_owner.values():
            owner = self._job_owners[jobs[indexes[0]].kind]
            many = getattr(owner, "describe_jobs", None)
            if many is None:
                for index in indexes:
                    lines[index] = await self.describe_job(ctx, jobs[index], circle)
                continue
            try:
                found = await many(ctx, [jobs[index] for index in indexes], circle)
            except Exception:
                log.exception("describing %d jobs of %s failed", len(indexes), owner.name)
                continue
            for index, line in zip(indexes, found, strict=True):
                lines[index] = line if isinstance(line, str) else None
        return lines

    def feature(self, kind: type[F]) -> F:
        """The loaded feature of this class (a feature's web page finds its own feature)."""
        return next(f for f in self.features if isinstance(f, kind))

    @property
    def commands(self) -> list[Command]:
        """Every command once, in feature order."""
        return list(dict.fromkeys(self._by_name.values()))

    @property
    def names(self) -> dict[str, Command]:
        """Names and aliases, with each group's other names (``acara list``)."""
        found = dict(self._by_name)
        for alias, group in self._groups.items():
            for name, command in self._by_name.items():
                words = name.split()
                if len(words) == 2 and words[0] == group:
                    found.setdefault(f"{alias} {words[1]}", command)
        return found

    def group_names(self) -> dict[str, str]:
        """Another name of a group → the group (``acara`` → ``event``)."""
        return dict(self._groups)

    def find(self, name: str) -> Command | None:
        key = " ".join(name.lower().split())
        if (found := self._by_name.get(key)) is not None:
            return found
        head, _, rest = key.partition(" ")
        if rest and head in self._groups:
            return self._by_name.get(f"{self._groups[head]} {rest}")
        return None

    def usable(self, is_moderator: bool) -> list[Command]:
        return [c for c in self.commands if is_moderator or c.permission is Permission.MEMBER]

    def group(self, root: str, is_moderator: bool) -> list[Command]:
        """The subcommands of ``/root`` (``quiz start``, ``quiz stop``…), also by another name of
        the group (``/kuis``)."""
        root = self._groups.get(root, root)
        return [c for c in self.usable(is_moderator) if len(c.path) > 1 and c.path[0] == root]
