"""The event router features offer one another things through."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from bot.api.events import Events


@dataclass(frozen=True)
class Asked:
    word: str


@dataclass(frozen=True)
class Other:
    word: str


async def test_handlers_answer_in_subscription_order_and_a_failure_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = Events()

    async def first(event: Asked) -> str:
        return event.word + " one"

    async def broken(event: Asked) -> str:
        raise RuntimeError("boom")

    async def second(event: Asked) -> str:
        return event.word + " two"

    async def elsewhere(event: Other) -> str:
        return "wrong type"

    for handler in (first, broken, second):
        events.subscribe(Asked, handler)
    events.subscribe(Other, elsewhere)
    with caplog.at_level(logging.ERROR, logger="pustaka.events"):
        assert await events.publish(Asked("book")) == ["book one", "book two"]
    assert "a Asked handler failed" in caplog.text
    assert await events.publish(Other("x")) == ["wrong type"]
    assert await Events().publish(Asked("nobody listens")) == []
