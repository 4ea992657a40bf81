"""A circuit breaker: after a service fails, it is not asked again for a while.

The first failure starts an outage; until its back-off has passed every call is refused at once
(no member waits on a service known to be down). Then one call is let through as a probe: if it
fails the back-off doubles, up to a cap; if it succeeds the outage is over. An outage is logged
once when it begins and once when it ends, at INFO: not per call, and not where the console chat
(which shows WARNING and above) would print it between a member's lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.time.clock import Clock

FIRST_BACKOFF = 30.0  # seconds before the first probe
LONGEST_BACKOFF = 15 * 60.0


@dataclass
class _Outage:
    number: int
    began: datetime
    failures: int
    retry_at: datetime


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        clock: Clock,
        log: logging.Logger,
        *,
        first: float = FIRST_BACKOFF,
        longest: float = LONGEST_BACKOFF,
    ) -> None:
        self._name = name
        self._clock = clock
        self._log = log
        self._first = first
        self._longest = longest
        self._outage: _Outage | None = None
        self._outages = 0

    @property
    def outage(self) -> int | None:
        """The number of the outage going on (1 for the first since start), or None."""
        return self._outage.number if self._outage else None

    def allow(self) -> bool:
        """Whether a call may go ahead now: no outage, or the one probe once the back-off passed."""
        outage = self._outage
        if outage is None:
            return True
        now = self._clock.now()
        if now < outage.retry_at:
            return False
        # Calls meanwhile wait for the probe's outcome; a probe that ends neither way is retried.
        outage.retry_at = now + timedelta(seconds=self._backoff(outage))
        return True

    def succeeded(self) -> None:
        outage = self._outage
        if outage is None:
            return
        self._outage = None
        took = (self._clock.now() - outage.began).total_seconds()
        self._log.info("%s answers again, after %s", self._name, _duration(took))

    def failed(self, reason: str) -> None:
        now = self._clock.now()
        outage = self._outage
        if outage is None:
            self._outages += 1
            outage = self._outage = _Outage(self._outages, now, 0, now)
            self._log.info(
                "%s is unreachable (%s): not asked again for %s, then less and less often",
                self._name,
                reason,
                _duration(self._first),
            )
        outage.failures += 1
        outage.retry_at = now + timedelta(seconds=self._backoff(outage))

    def _backoff(self, outage: _Outage) -> float:
        return min(self._longest, self._first * 2 ** max(0, outage.failures - 1))


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
