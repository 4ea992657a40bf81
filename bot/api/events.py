"""A typed event router: how one feature offers something to others without importing them.

The feature that owns a concept defines its event type (a dataclass) in its public module and
publishes it; any feature may subscribe a handler. `publish` awaits the handlers one by one in
the order they subscribed and returns what each returned; a handler that raises is logged and
left out, so one feature's failure never breaks another's command.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

log = logging.getLogger("pustaka.events")

E = TypeVar("E")
R = TypeVar("R")

Handler = Callable[[E], Awaitable[R]]


class Events:
    def __init__(self) -> None:
        self._handlers: defaultdict[type, list[Callable[[Any], Awaitable[Any]]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Handler[E, Any]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: object) -> list[Any]:
        """Every subscribed handler's result, in subscription order (failed ones left out)."""
        results = []
        for handler in self._handlers.get(type(event), ()):
            try:
                results.append(await handler(event))
            except Exception:
                log.exception("a %s handler failed", type(event).__name__)
        return results
