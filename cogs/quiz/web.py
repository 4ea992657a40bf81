"""The quiz packs page of the web dashboard: the community's packs, each question previewed,
a pack uploaded through /quiz import (its problems listed as the command reports them) and an
imported one removed through /quiz remove."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.web import Page, Render, View, WebRequest
from cogs.quiz.commands import Quizzes
from cogs.quiz.packs import MAX_PACK_BYTES, Pack


async def view(request: WebRequest) -> View:
    said: list[str] = []
    refused = False
    if request.method == "POST":
        action = request.form.get("action")
        if action == "import":
            upload = request.files.get("pack")
            if upload is None:
                said, refused = [request._("Choose the pack's .toml file first.")], True
            else:
                replies = await request.run("quiz import", pack=upload)
                said = [line for reply in replies for line in str(reply.text).split("\n")]
                refused = not await _stored(request, upload.name, await upload.read())
        elif action in ("enable", "disable"):
            replies = await request.run(f"quiz {action}", pack=request.form.get("pack", ""))
            said = [str(reply.text) for reply in replies]
        elif action == "remove":
            replies = await request.run("quiz remove", pack=request.form.get("pack", ""))
            said = [str(reply.text) for reply in replies]
    return await _page(request, said, refused)


PAGE = Page("quizzes", N_("Quiz packs"), view, order=30, max_upload=MAX_PACK_BYTES + 64 * 1024)


async def _stored(request: WebRequest, name: str, content: bytes) -> bool:
    """Whether /quiz import kept this upload as the community's pack (else it refused it)."""
    key = name.rsplit(".", 1)[0].strip().lower()
    community = request.ctx.require_community()
    source = await _feature(request).quizzes.pack_source(community.id, key)
    return source is not None and source == content.decode("utf-8-sig", errors="replace")


def _feature(request: WebRequest) -> Quizzes:
    return request.ctx.services.registry.feature(Quizzes)


async def _page(request: WebRequest, said: list[str], refused: bool) -> Render:
    ctx = request.ctx
    quizzes = _feature(request)
    community = ctx.require_community()
    packs = await quizzes._packs(community.id, switched_off=True)
    off = await quizzes.quizzes.packs_off(community.id)
    own = {key for key, _ in await quizzes.quizzes.pack_sources(community.id)}
    wanted = request.query.get("pack", "")
    shown: Pack | None = next((p for p in packs if p.key == wanted), None)
    return Render(
        "quiz/packs.html",
        {
            "packs": [
                {
                    "key": pack.key,
                    "title": pack.title,
                    "questions": len(pack.questions),
                    "language": pack.language,
                    "own": pack.key in own,
                    "on": pack.key not in off,
                }
                for pack in packs
            ],
            "shown": shown,
            "said": said,
            "refused": refused,
            "limit_kb": MAX_PACK_BYTES // 1000,
        },
        status=400 if refused else 200,
    )
