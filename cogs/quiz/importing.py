"""`pustaka quiz import FILE`: validate a quiz pack and keep it for one community.

Every problem is listed at once, with its question number and field, so a librarian fixes the
file in one go. The pack's text is stored in the database: it belongs to the community that
imported it, and a backup carries it along.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from pathlib import Path

from bot.api import identity
from bot.storage.store import Store
from bot.time.clock import SystemClock
from cogs.quiz.packs import Pack, PackError, bundled_packs, describe, parse_pack
from cogs.quiz.store import QuizStore

MAX_FILE = 16 * 1024 * 1024  # bytes read at most; the pack's own limit is checked by parse_pack


class ImportRefused(Exception):
    """The pack cannot be imported; the message (lines) says why."""


@dataclass(frozen=True, slots=True)
class Imported:
    title: str
    questions: int
    community: str
    new: bool


@dataclass(frozen=True, slots=True)
class Checked:
    """A pack file that passed every check, ready to be kept."""

    pack: Pack
    text: str


def check_pack(file: Path) -> Checked:
    """Read and validate the file (before the database is opened); ImportRefused lists every
    problem."""
    data = _read(file)
    key = file.stem.strip().lower()
    try:
        pack = parse_pack(data, key)
    except PackError as error:
        _ = gettext.NullTranslations().gettext
        lines = [f"{file.name} is not a valid quiz pack:"]
        lines += [f"  - {describe(problem, _)}" for problem in error.problems]
        raise ImportRefused("\n".join(lines)) from None
    if key in {bundled.key for bundled in bundled_packs()}:
        raise ImportRefused(
            f"A bundled pack is already called {key!r}: rename {file.name} and import it again."
        )
    return Checked(pack, data.decode("utf-8"))


async def import_pack(store: Store, checked: Checked, community: str | None) -> Imported:
    """Keep a checked pack for the community named by `community` (see :func:`_community`)."""
    pack = checked.pack
    community_id, name = await _community(store, community)
    new = await QuizStore(store).save_pack(
        community_id, pack.key, pack.title, checked.text, SystemClock().now()
    )
    return Imported(pack.title, len(pack.questions), name, new)


def _read(file: Path) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read(MAX_FILE + 1)
    except OSError as error:
        raise ImportRefused(f"cannot read {file}: {error.strerror}") from None


async def _community(store: Store, wanted: str | None) -> tuple[int, str]:
    """The community named by --community (``platform:id``, ``console`` or its name), or the
    only one there is. The console's own community is created when asked for by name."""
    known = [(c.id, identity.address(c), c.name) for c in await identity.communities(store)]
    if wanted is None:
        if len(known) == 1:
            return known[0][0], _shown(known[0])
        if known:
            raise ImportRefused(_choose("Which community is the pack for?", known))
    if wanted is None or wanted in identity.CONSOLE_NAMES:
        console = await identity.console_community(store, SystemClock().now())
        return console.id, _shown((console.id, identity.address(console), console.name))
    matching = [c for c in known if wanted in (c[1], c[2])]
    if len(matching) == 1:
        return matching[0][0], _shown(matching[0])
    raise ImportRefused(_choose(f"No single community matches {wanted!r}.", known))


def _shown(community: tuple[int, str, str]) -> str:
    _, address, name = community
    return f"{name} ({address})" if name else address


def _choose(question: str, known: list[tuple[int, str, str]]) -> str:
    lines = [f"{question} Name it with --community:"]
    lines += [f"  --community {address}   {name}" for _, address, name in known]
    if not known:
        lines.append("  (none yet: the bot remembers a group once someone writes there)")
    return "\n".join(lines)
