"""Start an aiohttp application on a free loopback port, for the fake servers of the tests."""

from __future__ import annotations

from aiohttp import web


async def serve_loopback(app: web.Application, port: int = 0) -> tuple[web.AppRunner, int]:
    """Serve `app` on 127.0.0.1 at `port` (0: one the system picks); returns the runner and the
    port."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
