"""`make run` on a fresh machine says what it is doing while it installs (issue 17, item 8)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Stands for python3: `-m venv DIR` makes DIR/bin/python (this script again), the rest succeeds.
FAKE_PYTHON = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin" && cp "$0" "$3/bin/python"
fi
echo "$@" >> "$(dirname "$0")/calls"
"""


def test_the_first_install_says_what_it_does_on_stderr(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    python = tmp_path / "python3"
    python.write_text(FAKE_PYTHON, encoding="utf-8")
    python.chmod(0o755)
    done = subprocess.run(
        ["make", "--no-print-directory", ".venv/.installed-stamp", f"PYTHON={python}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # a conversation piped through `make run` stays clean
    said = done.stderr.splitlines()
    assert said[0] == "Creating .venv, Pustaka's own Python environment…"
    assert said[1].startswith("Installing Pustaka and its libraries into .venv")
    assert said[-1] == "Installed."
    assert "pip install" in (tmp_path / ".venv" / "bin" / "calls").read_text(encoding="utf-8")
    again = subprocess.run(
        ["make", "--no-print-directory", ".venv/.installed-stamp", f"PYTHON={python}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.stderr == ""  # installed already: not a word
