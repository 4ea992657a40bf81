"""Every benchmark of `make bench` still runs against today's code, at a tiny size: a benchmark
that broke when the code moved would otherwise be found only when someone measures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import binaries

BENCH = Path(__file__).resolve().parents[2] / "bench"
ON_POSTGRES = {"shared_jobs.py", "webhook_workers.py"}
"""Benchmarks that start a throwaway PostgreSQL server (tests/postgres.py)."""


@pytest.mark.parametrize(
    ("script", "arguments", "reported"),
    [
        ("announce.py", ["--runs", "3"], "per home"),
        ("catalog_import.py", ["--csv-rows", "2000", "--marc-records", "200"], "CSV import"),
        (
            "catalog_sync.py",
            ["--records", "300", "--changed", "10", "--refreshes", "3"],
            "on-the-spot refresh",
        ),
        ("content_calendar.py", ["--items", "60", "--others", "20", "--runs", "3"], "/calendar"),
        ("catalog_search.py", ["--titles", "2000", "--queries", "20"], "pustaka search"),
        ("quiz_burst.py", ["--members", "20"], "each answer exactly once"),
        ("search_engines.py", ["--titles", "2000", "--queries", "20"], "SQLite search"),
        ("shared_jobs.py", ["--jobs", "3000", "--window", "3"], "each job exactly once"),
        (
            "recommend.py",
            ["--titles", "2000", "--members", "20", "--ratings", "100", "--runs", "5"],
            "/recommend me",
        ),
        (
            "stats.py",
            ["--members", "50", "--usage", "2000", "--answers", "500", "--events", "5"],
            "/stats 365",
        ),
        ("telegram_latency.py", [], "telegram /help"),
        ("webhook_workers.py", ["--answers", "30"], "no answer lost"),
        (
            "web.py",
            [
                *("--members", "50", "--usage", "2000", "--answers", "500", "--events", "5"),
                *("--items", "40", "--loads", "3", "--rounds", "3", "--settle", "0"),
            ],
            "/help on Telegram, dashboard every page loaded",
        ),
    ],
)
def test_benchmark_runs(script: str, arguments: list[str], reported: str) -> None:
    if script in ON_POSTGRES and binaries() is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) for a throwaway server")
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert reported in done.stdout
