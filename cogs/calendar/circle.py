"""Whose scheduled posts a moderator sees and may change: the community they are in and every
community linked with it (its circle, :func:`bot.api.community.circle`)."""

from __future__ import annotations

from bot.api.context import Context


def circle_of(ctx: Context) -> tuple[int, ...]:
    """This community first, then those linked with it; () in a private chat without one."""
    if ctx.circle:
        return ctx.circle
    return (ctx.community.id,) if ctx.community else ()
