"""The bundled discussion questions (data/discussion_prompts.toml here): loaded, checked.

Each question has a stage: the first week of a plan draws from "opening", the last from "closing",
the weeks between from "middle" and "any". The choice is deterministic (from the reading and the
week), so a restart posts the same question, and the weeks of one reading never repeat one while
the middle pool is larger than the number of middle weeks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROMPTS_FILE = Path(__file__).resolve().parent / "data" / "discussion_prompts.toml"
STAGES = ("opening", "middle", "closing", "any")
LANGUAGES = ("id", "en")
LONGEST = 300  # characters of one question
AT_LEAST = 3  # questions each of opening, middle and closing must have


class PromptsError(ValueError):
    """The file is not valid; the message lists every problem."""


@dataclass(frozen=True, slots=True)
class Prompt:
    stage: str
    id: str
    en: str

    def text(self, locale: str) -> str:
        return self.id if locale == "id" else self.en


def load_prompts(path: Path = PROMPTS_FILE) -> tuple[Prompt, ...]:
    """Every question in the file; raises PromptsError naming each bad entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PromptsError(f"{path.name}: {error}") from None
    entries = data.get("prompt")
    problems = [f"unknown top-level key {key!r}" for key in data if key != "prompt"]
    if not isinstance(entries, list) or not entries:
        raise PromptsError(f"{path.name}: no [[prompt]] tables")
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        found = _problems(entry)
        problems.extend(f"prompt {number}: {problem}" for problem in found)
        if found:
            continue
        if entry["id"].casefold() in seen:
            problems.append(f"prompt {number}: the same question twice")
        seen.add(entry["id"].casefold())
        prompts.append(Prompt(entry["stage"], entry["id"].strip(), entry["en"].strip()))
    for stage in STAGES[:3]:
        if sum(1 for prompt in prompts if prompt.stage == stage) < AT_LEAST:
            problems.append(f"fewer than {AT_LEAST} {stage} questions")
    if problems:
        raise PromptsError(f"{path.name}: " + "; ".join(problems))
    return tuple(prompts)


def _problems(entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return ["not a table"]
    problems = [f"unknown key {key!r}" for key in entry if key not in ("stage", *LANGUAGES)]
    if entry.get("stage") not in STAGES:
        problems.append(f"stage must be one of {', '.join(STAGES)}")
    for language in LANGUAGES:
        value = entry.get(language)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{language} must be a non-empty string")
        elif len(value) > LONGEST:
            problems.append(f"{language} is longer than {LONGEST} characters")
    return problems


def stage_of(section: int, sections: int) -> str:
    if section == 1:
        return "opening"
    return "closing" if section == sections else "middle"


def choose(prompts: tuple[Prompt, ...], reading_id: int, section: int, sections: int) -> Prompt:
    """The question for one week of one reading."""
    stage = stage_of(section, sections)
    pool = [p for p in prompts if p.stage == stage or (stage == "middle" and p.stage == "any")]
    return pool[(reading_id * 7 + section) % len(pool)]
