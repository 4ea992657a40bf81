"""Settings from a TOML file, checked at start so a mistake is one clear line naming its key.

The file is `--config PATH`, else `PUSTAKA_CONFIG`, else `config.toml` in the working directory,
else none (every default). Tokens may also come from `PUSTAKA_DISCORD_TOKEN` and
`PUSTAKA_TELEGRAM_TOKEN`, which win over the file. config.example.toml documents every key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPORTED_LOCALES = ("id", "en")
MODERATOR_PLATFORMS = ("discord", "telegram", "console")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
T = TypeVar("T")


class ConfigError(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True)
class BotSettings:
    name: str = "Perpustakaan"
    description: str = ""
    locale: str = "id"
    timezone: str = "Asia/Jakarta"
    log_level: str = "INFO"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class DatabaseSettings:
    path: Path = Path("pustaka.db")
    url: str = ""
    """A ``postgresql://`` URL: PostgreSQL instead of the SQLite file at `path`."""

    @property
    def target(self) -> Path | str:
        """What ``Store.open`` opens: the URL when one is set, else the SQLite file."""
        return self.url or self.path


@dataclass(frozen=True)
class TelegramSettings:
    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    mode: str = "polling"
    webhook_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str = ""


@dataclass(frozen=True)
class DiscordSettings:
    token: str = ""
    guild_ids: tuple[int, ...] = ()
    moderator_role: str = ""
    forum_channel: str = ""
    shard_count: int = 0
    """Shards in all, across every process (0: as many as Discord recommends, all here)."""
    shard_ids: tuple[int, ...] = ()
    """The shards this process runs (empty: all of them)."""

    @property
    def syncs_commands(self) -> bool:
        """Slash commands are synced by one process: the one running shard 0."""
        return not self.shard_ids or 0 in self.shard_ids


@dataclass(frozen=True)
class OpenLibrarySettings:
    enabled: bool = True
    base_url: str = "https://openlibrary.org"
    contact: str = ""
    covers_url: str = "https://covers.openlibrary.org"
    requests_per_second: float = 1.0
    timeout_seconds: float = 3.0
    cache_hours: int = 24


@dataclass(frozen=True)
class SchedulerSettings:
    grace_minutes: int = 60


SOURCE_KINDS = ("slims", "koha", "inlislite", "oai")


@dataclass(frozen=True)
class SourceSettings:
    """One library system the catalog is kept in step with (``[[catalog.sources]]``)."""

    kind: str
    url: str  # the OPAC's base address; for kind "oai", the OAI-PMH base URL
    name: str = ""  # what its books are kept under; default: its OAI-PMH base URL
    oai_url: str = ""  # default: where the kind serves OAI-PMH under `url`
    every_minutes: int = 15  # incremental sync
    nightly_at: str = "02:30"  # full reconciliation, in [bot] timezone
    max_removal_share: float = 0.2  # a reconciliation removing more is refused


@dataclass(frozen=True)
class PrivacySettings:
    keep_usage_days: int = 365


@dataclass(frozen=True)
class CatalogSettings:
    sample: bool = True
    # A full import removes the source's books it lacks; more than this share at once is refused
    # unless `--allow-mass-removal` is given (bot/catalog/reconcile.py).
    max_removal_percent: float = 20.0
    sources: tuple[SourceSettings, ...] = ()


@dataclass(frozen=True)
class ModeratorSettings:
    discord: frozenset[str] = frozenset()
    telegram: frozenset[str] = frozenset()
    console: frozenset[str] = frozenset()

    def is_moderator(self, platform: str, user_id: str | int) -> bool:
        if platform not in MODERATOR_PLATFORMS:
            return False
        return str(user_id).strip() in getattr(self, platform)


@dataclass(frozen=True)
class WebSettings:
    """The web dashboard (bot/web/): off unless enabled; served on `listen`:`port`, reached at
    `public_url` when a reverse proxy in front of it terminates HTTPS."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""
    max_upload_mb: int = 20

    @property
    def base_url(self) -> str:
        """Where a moderator's browser reaches the dashboard, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.listen}]" if ":" in self.listen else self.listen
        return f"http://{host}:{self.port}"


