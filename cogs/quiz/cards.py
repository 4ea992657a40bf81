"""What players see: a question, its result, the standings and the leaderboards.

Everything here is built from stored rows and a member's (or the community's) translations, so the
scheduler can post a result after a restart exactly as it would have before.
"""

from __future__ import annotations

import gettext
from collections.abc import Sequence

from bot.api.replies import Choice, Poll, Reply
from bot.api.text import Text
from cogs.quiz.game import LETTERS, SPEED_BONUS, Asked, ranked
from cogs.quiz.game import POINTS as RIGHT_POINTS
from cogs.quiz.store import Quiz, Score

Translations = gettext.NullTranslations
NAMES_SHOWN = 15  # of those who got a question right
BOARD_SIZE = 10
POLL_OPTIONS = 10  # Telegram's quiz polls take at most this many
BUTTON_LABEL = 60  # characters


def announcement(t: Translations, quiz: Quiz, season: str | None) -> Reply:
    _ = t.gettext
    lines = [
        Text.format(
            _(
                "**{title}**: {count} questions, {seconds} seconds each. A right answer earns "
                "{points} points, and up to {bonus} more for speed."
            ),
            title=quiz.pack_title,
            count=quiz.questions,
            seconds=quiz.seconds,
            points=RIGHT_POINTS,
            bonus=SPEED_BONUS,
        ),
        Text.format(
            _("Answer in the poll, or with `/answer` and the answer.")
            if quiz.mode == "poll"
            else _("Answer with the buttons or with `/answer` and a letter or the answer.")
        ),
    ]
    if season:
        lines.append(Text.format(_("It counts for the season {season}."), season=season))
    return Reply.of(Text.join(lines, "\n"), title=_("Quiz time!"))


def question(t: Translations, quiz: Quiz, asked: Asked) -> Reply:
    """The question with its answer buttons, or as a Telegram quiz poll in poll mode."""
    _ = t.gettext
    number = _("Question {number} of {total}").format(number=asked.position, total=quiz.questions)
    image = asked.image if asked.image.startswith(("https://", "http://")) else None
    commands = [f"/answer #{asked.id} {LETTERS[i]}" for i in range(len(asked.choices))]
    if quiz.mode == "poll" and 2 <= len(asked.choices) <= POLL_OPTIONS:
        poll = Poll(
            f"{asked.position}/{quiz.questions}. {asked.prompt}",
            tuple(
                Choice(text, command, keep=True)
                for text, command in zip(asked.choices, commands, strict=True)
            ),
            correct=asked.correct,
            explanation=asked.explanation or None,
            open_seconds=max(5, min(600, quiz.seconds)),
        )
        return Reply.of(image_url=image, poll=poll) if image else Reply.of(poll=poll)
    left = t.ngettext("in {seconds} second", "in {seconds} seconds", quiz.seconds).format(
        seconds=quiz.seconds
    )
    if asked.choices:
        how = _("Tap a button, or type /answer and a letter.")
    else:
        how = _("Type /answer and your answer.")
    choices = [
        Choice(_label(f"{LETTERS[i]}. {text}"), command, keep=True)
        for i, (text, command) in enumerate(zip(asked.choices, commands, strict=True))
    ]
    return Reply.of(
        Text.format(
            _("**{prompt}**\n⏱ Answers close {left}."),
            prompt=asked.prompt,
            left=Text.countdown(left, asked.closes_at) if asked.closes_at else left,
        ),
        title=number,
        image_url=image,
        choices=choices,
        footer=how,
    )


def result(
    t: Translations,
    quiz: Quiz,
    asked: Asked,
    right: Sequence[tuple[str, int]],
    answered: int,
    *,
    late: bool,
) -> Reply:
    _ = t.gettext
    lines: list[Text] = []
    if late:
        lines.append(Text.format(_("__The time for this question ran out while I was offline.__")))
    lines.append(Text.format(_("The answer: **{answer}**"), answer=asked.right_answer()))
    if asked.explanation:
        lines.append(Text.plain(asked.explanation))
    if right:
        shown = ", ".join(f"{name} (+{points})" for name, points in right[:NAMES_SHOWN])
        if len(right) > NAMES_SHOWN:
            shown += " " + _("and {count} more").format(count=len(right) - NAMES_SHOWN)
        lines.append(Text.format(_("Right: {names}"), names=shown))
    else:
        lines.append(Text.plain(_("Nobody got it right.")))
    lines.append(
        Text.plain(
            t.ngettext(
                "{right} of {count} answer was right.",
                "{right} of {count} answers were right.",
                answered,
            ).format(right=len(right), count=answered)
        )
    )
    title = _("Question {number} of {total}").format(number=asked.position, total=quiz.questions)
    return Reply.of(Text.join(lines, "\n"), title=title)


def standings(t: Translations, quiz: Quiz, scores: Sequence[Score], *, stopped: bool) -> Reply:
    _ = t.gettext
    title = (
        _("Standings when the quiz was stopped: {title}")
        if stopped
        else _("Final standings: {title}")
    ).format(title=quiz.pack_title)
    if not scores:
        return Reply.of(_("Nobody answered this time."), title=title)
    body = board_lines(t, scores)
    if not stopped:
        body = Text.join([body, Text.plain(_("Thank you for playing!"))], "\n")
    return Reply.of(body, title=title)


def board_lines(t: Translations, scores: Sequence[Score], size: int = BOARD_SIZE) -> Text:
    lines = []
    for rank, score in ranked(scores, lambda s: s.points)[:size]:
        lines.append(
            Text.format(
                "{rank}. **{name}** — {points}",
                rank=rank,
                name=score.name,
                points=points_text(t, score.points),
            )
        )
    return Text.join(lines, "\n")


def points_text(t: Translations, points: int) -> str:
    return t.ngettext("{points} point", "{points} points", points).format(points=points)


def own_rank(t: Translations, scores: Sequence[Score], member_id: int) -> Reply:
    """Where the asking member stands on a board, privately."""
    for rank, score in ranked(scores, lambda s: s.points):
        if score.member_id == member_id:
            text = t.gettext("You are number {rank} of {count}, with {points}.").format(
                rank=rank, count=len(scores), points=points_text(t, score.points)
            )
            return Reply.of(text, private=True)
    return Reply.of(t.gettext("You have no points on this leaderboard yet."), private=True)


def _label(text: str) -> str:
    return text if len(text) <= BUTTON_LABEL else text[: BUTTON_LABEL - 1] + "…"
