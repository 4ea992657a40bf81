"""A moderator command typed in a private chat acts on a community the member moderates.

The rule is the same on every platform with private chats: one such community, act on it;
several, ask which (the dispatcher asks, with a button for each); none, carry on as typed and the
dispatcher refuses. Whether someone administers a community is the platform's own knowledge, so
each adapter passes an :data:`AdminCheck`; the communities are the ones the bot has seen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.api import identity
from bot.api.context import Incoming
from bot.api.identity import Community
from bot.api.services import Services

AdminCheck = Callable[[str, str], Awaitable[bool]]
"""Whether a member (platform id) administers a community (platform id), asked of the platform."""

HomeChannel = Callable[[str], Awaitable[str | None]]
"""The channel where a community's posts go (platform ids), for a command acting on it from a
private chat: a Telegram group is its own chat, a Discord server has channels to choose from."""


async def moderated(
    services: Services, incoming: Incoming, is_admin: AdminCheck
) -> list[Community]:
    """The member's platform's communities they moderate, configured or as the platform says."""
    configured = services.config.moderators.is_moderator(incoming.platform, incoming.member_id)
    found = []
    for community in await identity.communities(services.store, incoming.platform):
        if configured or await is_admin(community.platform_id, incoming.member_id):
            found.append(community)
    return found


async def acting_on(
    services: Services,
    incoming: Incoming,
    community_id: str,
    is_admin: AdminCheck,
    home: HomeChannel | None = None,
) -> Incoming:
    """The private message as though typed in the community with the platform id given, in its
    home channel (`home`; without one, the community's id is its chat). A community with no
    channel the bot may post in keeps the private chat as the place to answer."""
    community = await identity.community_at(services.store, incoming.platform, community_id)
    channel = community_id if home is None else await home(community_id)
    return replace(
        incoming,
        channel_id=channel or incoming.channel_id,
        community_id=community_id,
        community_name=community.name if community else "",
        thread_id=None,
        platform_moderator=await is_admin(community_id, incoming.member_id),
        direct=True,
    )
