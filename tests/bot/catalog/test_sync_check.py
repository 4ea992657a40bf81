"""`pustaka catalog check` says what the bot can read from each configured source."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.process.cli import main
from tests.conftest import write_config
from tests.fakes.library_systems import Biblio, FakeSlims, Item


def run(tmp_path: Path, extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    config = write_config(tmp_path, extra)
    status = main(["--config", str(config), "catalog", "check"])
    return status, capsys.readouterr().out


def test_a_slims_source_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Records, copies, loans, deletions and edits of a SLiMS, each in one line."""
    with FakeSlims() as slims:
        slims.add(
            Biblio(
                1,
                "Bumi manusia",
                isbn="979-97312-3-2",
                items=[
                    Item("B0001", "899.221 TOE b", "Rak Sastra"),
                    Item("B0002", "899.221 TOE b", "Rak Sastra", due=date(2026, 1, 19)),
                ],
            )
        )
        source = f'[[catalog.sources]]\nkind = "slims"\nurl = "{slims.base}"\n'
        status, out = run(tmp_path, source, capsys)
    assert status == 0
    assert "✓ records: at least 1 (oai_dc), e.g. “Bumi manusia”; ISBNs in 1 of the first 1" in out
    assert (
        "✓ copies: from the OPAC detail page: “Bumi manusia” has 2 (899.221 TOE b, Rak Sastra)"
        in out
    )
    assert "✓ loans: each copy's status and due date (1 of these on loan now)" in out
    assert "deletions: not announced by the server" in out
    assert "edits: SLiMS dates records by their creation" in out


def test_a_source_that_is_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A source that cannot be reached: one line saying so, exit status 1."""
    with FakeSlims() as slims:
        base = slims.base
    status, out = run(tmp_path, f'[[catalog.sources]]\nkind = "slims"\nurl = "{base}"\n', capsys)
    assert status == 1
    assert "✗ records: cannot read: cannot reach" in out


def test_no_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(tmp_path, "", capsys)
    assert status == 2 and "No catalog sources are configured" in out


def test_a_wrong_source_is_one_configuration_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown kind is refused at start."""
    config = write_config(tmp_path, '[[catalog.sources]]\nkind = "evergreen"\nurl = "http://x/"\n')
    assert main(["--config", str(config), "catalog", "check"]) == 2
    error = capsys.readouterr().err
    assert "catalog.sources[0].kind: 'evergreen' is not one of: slims, koha, inlislite" in error
