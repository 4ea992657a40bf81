"""The browser tests need Debian's Chromium and ChromeDriver (`apt install chromium
chromium-driver`; .ci/run installs them when it runs as root). Without them they are skipped,
and the run says so at its end rather than in a skip reason nobody reads."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = [
    name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not path
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not MISSING:
        return
    reason = f"no {' and no '.join(MISSING)} on this machine (apt install chromium chromium-driver)"
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MISSING and any(
        "tests/browser/" in report.nodeid for report in terminalreporter.stats.get("skipped", [])
    ):
        terminalreporter.write_line(
            f"SKIPPED the browser tests (tests/browser): no {' and no '.join(MISSING)} on this"
            " machine; apt install chromium chromium-driver to run them.",
            yellow=True,
        )
