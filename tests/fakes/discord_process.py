"""`pustaka` in a child process with discord.py pointed at a loopback Discord fake (the fake's
`patch` for a process of its own), for tests that kill the real process:

    PUSTAKA_TEST_DISCORD=http://127.0.0.1:PORT python -m tests.fakes.discord_process run
"""

from __future__ import annotations

import os
import sys

import discord.gateway
import discord.http
import yarl

from bot.process.cli import main

if __name__ == "__main__":
    server = os.environ["PUSTAKA_TEST_DISCORD"]
    discord.http.Route.BASE = f"{server}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        server.replace("http://", "ws://", 1) + "/gateway"
    )
    raise SystemExit(main(sys.argv[1:]))
