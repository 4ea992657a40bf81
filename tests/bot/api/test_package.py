"""What feature folders declare, as the core reads it."""

from __future__ import annotations

import pytest

from bot.process.features import discover


def test_every_bundled_data_file_passes_its_features_check() -> None:
    """Each feature that declares a data folder has files there, and every one of them loads
    with the feature's own checker (a bad file raises, naming its problems)."""
    checked = []
    for package in discover():
        if package.data_check is None:
            continue
        files = list(package.data_files())
        assert files, f"{package.name} declares data but its folder is empty"
        for file in files:
            package.data_check(file)
        checked.append(package.name)
    assert sorted(checked) == ["clubs", "quiz", "recommend", "series"]


def test_a_bad_data_file_is_refused_by_its_check(tmp_path) -> None:  # noqa: ANN001
    """The declared check is a real one: a broken file of each kind raises."""
    for package in discover():
        if package.data_check is None:
            continue
        broken = tmp_path / f"{package.name}.toml"
        broken.write_text("this is = not [valid", encoding="utf-8")
        with pytest.raises(Exception):  # noqa: B017 - each feature has its own error type
            package.data_check(broken)
