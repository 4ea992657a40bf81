from __future__ import annotations

from tests.cogs.sample_catalog import catalog, config

__all__ = ["catalog", "config"]
