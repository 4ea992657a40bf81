"""The bundled themes file and its schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from cogs.recommend.themes import THEMES_FILE, ThemesError, load_themes


def test_bundled_themes_load() -> None:
    """The bundled themes validate; themes are found by key, either name or an alias."""
    themes = load_themes(THEMES_FILE)
    assert len(themes.all) >= 15
    history = themes.find("History")
    assert history is not None and history.key == "sejarah"
    assert history.name("id") == "Sejarah" and history.name("en") == "History"
    assert themes.find("FANTASY") is themes.find("fantasi")
    assert themes.find("Sastra  Indonesia") is not None
    assert themes.find("self-help") is themes.find("motivasi")
    assert themes.find("kolonialisme") is None


def test_every_problem_is_reported(tmp_path: Path) -> None:
    """A broken file is refused with every problem listed, each naming its theme."""
    path = tmp_path / "themes.toml"
    path.write_text(
        """
colour = "blue"

[[theme]]
key = "Sejarah!"
id = ""
en = "History"
subjects = []

[[theme]]
key = "like"
id = "Suka"
en = "Like"
subjects = ["x"]
shelf = 3

[[theme]]
key = "fantasi"
id = "Fantasi"
en = "Fantasy"
subjects = ["fantasi"]

[[theme]]
key = "khayalan"
id = "Khayalan"
en = "Fantasy"
subjects = ["fantasi"]
""",
        encoding="utf-8",
    )
    with pytest.raises(ThemesError) as raised:
        load_themes(path)
    problems = raised.value.problems
    assert "themes.toml: unknown top-level key 'colour'" in problems
    assert "themes.toml theme 1 (Sejarah!): key must be lower-case words" in problems[1]
    assert any("theme 1" in p and "id (the theme's name)" in p for p in problems)
    assert any("theme 1" in p and "subjects must be" in p for p in problems)
    assert any("theme 2 (like)" in p and "subcommand" in p for p in problems)
    assert any("theme 2 (like)" in p and "unknown key 'shelf'" in p for p in problems)
    assert any("theme 4 (khayalan)" in p and "'fantasy'" in p for p in problems)


def test_unreadable_or_not_toml(tmp_path: Path) -> None:
    """A missing file or broken TOML is one clear problem."""
    with pytest.raises(ThemesError, match="cannot be read"):
        load_themes(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[theme]\nkey =", encoding="utf-8")
    with pytest.raises(ThemesError, match="not valid TOML"):
        load_themes(broken)
