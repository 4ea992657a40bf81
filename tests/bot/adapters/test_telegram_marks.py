"""Telegram's entities written back as the shared marks (bot/adapters/telegram/marks.py): what a
librarian formats in the Telegram app reads as what a Discord librarian types."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from telegram import MessageEntity

from bot.adapters.telegram.marks import with_marks
from cogs.announce.markup import read_markup


def entity(kind: str, text: str, part: str, *, url: str | None = None) -> MessageEntity:
    before = text[: text.index(part)]
    units = len(before.encode("utf-16-le")) // 2
    return MessageEntity(kind, units, len(part.encode("utf-16-le")) // 2, url=url)


def test_nested_styles_emoji_and_a_link() -> None:
    text = "👩‍💻 Bedah buku Kamis ini, daftar di sini"
    marked = with_marks(
        text,
        [
            entity(MessageEntity.BOLD, text, "Bedah buku Kamis ini"),
            entity(MessageEntity.ITALIC, text, "Kamis"),
            entity(MessageEntity.TEXT_LINK, text, "di sini", url="https://perpus.example/d"),
        ],
    )
    assert marked == "👩‍💻 **Bedah buku __Kamis__ ini**, daftar [di sini](https://perpus.example/d)"
    spans = read_markup(marked).spans
    assert [(s.text, s.bold, s.italic) for s in spans if s.text.strip()][:3] == [
        ("👩‍💻 ", False, False),
        ("Bedah buku ", True, False),
        ("Kamis", True, True),
    ]


def test_a_style_across_lines_is_closed_at_each_break() -> None:
    text = "Penting:\nperpustakaan tutup\n\nSabtu"
    marked = with_marks(text, [MessageEntity(MessageEntity.BOLD, 0, len(text))])
    assert marked == "**Penting:**\n**perpustakaan tutup**\n\n**Sabtu**"


def test_styles_without_a_shared_mark_stay_plain() -> None:
    text = "/pengumuman garis bawah dan coret @perpus #buku"
    entities = [
        MessageEntity(MessageEntity.BOT_COMMAND, 0, 11),
        entity(MessageEntity.UNDERLINE, text, "garis bawah"),
        entity(MessageEntity.STRIKETHROUGH, text, "coret"),
        entity(MessageEntity.MENTION, text, "@perpus"),
        entity(MessageEntity.HASHTAG, text, "#buku"),
        entity(MessageEntity.TEXT_LINK, text, "dan", url="tg://user?id=1"),
    ]
    assert with_marks(text, entities) == text


@given(
    st.text(
        st.characters(blacklist_characters="*_`|[]()\n", blacklist_categories=("Cs",)), max_size=40
    ).map(lambda t: t + "📚"),
    st.lists(
        st.tuples(
            st.sampled_from([MessageEntity.BOLD, MessageEntity.ITALIC, MessageEntity.SPOILER]),
            st.integers(0, 50),
            st.integers(0, 50),
        ),
        max_size=4,
    ),
)
def test_marks_only_add_never_change_the_words(text: str, spans: list) -> None:
    units = len(text.encode("utf-16-le")) // 2
    entities = [
        MessageEntity(kind, min(start, units), min(length, units - min(start, units)))
        for kind, start, length in spans
    ]
    marked = with_marks(text, entities)  # never raises, even for an offset inside a character
    for mark in ("**", "__", "||"):
        marked = marked.replace(mark, "")
    if all(_whole_characters(text, e) for e in entities):
        assert marked == text


def _whole_characters(text: str, entity: MessageEntity) -> bool:
    """Real entities never split a character: Telegram's offsets fall between characters."""
    bounds = {0}
    for character in text:
        bounds.add(max(bounds) + len(character.encode("utf-16-le")) // 2)
    return entity.offset in bounds and entity.offset + entity.length in bounds
