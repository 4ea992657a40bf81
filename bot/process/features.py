"""Finding the feature folders and reading what each declares.

A feature is a package under `FEATURES` (cogs/) whose ``__init__.py`` has
``setup(package)`` (bot/api/package.py). They are found by name at start, so the core names no
feature in its code: a new folder is a new feature.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from pathlib import Path

from bot.api.package import FeatureFactory, FeaturePackage, declare, of_factory

FEATURES = "cogs"
FIRST = "general"  # /help lists its commands first


def discover(root: str = FEATURES) -> list[FeaturePackage]:
    """Every feature folder under `root` with a ``setup(package)``: general first, then by name."""
    found = pkgutil.iter_modules(importlib.import_module(root).__path__)
    packages = []
    for info in sorted(found, key=lambda i: (i.name != FIRST, i.name)):
        if info.ispkg:
            packages.append(load(f"{root}.{info.name}"))
    return [package for package in packages if package is not None]


def load(module_name: str) -> FeaturePackage | None:
    """The declarations of the feature folder `module_name` (None when it has no setup)."""
    module = importlib.import_module(module_name)
    setup = getattr(module, "setup", None)
    if not callable(setup) or module.__file__ is None:
        return None
    return declare(module_name.rsplit(".", 1)[-1], Path(module.__file__).parent, setup)


def packages_of(features: Iterable[FeaturePackage | FeatureFactory]) -> list[FeaturePackage]:
    """Declared packages as they are; a bare factory (tests' small features) as a package of its
    own with nothing but commands."""
    return [f if isinstance(f, FeaturePackage) else of_factory(f) for f in features]
