from __future__ import annotations

import io
import logging

from bot.process.logs import REDACTED, setup_logging

TELEGRAM = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def test_tokens_never_reach_the_log() -> None:
    """Configured tokens and token-shaped strings are redacted, in messages and tracebacks."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("INFO", ["discord-secret-token-value"], stream)
        log = logging.getLogger("pustaka.test")
        log.info("GET https://api.telegram.org/bot%s/getUpdates", TELEGRAM)
        try:
            raise RuntimeError("login failed with discord-secret-token-value")
        except RuntimeError:
            log.exception("adapter failed")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    output = stream.getvalue()
    assert TELEGRAM not in output
    assert "discord-secret-token-value" not in output
    assert output.count(REDACTED) == 3
    assert "Traceback" in output