@dataclass(frozen=True)
class Section:
    """A configuration section a feature brings (declared in its setup()): ``[name]``, a frozen
    dataclass whose defaults are the section's defaults, and a check for each key."""

    name: str
    settings: type
    checks: Mapping[str, Check]


@dataclass(frozen=True)
class Config:
    bot: BotSettings = field(default_factory=BotSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    openlibrary: OpenLibrarySettings = field(default_factory=OpenLibrarySettings)
    catalog: CatalogSettings = field(default_factory=CatalogSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    moderators: ModeratorSettings = field(default_factory=ModeratorSettings)
    web: WebSettings = field(default_factory=WebSettings)
    links: tuple[tuple[str, str], ...] = ()
    source: Path | None = None
    sections: Mapping[str, Any] = field(default_factory=dict)
    """The features' sections, checked (see :meth:`declare`), by section name."""
    unchecked: Mapping[str, Any] = field(default_factory=dict)
    """Sections of the file no feature has declared yet, as the file has them."""

    def secrets(self) -> tuple[str, ...]:
        values = (self.telegram.token, self.discord.token, self.telegram.secret_token)
        return tuple(value for value in values if value)

    def platforms_with_tokens(self) -> tuple[str, ...]:
        return tuple(name for name in ("telegram", "discord") if getattr(self, name).token)

    def section(self, settings: type[T]) -> T:
        """A feature's settings: its section as the file sets it, else its defaults."""
        for value in self.sections.values():
            if type(value) is settings:
                return value
        return settings()

    def declare(self, sections: Iterable[Section]) -> Config:
        """Check the features' sections: the file's values (or the defaults) become their
        settings, and a section no feature (nor the core) declares is an error naming it."""
        declared = dict(self.sections)
        unchecked = dict(self.unchecked)
        for section in sections:
            if section.name in SECTIONS or section.name == "links":
                raise ConfigError(section.name, "a feature declares a section the core has")
            content = unchecked.pop(section.name, None)
            if section.name in declared and content is None:
                continue
            declared[section.name] = _parse(
                section.name, content or {}, section.settings, section.checks
            )
        if unchecked:
            raise ConfigError(next(iter(unchecked)), "unknown section")
        return replace(self, sections=declared, unchecked={})


# Checkers: each takes (key, raw value) and returns the value to store or raises ConfigError.
Check = Callable[[str, Any], Any]


# TOML's names for what tomllib returns; bool before int, since True is an int in Python.
_TOML_TYPES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "float"),
    (str, "string"),
    (list, "array"),
    (dict, "table"),
    ((date, time), "date/time"),
)


