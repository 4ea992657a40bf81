"""Issue 15, item 6: /privacy shows a member what the bot keeps about them, /forgetme (after a
confirmation) forgets them, leaving no table holding their platform id or name while other
members' leaderboards and counts stay as they were; usage records are pruned after
``[privacy] keep_usage_days``; a table holding a member that no feature declares is caught."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.api import privacy
from bot.api.commands import N_, Feature, command
from bot.api.context import Context
from bot.api.identity import Member
from bot.api.package import FeatureFactory, FeaturePackage, declare
from bot.config import Config, ConfigError, load_config
from bot.process.app import App
from bot.process.features import discover
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.cogs.quiz.test_quiz import ChoicesFirst, quiz_features
from tests.conftest import Chat, write_config
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.running import discord_bot, run_due, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, callback_press, group_chat, text_message, user

WULAN = "wulan_rahasia"  # the console's member id is also their name
DAY = 86400


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, sample=True), env={})


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    """Every feature; quizzes ask a multiple-choice question first (answered with a letter)."""
    return quiz_features(rng=ChoicesFirst)


async def traces(store: Store, *needles: str) -> list[str]:
    """Every value in every column of every table (`Store.tables`) that contains a needle."""
    found = []
    for table, columns in (await store.tables()).items():
        listed = ", ".join(f'"{column.name}"' for column in columns)
        for row in await store.fetchall(f'SELECT {listed} FROM "{table}"'):
            for column, value in zip(columns, row, strict=True):
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                if any(needle in str(text) for needle in needles):
                    found.append(f"{table}.{column.name}: {str(text)[:120]}")
    return found


async def use_everything(librarian: Chat, wulan: Chat, budi: Chat) -> None:
    """Wulan uses every feature that keeps something about a member; Budi takes part too."""
    await librarian.say(
        '/event create "Bedah Buku Laut Bercerita" "Sabtu depan pukul 10 pagi" Aula 1'
    )
    await librarian.say("/event confirm 1")
    await librarian.say('/club create "Klub Sastra" "Bumi Manusia"')
    for line in (
        "/shelf add Bumi Manusia reading",
        "/rate Laskar Pelangi 5 Rahasia hati wulan_rahasia",
        "/suggest Cantik Itu Luka wajib dibaca",
        "/event rsvp 1 going",
        "/remind me besok jam 7 malam rapat klub",
        "/remind off",
        "/club join sastra",
        "/club progress 45% seru sekali",
        "/book Kitab Rahasia Tak Pernah Ada",
    ):
        await wulan.say(line)
    await budi.say("/suggest Laut Bercerita bagus")
    await wulan.say("/suggest vote 2")
    assert "daftar tunggu" in await budi.say("/event rsvp 1 going")
    await librarian.say("/club vote Klub Sastra Cantik Itu Luka | Laut Bercerita")
    await wulan.say("/club ballot 1")
    await budi.say("/club ballot 2")
    await librarian.say("/quiz start sastra-indonesia 1 30")
    answered = await wulan.say("/answer A")
    assert "sudah masuk" in answered, answered
    await budi.say("/answer B")


async def test_forgetme_leaves_no_trace_and_keeps_the_counts(
    app: App, make_chat: Callable[..., Chat]
) -> None:
    """After /forgetme no table holds the member's id or name; the leaderboard, upvotes and
    club votes of the others are as they were (the member's share shown as a former member)."""
    librarian = make_chat(user="pustakawan", moderator=True)
    wulan, budi = make_chat(user=WULAN), make_chat(user="budi")
    await use_everything(librarian, wulan, budi)
    store = app.services.store

    shown = await wulan.say("/privacy")
    assert "Yang saya simpan tentang Anda" in shown
    for line in (
        "• Buku di rak Anda: 2 — Bumi Manusia, Laskar Pelangi",
        "• Penilaian dan ulasan Anda: 1 — Laskar Pelangi 5★",
        "• Buku yang Anda usulkan: 1 — Cantik Itu Luka (disimpan tanpa nama Anda)",
        "• Usulan yang Anda dukung: 1 (disimpan tanpa nama Anda)",
        "• Konfirmasi kehadiran Anda: 1 — Bedah Buku Laut Bercerita: going",
        "• Pengingat Anda: 1 — rapat klub",
        "• Pilihan Anda untuk tidak menerima pengingat acara: 1",
        "• Klub yang Anda ikuti: 1 — Klub Sastra",
        "• Progres membaca Anda di klub: 1 — Bumi Manusia",
        "• Suara Anda di klub: 1 (disimpan tanpa nama Anda)",
        "• Buku yang Anda cari tetapi tidak dimiliki perpustakaan: 1 — Kitab Rahasia Tak Pernah",
    ):
        assert line in shown, line
    assert re.search(r"• Jawaban kuis Anda: 1( — .+)? \(disimpan tanpa nama Anda\)\n", shown)
    for group in ("Anda sebagai anggota", "Rak baca dan usulan buku", "Acara", "Klub baca", "Kuis"):
        assert f"\n{group}\n" in shown, group

    board = await budi.say("/quiz leaderboard semua")
    top = await budi.say("/suggest top")
    points = await store.fetchval("SELECT sum(points) FROM quiz_answers")
    ballots = await store.fetchall("SELECT position, count(*) FROM club_ballots GROUP BY 1")
    budi_id = await store.fetchval("SELECT id FROM members WHERE platform_id = 'budi'")
    budi_rows = await store.fetchval(
        "SELECT (SELECT count(*) FROM quiz_answers WHERE member_id = ?)"
        " + (SELECT count(*) FROM suggestions WHERE member_id = ?)"
        " + (SELECT count(*) FROM club_ballots WHERE member_id = ?)"
        " + (SELECT count(*) FROM command_usage WHERE member_id = ?)",
        (budi_id,) * 4,
    )

    reminders = "SELECT count(*) FROM jobs WHERE kind = 'personal-reminder' AND state = 'pending'"
    assert await store.fetchval(reminders) == 1
    start = budi.output.tell()  # the console prints follow-ups in the newest chat
    assert "/lupakansaya ya" in await wulan.say("/lupakansaya")
    assert "Tidak ada yang dihapus" in await wulan.say("/forgetme nanti")
    assert await store.fetchval("SELECT count(*) FROM shelf") == 2  # nothing deleted yet
    done = await wulan.say("/forgetme ya")
    assert "Saya sudah melupakan Anda" in done

    assert await traces(store, WULAN, "Rahasia hati", "seru sekali", "rapat klub") == []
    assert await store.fetchval(reminders) == 0  # the reminder's job went with it
    # Others' standings and counts are unchanged; the forgotten share stays, anonymous.
    assert await budi.say("/quiz leaderboard semua") == board.replace(WULAN, "mantan anggota")
    without_note = [line for line in top.split("\n") if "wajib dibaca" not in line]
    assert await budi.say("/suggest top") == "\n".join(without_note).replace(
        WULAN, "mantan anggota"
    )
    assert await store.fetchval("SELECT sum(points) FROM quiz_answers") == points
    assert await store.fetchall("SELECT position, count(*) FROM club_ballots GROUP BY 1") == ballots
    assert (
        await store.fetchval(
            "SELECT (SELECT count(*) FROM quiz_answers WHERE member_id = ?)"
            " + (SELECT count(*) FROM suggestions WHERE member_id = ?)"
            " + (SELECT count(*) FROM club_ballots WHERE member_id = ?)"
            " + (SELECT count(*) FROM command_usage WHERE member_id = ?)",
            (budi_id,) * 4,
        )
        == budi_rows + 2
    )  # his two commands just now
    # The seat Wulan held went to Budi, who was waiting.
    assert "Ada kursi kosong: Anda sekarang hadir di Bedah Buku Laut Bercerita." in (
        budi.printed_since(start)
    )
    assert "1 hadir" in await budi.say("/event list")

    # Writing again starts afresh: a new member with nothing on record.
    again = await wulan.say("/privacy")
    assert "• Buku di rak Anda" not in again
    assert "• Nama, bahasa, dan kapan terakhir saya melihat Anda: 1" in again


async def test_a_moderator_forgotten_leaves_what_they_made(
    app: App, make_chat: Callable[..., Chat]
) -> None:
    """A moderator who created an event, a club, a scheduled quiz and a link code forgets
    themselves: what they made stays for the community, naming no one."""
    moderator = make_chat(user="rahasia_moderator", moderator=True)
    await moderator.say('/event create "Bedah Buku Laut Bercerita" "Sabtu depan pukul 10 pagi"')
    await moderator.say("/event confirm 1")
    await moderator.say('/club create "Klub Sastra" "Bumi Manusia"')
    assert "Terjadwal" in await moderator.say("/quiz schedule sastra-indonesia besok jam 10.00")
    await moderator.say("/community link")
    await moderator.say("/quiz start sastra-indonesia 1 30")
    shown = await moderator.say("/privacy")
    for line in (
        "• Acara yang Anda buat: 1 — Bedah Buku Laut Bercerita (disimpan tanpa nama Anda)",
        "• Klub yang Anda dirikan: 1 — Klub Sastra (disimpan tanpa nama Anda)",
        "• Kuis yang Anda jadwalkan: 1 — Sastra Indonesia (disimpan tanpa nama Anda)",
        "• Kuis yang Anda mulai: 1 — Sastra Indonesia (disimpan tanpa nama Anda)",
        "• Kode tautan komunitas yang Anda buat: 1",
    ):
        assert line in shown, line

    await moderator.say("/forgetme ya")
    assert await traces(app.services.store, "rahasia_moderator") == []
    member = make_chat(user="budi")
    assert "#1 Bedah Buku Laut Bercerita" in await member.say("/event list")
    assert "Klub Sastra" in await member.say("/club list")


async def test_telegram_member_forgotten_by_button(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    """Through python-telegram-bot: a member who used the bot in a group and privately presses
    "Ya, lupakan saya"; no table then holds their Telegram id or name (the stored updates
    included)."""
    uid, name = 987654321, "Wulandari Sekar"
    wulan = user(uid, name)
    private = {"id": uid, "type": "private", "first_name": name}
    async with telegram_bot(tmp_path, telegram_fake, sample=True) as app:
        telegram_fake.push_update(
            text_message("/shelf add Bumi Manusia read", chat=group_chat(), sender=wulan)
        )
        await telegram_fake.wait_for("sendMessage", count=1)
        telegram_fake.push_update(
            text_message(
                "/remind me besok jam 7 malam kembalikan buku",
                chat=private,
                sender=wulan,
                message_id=11,
            )
        )
        await telegram_fake.wait_for("sendMessage", count=2)
        telegram_fake.push_update(
            text_message("/lupakansaya", chat=private, sender=wulan, message_id=12)
        )
        [*_, asked] = await telegram_fake.wait_for("sendMessage", count=3)
        keyboard = asked.params["reply_markup"]["inline_keyboard"]
        buttons = {b["text"]: b["callback_data"] for row in keyboard for b in row}
        assert buttons["Ya, lupakan saya"] == "c/lupakansaya ya"
        assert await traces(app.services.store, str(uid), name) != []

        shown = {"message_id": 2000, "date": 0, "chat": private, "text": asked.params["text"]}
        telegram_fake.push_update(
            callback_press(buttons["Ya, lupakan saya"], message=shown, sender=wulan)
        )
        [answered] = await telegram_fake.wait_for("answerCallbackQuery")
        assert "Saya sudah melupakan Anda" in answered.params["text"]  # privately, as an alert
        for _ in range(100):  # the inbox marks the update handled just after answering
            if not await traces(app.services.store, str(uid), name):
                break
            await asyncio.sleep(0.02)
        assert await traces(app.services.store, str(uid), name) == []
        assert await app.services.store.fetchval("SELECT count(*) FROM shelf") == 0


async def test_discord_member_forgotten_by_slash_command(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    """Through discord.py: /privacy answers privately with one embed field a feature; /forgetme
    with its confirmation option forgets the member; no table holds their Discord id or name."""
    uid = "940000000000000777"
    member = discord_user(uid, "wulandari_sekar")
    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        add = [
            {
                "type": 1,
                "name": "add",
                "options": [{"type": 3, "name": "book", "value": "Bumi Manusia read"}],
            }
        ]
        await discord_fake.response_to(await discord_fake.slash("shelf", add, member=member))
        shown = await discord_fake.response_to(await discord_fake.slash("privacy", member=member))
        assert shown.body["data"]["flags"] & 64  # only the member sees it
        [embed] = shown.body["data"]["embeds"]
        fields = {field["name"]: field["value"] for field in embed["fields"]}
        assert "Buku di rak Anda: 1 — Bumi Manusia" in fields["Rak baca dan usulan buku"]
        assert await traces(app.services.store, uid, "ulandari_") != []

        confirm = [{"type": 3, "name": "confirmation", "value": "ya"}]
        done = await discord_fake.response_to(
            await discord_fake.slash("forgetme", confirm, member=member)
        )
        assert done.body["data"]["flags"] & 64
        assert "Saya sudah melupakan Anda" in json.dumps(done.body["data"], ensure_ascii=False)
        assert await traces(app.services.store, uid, "ulandari_") == []


async def test_forgetme_refused_without_confirmation(chat: Chat, app: App) -> None:
    """/forgetme alone asks; any answer but yes deletes nothing and says how to confirm."""
    await chat.say("/shelf add Bumi Manusia want")
    asked = await chat.say("/forgetme")
    assert "Lupakan Anda?" in asked
    assert "[1] Ya, lupakan saya  → /lupakansaya ya" in asked
    for answer in ("tidak", "nanti saja", "no"):
        assert "Tidak ada yang dihapus. Agar saya melupakan Anda, ketik /lupakansaya ya." in (
            await chat.say(f"/forgetme {answer}")
        )
    assert await app.services.store.fetchval("SELECT count(*) FROM shelf") == 1
    assert "Buku di rak Anda: 1 — Bumi Manusia" in await chat.say("/privasi")


async def test_privacy_in_english(chat: Chat) -> None:
    await chat.say("/lang en")
    shown = await chat.say("/privacy")
    assert "What I keep about you" in shown
    assert "• Commands you used: 1 — /lang (kept without your name)" in shown
    assert "/forgetme deletes it." in shown


# Usage records ------------------------------------------------------------------------------


@pytest.fixture
def short_keep(tmp_path: Path) -> Config:
    extra = "[privacy]\nkeep_usage_days = 30\n"
    return load_config(write_config(tmp_path, extra), env={})


async def test_usage_records_are_pruned_daily(short_keep: Config, clock: FakeClock) -> None:
    """Usage records older than keep_usage_days go at the nightly pruning; newer ones stay; the
    next night's pruning is planned (the fake clock starts Monday 5 January 2026, 10.00 WIB)."""
    app = await App.open(short_keep, clock=clock, features=discover())
    try:
        chat = Chat(app)
        await chat.say("/help")
        await run_due(app, clock, 20 * DAY)
        await chat.say("/about")
        store = app.services.store
        assert await store.fetchval("SELECT count(*) FROM command_usage") == 2
        await run_due(app, clock, 15 * DAY)  # /help is 35 days old, /about 15
        assert [r[0] for r in await store.fetchall("SELECT command FROM command_usage")] == [
            "about"
        ]
        planned = await store.fetchall(
            "SELECT key, due_at FROM jobs WHERE kind = ? AND state = 'pending'", (privacy.PRUNE,)
        )
        # 9 February 2026, 10.00 WIB now: the next pruning is at 03.00 WIB tomorrow.
        assert [tuple(r) for r in planned] == [
            ("privacy.prune:2026-02-10", "2026-02-09T20:00:00.000000+00:00")
        ]
    finally:
        await app.close()


def test_keep_usage_days_is_checked(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path), env={}).privacy.keep_usage_days == 365
    for bad in ("0", '"lama"', "100000"):
        with pytest.raises(ConfigError, match="privacy.keep_usage_days"):
            load_config(write_config(tmp_path, f"[privacy]\nkeep_usage_days = {bad}\n"), env={})


# Declarations -------------------------------------------------------------------------------


async def test_every_feature_declares_what_it_keeps(app: App) -> None:
    """Every feature says what it stores about members, and every column that holds a member
    (a reference to members, or a member_id) in every table is covered by a declaration: a new
    feature whose migration adds such a column without declaring it makes this test fail."""
    assert [p.name for p in discover() if p.personal is None] == []
    assert await privacy.undeclared(app.services.store, app.services.privacy) == []
    columns = privacy.member_columns(await app.services.store.tables())
    assert ("quiz_answers", "member_id") in columns and ("events", "created_by") in columns


class Notes(Feature):
    name = "notes"
    description = N_("General")

    @command("note", N_("General"))
    async def note(self, ctx: Context) -> str:
        return "ok"


def notes_feature(folder: Path, *data: privacy.Personal) -> FeaturePackage:
    (folder / "migrations").mkdir(parents=True)
    (folder / "migrations" / "0001_notes.sql").write_text(
        "CREATE TABLE notes (\n"
        "    id     INTEGER PRIMARY KEY,\n"
        "    writer INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,\n"
        "    text   TEXT NOT NULL,\n"
        "    platform_user_id TEXT NOT NULL DEFAULT ''  -- who it was written for\n"
        ");\n",
        encoding="utf-8",
    )

    def setup(package: FeaturePackage) -> None:
        package.tables()
        package.personal_data(*data)
        package.serve(Notes)

    return declare("notes", folder, setup)


async def test_an_undeclared_member_column_is_caught(
    config: Config, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A feature's table referring to members without a declaration is reported (and logged at
    start); declared, it is forgotten like the others."""
    features = [*discover(), notes_feature(tmp_path / "bare")]
    with caplog.at_level(logging.ERROR, "pustaka"):
        app = await App.open(config, clock=clock, features=features)
    try:
        assert await privacy.undeclared(app.services.store, app.services.privacy) == [
            ("notes", "platform_user_id"),
            ("notes", "writer"),
        ]
        assert "notes.writer" in caplog.text
    finally:
        await app.close()


async def test_a_declared_table_is_forgotten(tmp_path: Path, clock: FakeClock) -> None:
    """Declared, a feature's table is listed and forgotten: rows naming the member by our id
    deleted, rows naming them by platform id (declared anonymised) kept without it."""
    config = load_config(write_config(tmp_path), env={})
    declared = (
        privacy.Personal("notes", "writer", N_("General"), example="text"),
        privacy.Personal(
            "notes",
            "platform_user_id",
            N_("General"),
            privacy.Forget.ANONYMISE,
            example="text",
            holds=privacy.Holds.PLATFORM_ID,
        ),
    )
    features = [*discover(), notes_feature(tmp_path / "declared", *declared)]
    app = await App.open(config, clock=clock, features=features)
    try:
        assert await privacy.undeclared(app.services.store, app.services.privacy) == []
        ani, budi = Chat(app, user="ani_menulis"), Chat(app, user="budi")
        await ani.say("/note")
        await budi.say("/note")
        store = app.services.store
        ids = dict(await store.fetchall("SELECT platform_id, id FROM members"))
        await store.execute(
            "INSERT INTO notes (writer, text) VALUES (?, 'catatan sendiri')", (ids["ani_menulis"],)
        )
        await store.execute(
            "INSERT INTO notes (writer, text, platform_user_id) VALUES (?, 'titipan', ?)",
            (ids["budi"], "ani_menulis"),
        )
        shown = await ani.say("/privacy")
        assert ": 1 — catatan sendiri\n" in shown
        assert ": 1 — titipan (disimpan tanpa nama Anda)\n" in shown
        await ani.say("/forgetme ya")
        rows = await store.fetchall("SELECT writer, text, platform_user_id FROM notes")
        assert [tuple(r) for r in rows] == [
            (ids["budi"], "titipan", f"forgotten:{ids['ani_menulis']}")
        ]
        assert await traces(store, "ani_menulis") == []
    finally:
        await app.close()


async def test_a_declaration_names_only_tables_and_columns(app: App) -> None:
    data = privacy.PersonalData()
    with pytest.raises(ValueError, match="not a table or column name"):
        data.add("bad", [privacy.Personal("shelf; DROP TABLE members", "member_id", "x")])
    data.add(
        "typos",
        [
            privacy.Personal("shelf", "member", "x"),
            privacy.Personal("personal_reminders", "member_id", "x", jobs="remind:{number}:"),
        ],
    )
    missing = await privacy.undeclared(app.services.store, data)
    assert ("shelf", "member") in missing and ("personal_reminders", "number") in missing


async def test_ids_inside_other_numbers_are_not_the_member(app: App, clock: FakeClock) -> None:
    """The trace scan matches the platform id as a whole word: a group's negative id or a
    longer number that contains it is someone else's."""
    store = app.services.store
    for key in ("stop-poll:-100500:7", "stop-poll:1005001:7", "stop-poll:100500:7"):
        await app.services.scheduler.schedule("nothing", key, clock.now() + timedelta(days=1))
    member = Member(999, "telegram", "100500", "X", None, None)
    await privacy.forget(store, app.services.privacy, member, clock.now(), former="-")
    keys = await store.fetchall("SELECT key FROM jobs WHERE kind = 'nothing' ORDER BY key")
    assert [r[0] for r in keys] == ["stop-poll:-100500:7", "stop-poll:1005001:7"]
