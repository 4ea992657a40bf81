from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, Section, load_config
from bot.process.features import discover

ROOT = Path(__file__).resolve().parents[2]


def feature_sections() -> list[Section]:
    return [section for package in discover() for section in package.sections]


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env=env or {}, sections=feature_sections())


def error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, text)
    return raised.value


def test_defaults_without_a_file(tmp_path: Path) -> None:
    """With no file anywhere, the bot runs on the documented defaults."""
    config = load_config(env={}, cwd=tmp_path)
    assert config.source is None
    assert (config.bot.locale, config.bot.timezone) == ("id", "Asia/Jakarta")
    assert config.database.path == Path("pustaka.db")
    assert config.platforms_with_tokens() == ()


def test_example_file_documents_the_defaults() -> None:
    """config.example.toml, copied unchanged, behaves exactly like no file."""
    example = load_config(ROOT / "config.example.toml", env={}, sections=feature_sections())
    assert replace(example, source=None) == Config().declare(feature_sections())


def test_every_key_is_in_the_example() -> None:
    """Each key the loader accepts appears in config.example.toml."""
    from bot.config import SECTIONS

    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    declared = {section.name: (section.settings, section.checks) for section in feature_sections()}
    assert "quiz" in declared
    for section, (_, checks) in {**SECTIONS, **declared}.items():
        assert f"[{section}]" in text
        for key in checks:
            assert f"\n{key} = " in text, f"{section}.{key} is not documented"


def test_config_found_in_working_directory_and_environment(tmp_path: Path) -> None:
    """./config.toml is read, PUSTAKA_CONFIG points elsewhere, and --config beats both."""
    (tmp_path / "config.toml").write_text('[bot]\nname = "Here"\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('[bot]\nname = "There"\n', encoding="utf-8")
    assert load_config(env={}, cwd=tmp_path).bot.name == "Here"
    assert load_config(env={"PUSTAKA_CONFIG": str(other)}, cwd=tmp_path).bot.name == "There"
    chosen = load_config(tmp_path / "config.toml", env={"PUSTAKA_CONFIG": str(other)})
    assert (chosen.bot.name, chosen.source) == ("Here", tmp_path / "config.toml")


def test_environment_tokens_win(tmp_path: Path) -> None:
    """PUSTAKA_*_TOKEN override the file's tokens, and secrets() lists them for redaction."""
    config = load(
        tmp_path,
        '[telegram]\ntoken = "from-file"\n[discord]\ntoken = "discord-file"\n',
        env={"PUSTAKA_TELEGRAM_TOKEN": "from-env"},
    )
    assert config.telegram.token == "from-env"
    assert config.secrets() == ("from-env", "discord-file")
    assert config.platforms_with_tokens() == ("telegram", "discord")


def test_blank_environment_token_keeps_the_file_token(tmp_path: Path) -> None:
    """An empty or blank PUSTAKA_*_TOKEN does not switch off a platform configured in the file."""
    text = '[telegram]\ntoken = "from-file"\n'
    for blank in ("", "  "):
        config = load(tmp_path, text, env={"PUSTAKA_TELEGRAM_TOKEN": blank})
        assert config.telegram.token == "from-file"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[bot]\ncolour = 'blue'\n", "bot.colour", "unknown key"),
        ("[library]\nname = 'x'\n", "library", "unknown section"),
        ("[bot]\nname = 42\n", "bot.name", "expected a string, got integer"),
        ("[bot]\nname = 1979-05-27\n", "bot.name", "expected a string, got date/time"),
        ("[bot]\nname = '  '\n", "bot.name", "must not be empty"),
        ("[telegram]\nport = '8443'\n", "telegram.port", "expected an integer, got string"),
        ("[openlibrary]\nenabled = 1\n", "openlibrary.enabled", "got integer"),
        ("[bot]\ntimezone = 'Mars/Olympus'\n", "bot.timezone", "unknown timezone"),
        ("[bot]\ntimezone = '../etc'\n", "bot.timezone", "unknown timezone"),
        ("[bot]\nlocale = 'fr'\n", "bot.locale", "id, en"),
        ("[bot]\nlog_level = 'LOUD'\n", "bot.log_level", "not one of"),
        ("[telegram]\nmode = 'push'\n", "telegram.mode", "polling, webhook"),
        ("[telegram]\nbase_url = 'ftp://x'\n", "telegram.base_url", "http"),
        ("[discord]\nguild_ids = [1, 'abc']\n", "discord.guild_ids[1]", "server id"),
        ("[discord]\nguild_ids = [1, 2, -3]\n", "discord.guild_ids[2]", "server id"),
        ("[discord]\nguild_ids = ['\u00b2']\n", "discord.guild_ids[0]", "server id"),
        ("[discord]\nguild_ids = 5\n", "discord.guild_ids", "expected an array"),
        ("[moderators]\nmatrix = ['x']\n", "moderators.matrix", "unknown key"),
        ("[moderators]\ndiscord = [true]\n", "moderators.discord[0]", "user id"),
        ("[links]\nWeb = 'not a url'\n", "links.Web", "http"),
        ("[database]\npath = ''\n", "database.path", "empty"),
        ("bot = 3\n", "bot", "expected a table"),
        ("[bot\n", "config", "not valid TOML"),
    ],
)
def test_mistakes_name_their_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    """Each mistake is one line that names the key and says what is wrong."""
    problem = error(tmp_path, text)
    assert problem.key == key
    assert words in problem.message
    assert str(problem).startswith(f"{key}: ") and "\n" not in str(problem)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    """A file saved in another encoding is reported as a configuration error, not a crash."""
    path = tmp_path / "config.toml"
    path.write_bytes(b"[bot]\nname = 'Perpustakaan \xc9'\n")
    with pytest.raises(ConfigError, match="not valid TOML: not UTF-8") as raised:
        load_config(path, env={})
    assert raised.value.key == "config"


def test_long_bad_value_is_shortened(tmp_path: Path) -> None:
    """A long wrong value is cut short, so the error still fits on one line."""
    problem = error(tmp_path, f"[bot]\ntimezone = '{'x' * 500}'\n")
    assert problem.key == "bot.timezone" and len(str(problem)) < 120


def test_missing_explicit_file(tmp_path: Path) -> None:
    """A --config path that does not exist is an error, not silent defaults."""
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml", env={})


def test_moderators_links_and_guilds(tmp_path: Path) -> None:
    """Ids given as numbers or text both count; links keep their order."""
    config = load(
        tmp_path,
        "[moderators]\ntelegram = [987654321, '12']\nconsole = ['pustakawan']\n"
        "[discord]\nguild_ids = ['123', 456]\n"
        "[links]\nWebsite = 'https://a.example'\n'Katalog online' = 'https://b.example'\n",
    )
    assert config.moderators.is_moderator("telegram", 987654321)
    assert config.moderators.is_moderator("telegram", "12")
    assert config.moderators.is_moderator("console", "pustakawan")
    assert not config.moderators.is_moderator("discord", "pustakawan")
    assert not config.moderators.is_moderator("matrix", "pustakawan")
    assert not config.moderators.is_moderator("is_moderator", "pustakawan")
    assert config.discord.guild_ids == (123, 456)
    assert config.links == (
        ("Website", "https://a.example"),
        ("Katalog online", "https://b.example"),
    )
