"""The announcements page of the web dashboard: write once, see it as Discord and Telegram will
show it, then post it now or at a time, through the /announce commands themselves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.api.commands import N_
from bot.api.replies import Reply
from bot.api.web import Page, Redirect, Render, View, WebRequest
from cogs.announce.commands import IMAGE_LIMIT, TEXT_LIMIT, AnnounceFeature
from cogs.announce.markup import read_markup
from cogs.stats.public import busiest_hour

ACTIONS = ("preview", "post", "schedule")
EXCERPT = 60
DRAFT = re.compile(r"^/announce post (\d+)$")
PLATFORMS = (("discord", "Discord"), ("telegram", "Telegram"))


async def view(request: WebRequest) -> View:
    if request.method == "POST" and request.form.get("action") in ACTIONS:
        return await _write(request)
    if request.method == "POST" and request.form.get("action") == "edit":
        return await _edit(request)
    return await _page(request, dict(request.query))


PAGE = Page(
    "announcements", N_("Announcements"), view, order=20, max_upload=IMAGE_LIMIT + 64 * 1024
)


async def _page(
    request: WebRequest, values: dict[str, str], notice: str | None = None, status: int = 200
) -> Render:
    ctx = request.ctx
    if not values.get("time"):
        circle = ctx.circle or ((ctx.community.id,) if ctx.community else ())
        hour = await busiest_hour(ctx.store, circle, ctx.clock.now(), ctx.timezone)
        values["time"] = f"{hour if hour is not None else 9:02d}:00"
    listing = await request.run("announce list")
    limits = []
    for platform, name in PLATFORMS:
        abilities = ctx.services.messenger.capabilities(platform)
        limits.append(
            {
                "platform": platform,
                "name": name,
                "text": abilities.text_limit,
                "caption": abilities.caption_limit or abilities.text_limit,
            }
        )
    preview = _spans(values.get("text", "")) if values.get("text") else None
    announce = ctx.services.registry.feature(AnnounceFeature)
    circle = ctx.circle or ((ctx.community.id,) if ctx.community else ())
    recent = await announce.announcements.of_circle(circle, ("draft", "scheduled", "posted"))
    return Render(
        "announce/page.html",
        {
            "form": values,
            "preview": preview,
            "limits": limits,
            "text_limit": TEXT_LIMIT,
            "image_mb": IMAGE_LIMIT // 1_000_000,
            "listing": [str(line) for reply in listing for line in reply.text.lines()],
            "error": notice,
            "editable": [
                {"id": item.id, "excerpt": _excerpt(item.body), "body": item.body}
                for item in recent
            ],
        },
        status=status,
    )


async def _write(request: WebRequest) -> View:
    form = dict(request.form)
    form.pop("csrf", None)
    action = form.get("action")
    if action == "preview" or not form.get("text", "").strip():
        return await _page(request, form)
    made = await request.run("announce new", text=form["text"], image=request.files.get("image"))
    draft = _draft_of(made)
    if draft is None:  # refused: the form stays as typed, with the command's reason
        return await _page(request, form, _said(made), status=400)
    said = [made[0]] if made else []
    if form.get("link_url", "").strip():
        linked = await request.run(
            "announce link",
            id=draft,
            url=form["link_url"].strip(),
            label=form.get("link_label", "").strip() or None,
        )
        if _draft_of(linked) is None:
            return await _page(request, form, _said(linked), status=400)
    if action == "post":
        said = await request.run("announce post", id=draft)
    else:
        when = form.get("repeat", "").strip() or f"{form.get('date', '')} {form.get('time', '')}"
        said = await request.run("announce schedule", id=draft, when=when.strip())
    return Redirect("/p/announcements", _said(said))


async def _edit(request: WebRequest) -> View:
    """/announce edit: the new text on every platform where it is posted."""
    form = request.form
    if not form.get("id", "").isdigit():
        return Redirect("/p/announcements", request._("Choose the announcement to change."))
    said = await request.run("announce edit", id=int(form["id"]), text=form.get("text", ""))
    return Redirect("/p/announcements", _said(said))


def _excerpt(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _draft_of(replies: Sequence[Reply]) -> int | None:
    """The announcement a preview shows (its Post button's command), None after a refusal."""
    for reply in replies:
        for choice in reply.choices:
            if found := DRAFT.match(choice.command):
                return int(found[1])
    return None


def _said(replies: Sequence[Reply]) -> str:
    return "\n".join(str(reply.text) for reply in replies if reply.text)


def _spans(body: str) -> list[dict[str, Any]]:
    """The text as members will see it, span by span (the template escapes each)."""
    return [
        {
            "text": span.text,
            "bold": span.bold,
            "italic": span.italic,
            "code": span.code,
            "spoiler": span.spoiler,
            "url": span.url if span.url and span.url.startswith(("https://", "http://")) else None,
        }
        for span in read_markup(body).spans
    ]
