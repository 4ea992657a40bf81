"""Every loaded feature and the commands it declares, looked up by name or alias; adding a
feature also hands its declared job kinds to the scheduler."""

from __future__ import annotations

from bot.api.commands import Command, Feature, Permission
from bot.api.jobs import register_jobs


class Registry:
    def __init__(self) -> None:
        self.features: list[Feature] = []
        self._by_name: dict[str, Command] = {}

    def add(self, feature: Feature) -> None:
        for command in feature.commands():
            for name in (command.name, *command.aliases):
                if name in self._by_name:
                    raise ValueError(f"/{name} is declared twice")
                self._by_name[name] = command
        register_jobs(feature.services, feature)
        self.features.append(feature)

    @property
    def commands(self) -> list[Command]:
        """Every command once, in feature order."""
        return list(dict.fromkeys(self._by_name.values()))

    @property
    def names(self) -> dict[str, Command]:
        """Names and aliases."""
        return dict(self._by_name)

    def find(self, name: str) -> Command | None:
        return self._by_name.get(" ".join(name.lower().split()))

    def usable(self, is_moderator: bool) -> list[Command]:
        return [c for c in self.commands if is_moderator or c.permission is Permission.MEMBER]

    def group(self, root: str, is_moderator: bool) -> list[Command]:
        """The subcommands of ``/root`` (``quiz start``, ``quiz stop``…)."""
        return [c for c in self.usable(is_moderator) if len(c.path) > 1 and c.path[0] == root]