def _type_name(value: Any) -> str:
    return next((name for kind, name in _TOML_TYPES if isinstance(value, kind)), "unknown")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _expect(kind: type, name: str) -> Check:
    def check(key: str, value: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(key, f"expected {name}, got {_type_name(value)}")
        return value

    return check


string = _expect(str, "a string")
boolean = _expect(bool, "a boolean (true or false)")
integer = _expect(int, "an integer")


def non_empty(key: str, value: Any) -> str:
    if not string(key, value).strip():
        raise ConfigError(key, "must not be empty")
    return value


def one_of(*allowed: str, upper: bool = False) -> Check:
    def check(key: str, value: Any) -> str:
        text = string(key, value)
        text = text.upper() if upper else text
        if text not in allowed:
            raise ConfigError(key, f"{_show(value)} is not one of: {', '.join(allowed)}")
        return text

    return check


def timezone(key: str, value: Any) -> str:
    try:
        ZoneInfo(non_empty(key, value))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(key, f"unknown timezone {_show(value)} (try Asia/Jakarta)") from None
    return value


def url(key: str, value: Any) -> str:
    if not string(key, value).startswith(("http://", "https://")):
        raise ConfigError(key, f"{_show(value)} is not an http:// or https:// address")
    return value


def optional_url(key: str, value: Any) -> str:
    return url(key, value) if string(key, value) else value


def port(key: str, value: Any) -> int:
    if not 1 <= integer(key, value) <= 65535:
        raise ConfigError(key, f"{value} is not a port number (1-65535)")
    return value


def _secret_token(key: str, value: Any) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{0,256}", string(key, value)):
        raise ConfigError(key, "use 1-256 letters, digits, _ or - (Telegram's rule)")
    return value


def _header_text(key: str, value: Any) -> str:
    # Sent in an HTTP header, which carries printable ASCII only.
    if not all(" " <= char <= "~" for char in string(key, value)):
        raise ConfigError(key, "use printable ASCII only (it is sent in an HTTP header)")
    return value


def number_in(low: float, high: float) -> Check:
    """A number (integer or float) with low < value <= high, stored as a float."""

    def check(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(key, f"expected a number, got {_type_name(value)}")
        if not low < value <= high:
            raise ConfigError(key, f"{_show(value)} is not above {low:g} and at most {high:g}")
        return float(value)

    return check


def integer_in(low: int, high: int) -> Check:
    def check(key: str, value: Any) -> int:
        if not low <= integer(key, value) <= high:
            raise ConfigError(key, f"{value} is not between {low} and {high}")
        return value

    return check


def file_path(key: str, value: Any) -> Path:
    return Path(non_empty(key, value))


def _database_url(key: str, value: Any) -> str:
    text = string(key, value).strip()
    if text and not re.match(r"postgres(ql)?://", text):
        raise ConfigError(
            key, f"{_show(text)} is not a postgresql:// URL (leave it out for SQLite)"
        )
    return text


def array(item: Check) -> Check:
    def check(key: str, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ConfigError(key, f"expected an array, got {_type_name(value)}")
        return tuple(item(f"{key}[{index}]", element) for index, element in enumerate(value))

    return check


def _guild_id(key: str, value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(key, f"{_show(value)} is not a server id (a positive whole number)")
    return value


def _user_id(key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise ConfigError(key, f"{_show(value)} is not a user id (text or a whole number)")
    return str(value).strip()


def _channel_id(key: str, value: Any) -> str:
    """A channel id (digits, as text or a number), or empty for none."""
    if value == "":
        return ""
    try:
        return str(_guild_id(key, value))
    except ConfigError:
        raise ConfigError(key, f"{value!r} is not a channel id (a positive whole number)") from None


def _role(key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ConfigError(key, f"{value!r} is not a role id or name")
    return str(value).strip()


def _user_ids(key: str, value: Any) -> frozenset[str]:
    return frozenset(array(_user_id)(key, value))


def _clock_time(key: str, value: Any) -> str:
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", string(key, value)):
        raise ConfigError(key, f"{_show(value)} is not a time written HH:MM")
    return value


_SOURCE_CHECKS: dict[str, Check] = {
    "kind": one_of(*SOURCE_KINDS),
    "url": url,
    "name": string,
    "oai_url": optional_url,
    "every_minutes": integer_in(5, 1440),
    "nightly_at": _clock_time,
    "max_removal_share": number_in(0, 1),
}


def _source(key: str, value: Any) -> SourceSettings:
    if not isinstance(value, dict):
        raise ConfigError(key, f"expected a table, got {_type_name(value)}")
    for needed in ("kind", "url"):
        if needed not in value:
            raise ConfigError(f"{key}.{needed}", "missing")
    return _parse(key, value, SourceSettings, _SOURCE_CHECKS)


def _sources(key: str, value: Any) -> tuple[SourceSettings, ...]:
    sources = array(_source)(key, value)
    names = [s.name or s.oai_url or s.url for s in sources]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ConfigError(f"{key}[{index}]", f"a second source named {name!r}")
    return sources


SECTIONS: dict[str, tuple[type, dict[str, Check]]] = {
    "bot": (
        BotSettings,
        {
            "name": non_empty,
            "description": string,
            "locale": one_of(*SUPPORTED_LOCALES),
            "timezone": timezone,
            "log_level": one_of(*LOG_LEVELS, upper=True),
        },
    ),
    "database": (DatabaseSettings, {"path": file_path, "url": _database_url}),
    "telegram": (
        TelegramSettings,
        {
            "token": string,
            "base_url": url,
            "mode": one_of("polling", "webhook"),
            "webhook_url": optional_url,
            "listen": non_empty,
            "port": port,
            "secret_token": _secret_token,
        },
    ),
    "discord": (
        DiscordSettings,
        {
            "token": string,
            "guild_ids": array(_guild_id),
            "moderator_role": _role,
            "forum_channel": _channel_id,
            "shard_count": integer_in(0, 100_000),
            "shard_ids": array(integer_in(0, 99_999)),
        },
    ),
    "openlibrary": (
        OpenLibrarySettings,
        {
            "enabled": boolean,
            "base_url": url,
            "contact": _header_text,
            "covers_url": url,
            "requests_per_second": number_in(0, 10),
            "timeout_seconds": number_in(0, 60),
            "cache_hours": integer_in(0, 8760),
        },
    ),
    "catalog": (
        CatalogSettings,
        {"sample": boolean, "max_removal_percent": number_in(0, 100), "sources": _sources},
    ),
    "scheduler": (SchedulerSettings, {"grace_minutes": integer_in(0, 10080)}),
    "privacy": (PrivacySettings, {"keep_usage_days": integer_in(1, 36500)}),
    "moderators": (
        ModeratorSettings,
        {platform: _user_ids for platform in MODERATOR_PLATFORMS},
    ),
    "web": (
        WebSettings,
        {
            "enabled": boolean,
            "listen": non_empty,
            "port": port,
            "public_url": optional_url,
            "max_upload_mb": integer_in(1, 200),
        },
    ),
}
ENVIRONMENT_TOKENS = {"telegram": "PUSTAKA_TELEGRAM_TOKEN", "discord": "PUSTAKA_DISCORD_TOKEN"}


def load_config(
    path: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    sections: Iterable[Section] | None = None,
) -> Config:
    """Read and check the file. With `sections` (the features'), every section is checked now;
    without, sections the core does not know wait for :meth:`Config.declare`."""
    env = os.environ if env is None else env
    file = _find_file(path, env, cwd or Path.cwd())
    raw = _read(file) if file else {}
    values: dict[str, Any] = {}
    unchecked: dict[str, Any] = {}
    for section, content in raw.items():
        if section == "links":
            values["links"] = _links(content)
            continue
        if section not in SECTIONS:
            if not isinstance(content, dict):
                raise ConfigError(section, f"expected a table, got {_type_name(content)}")
            unchecked[section] = content
            continue
        settings, checks = SECTIONS[section]
        values[section] = _parse(section, content, settings, checks)
    config = Config(**values, source=file, unchecked=unchecked)
    if sections is not None:
        config = config.declare(sections)
    if config.telegram.mode == "webhook" and not config.telegram.webhook_url:
        raise ConfigError("telegram.webhook_url", 'needed when mode = "webhook"')
    discord = config.discord
    if discord.shard_ids and not discord.shard_count:
        raise ConfigError("discord.shard_count", "needed with shard_ids (the shards in all)")
    if outside := [i for i in discord.shard_ids if i >= discord.shard_count > 0]:
        raise ConfigError(
            "discord.shard_ids",
            f"shard {outside[0]} is not one of 0 to {discord.shard_count - 1} (shard_count)",
        )
    for platform, variable in ENVIRONMENT_TOKENS.items():
        if token := env.get(variable, "").strip():
            settings = replace(getattr(config, platform), token=token)
            config = replace(config, **{platform: settings})
    return config


def _parse(section: str, content: Any, settings: type, checks: Mapping[str, Check]) -> Any:
    if not isinstance(content, dict):
        raise ConfigError(section, f"expected a table, got {_type_name(content)}")
    parsed = {}
    for key, value in content.items():
        if key not in checks:
            raise ConfigError(f"{section}.{key}", "unknown key")
        parsed[key] = checks[key](f"{section}.{key}", value)
    return settings(**parsed)


def _find_file(path: Path | str | None, env: Mapping[str, str], cwd: Path) -> Path | None:
    chosen = path or env.get("PUSTAKA_CONFIG")
    if chosen:
        file = Path(chosen)
        if not file.is_file():
            raise ConfigError("config", f"file not found: {file}")
        return file
    default = cwd / "config.toml"
    return default if default.is_file() else None


def _read(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("config", f"{file} is not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        message = f"{file} is not valid TOML: not UTF-8 text (byte {error.start})"
        raise ConfigError("config", message) from None
    except OSError as error:
        raise ConfigError("config", f"cannot read {file}: {error.strerror}") from None


def _links(content: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(content, dict):
        raise ConfigError("links", f"expected a table, got {_type_name(content)}")
    links = []
    for label, address in content.items():
        if not label.strip():
            raise ConfigError("links", "a link needs a name")
        links.append((label, url(f"links.{label}", address)))
    return tuple(links)
