"""A reply kept in the outbox comes back as it was sent: marks, buttons, a poll, a file, the
post it is counted as."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.api import wire
from bot.api.posts import Tracked
from bot.api.replies import Choice, ChoiceStyle, Poll, Reply
from bot.api.text import Text


def test_every_part_of_a_reply_survives_the_outbox() -> None:
    reply = Reply.of(
        Text.format("**{title}** oleh __{author}__", title="Bumi <Manusia>", author="Pram")
        + Text.countdown("dalam 20 detik", datetime(2026, 12, 5, 20, tzinfo=UTC)),
        title="Buku minggu ini",
        fields=[("Rak", Text.link("katalog", "https://example.org/b/1"))],
        image_url="https://covers.example.org/1.jpg",
        choices=[Choice("Pinjam", "/pinjam 1", ChoiceStyle.PRIMARY, keep=True, acting_on="-1")],
        footer="Perpustakaan Kota",
        poll=Poll("Siapa penulisnya?", (Choice("Pram", "/jawab 1"),), 0, "Pramoedya", 60),
        ping="@everyone",
        attachment=("acara.ics", b"BEGIN:VCALENDAR\x00\xff"),
        tracked=Tracked("Buku hari ini: Bumi Manusia, 7 Des 2026", "Buku hari ini"),
    )
    assert wire.loads(wire.dumps([reply, Reply.of("dua", private=True)])) == (
        reply,
        Reply.of("dua", private=True),
    )


def test_a_reply_stored_before_posts_were_counted_still_loads() -> None:
    stored = wire.dumps([Reply.of("lama")]).replace(',"tracked":null', "")
    assert '"tracked"' not in stored
    assert wire.loads(stored) == (Reply.of("lama"),)
