"""/stats in the console: a text table with the numbers real commands made; members refused;
a bad number of days explained; the busiest hour as the default time of a scheduled quiz; the
`pustaka report stats` command line writing CSV and PNG."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PIL import Image

from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.stats.chart import SIZE

DAY = 24 * 3600


async def test_the_table_counts_what_members_did(make_chat, clock: FakeClock) -> None:
    """Two members this week (Monday 10.00 WIB), one of them again next week with a new one:
    the weeks, the features and the busiest hour are what they did."""
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    rina = make_chat(user="rina", moderator=True)
    await sari.say("/help")
    await sari.say("/lang id")
    await budi.say("/about")
    await clock.advance(7 * DAY)
    await sari.say("/help")
    await make_chat(user="citra").say("/help")

    shown = await rina.say("/statistik 30")

    assert "Statistik: 30 hari terakhir" in shown
    assert "3 anggota ikut serta, 3 di antaranya baru. 5 perintah dipakai." in shown
    assert "Waktu paling ramai: Senin 10.00–11.00" in shown
    weeks = shown.split("Anggota aktif per minggu")[1].split("\n\n")[0]
    assert weeks.splitlines()[1:] == [
        "Minggu mulai  Baru  Kembali  Aktif",
        "2026-01-05       2        0      2",
        "2026-01-12       1        1      2",
    ]
    features = shown.split("Kegiatan per fitur")[1].split("\n\n")[0]
    assert [line.split() for line in features.splitlines()[1:]] == [
        ["Fitur", "Pemakaian"],
        ["Umum", "5"],
    ]
    heat = shown.split("Kapan anggota aktif (jam)")[1].splitlines()
    assert heat[2].startswith("Sen") and "█" in heat[2]
    assert all("█" not in line for line in heat[3:9])
    assert "Tidak ada dalam periode ini: Kiriman yang mendapat tanggapan, Tanggapan per" in shown


async def test_members_are_refused_and_bad_days_explained(make_chat) -> None:
    sari = make_chat(user="sari")
    assert "Hanya moderator yang dapat memakai /stats." in await sari.say("/stats")
    rina = make_chat(user="rina", moderator=True)
    assert "“hari” harus antara 1 dan 365." in await rina.say("/stats 0")
    assert "“hari” harus antara 1 dan 365." in await rina.say("/statistik 400")
    answer = await rina.say("/stats banyak")
    assert "/stats [hari]" in answer and "Statistik" not in answer.splitlines()[0]
    english = make_chat(user="ray", moderator=True, locale="en")
    assert "days must be between 1 and 365." in await english.say("/stats 0")


async def test_a_quiz_without_a_time_starts_at_the_busiest_hour(
    make_chat, clock: FakeClock
) -> None:
    """Members are busiest on Wednesday at 19.00 WIB: a quiz scheduled without a time starts
    then."""
    rina = make_chat(user="rina", moderator=True)
    asked = await rina.say("/quiz schedule sastra-indonesia")
    assert "Kapan" in asked  # nothing known yet: the moderator is asked for a time
    await clock.advance(2 * DAY + 9 * 3600)  # Wednesday 7 January, 19.00 WIB
    for name in ("ani", "budi", "citra"):
        await make_chat(user=name).say("/help")
    await rina.say("/stats")
    answer = await rina.say("/quiz schedule sastra-indonesia")
    assert "Waktu tidak diisi" in answer
    assert "Rabu, 14 Januari 2026, 19.00 WIB" in answer


async def test_the_report_command_line_writes_csv_and_png(tmp_path: Path) -> None:
    from tests.bot.adapters.test_console import pustaka
    from tests.conftest import write_config

    write_config(tmp_path)
    pustaka("chat", cwd=tmp_path, stdin=b"/help\n/about\n")
    done = pustaka(
        "report", "stats", "--days", "30", "--csv", "out.csv", "--png", "out.png", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "written to out.csv" in done.stdout.decode()
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert ["summary", "members", "1"] in rows
    assert ["summary", "uses", "2"] in rows
    with Image.open(tmp_path / "out.png") as image:
        assert image.format == "PNG" and image.size == SIZE

    refused = pustaka("report", "stats", "--days", "0", "--csv", "x.csv", cwd=tmp_path)
    assert refused.returncode == 2 and "--days" in refused.stderr.decode()
    unknown = pustaka("report", "stats", "--community", "nope", "--png", "x.png", cwd=tmp_path)
    assert unknown.returncode == 2 and "no community 'nope'" in unknown.stderr.decode()


def decoded_size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        assert image.format == "PNG"
        return image.size


async def test_figures_of_linked_communities_are_combined(app: App) -> None:
    """Stats read a circle: rows of both communities count once each member."""
    from cogs.stats import rollup
    from cogs.stats.figures import gather

    store = app.services.store
    now = app.services.clock.now()
    for platform in ("discord", "telegram"):
        await store.execute(
            "INSERT INTO communities (platform, platform_id, created_at) VALUES (?, 'x', ?)",
            (platform, now.isoformat()),
        )
        await store.execute(
            "INSERT INTO members (platform, platform_id, created_at, last_seen_at)"
            " VALUES (?, 'm', ?, ?)",
            (platform, now.isoformat(), now.isoformat()),
        )
    await store.executemany(
        "INSERT INTO command_usage (at, platform, community_id, member_id, command, outcome)"
        " VALUES (?, 'x', ?, ?, 'help', 'ok')",
        [(now.isoformat(), 1, 1), (now.isoformat(), 2, 2), (now.isoformat(), 2, 2)],
    )
    await rollup.catch_up(store, app.services.config.bot.tz, now, chunk=2)
    tz = app.services.config.bot.tz
    both = await gather(store, app.services.events, (1, 2), days=30, now=now, tz=tz, features={})
    one = await gather(store, app.services.events, (2,), days=30, now=now, tz=tz, features={})
    assert (both.members, both.uses, one.members, one.uses) == (2, 3, 1, 2)
    assert both.features == (("help", 3),)


async def test_the_features_tables_hold_what_members_did(app: App, make_chat) -> None:
    """RSVPs to an event (also as responses to its post), books opened twice and once, and a
    book the library lacks show in their tables."""
    from tests.cogs.catalog.test_catalog import CANTIK, LELAKI

    catalog = next(f for f in app.services.registry.features if f.name == "catalog").catalog
    await catalog.upsert([CANTIK, LELAKI])
    await make_chat(user="ani").say("/book cantik itu luka")
    kurniawan = make_chat(user="budi")
    await kurniawan.say("/buku kurniawan")
    await kurniawan.say("1")
    await kurniawan.say("/buku kurniawan")
    await kurniawan.say("2")
    rina = make_chat(user="rina", moderator=True)
    await rina.say('/event create "Klub Puisi" "besok jam 19.00"')
    await rina.say("/event confirm 1")
    await make_chat(user="sari").say("/event rsvp 1 going")
    await make_chat(user="budi").say("/event rsvp 1 maybe")
    await make_chat(user="citra").say("/book Laut Bercerita Jilid Dua")

    shown = await rina.say("/stats 7")

    rsvps = shown.split("Konfirmasi kehadiran per acara\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in rsvps] == [
        ["Acara", "Tanggal", "Hadir", "Mungkin", "Daftar", "tunggu"],
        ["Klub", "Puisi", "2026-01-06", "1", "1", "0"],
    ]
    wanted = shown.split("Paling dicari, tidak ada di rak\n")[1].split("\n\n")[0].splitlines()
    assert wanted[1].split() == ["Laut", "Bercerita", "Jilid", "Dua", "1", "1"]
    posts = shown.split("Kiriman yang mendapat tanggapan\n")[1].split("\n\n")[0].splitlines()
    assert posts[1].split()[-5:] == ["0", "2", "0", "0", "2"]  # two RSVPs by two members
    assert posts[1].startswith("Klub Puisi")
    looked = shown.split("Buku paling sering dibuka\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in looked] == [
        ["Judul", "Dibuka"],
        ["Cantik", "Itu", "Luka", "2"],
        ["Lelaki", "Harimau", "1"],
    ]


async def test_a_long_backlog_is_said_not_hidden(make_chat, monkeypatch) -> None:
    """/stats folds in only so many new uses itself; the rest is named, and counted later."""
    import cogs.stats.commands

    monkeypatch.setattr(cogs.stats.commands, "CATCH_UP_AT_MOST", 2)
    sari = make_chat(user="sari")
    for _ in range(4):
        await sari.say("/help")
    rina = make_chat(user="rina", moderator=True)
    first = await rina.say("/stats")
    assert "1 anggota ikut serta, 1 di antaranya baru. 2 perintah dipakai." in first
    assert "2 pemakaian terbaru masih dihitung" in first
    second = await rina.say("/stats")
    assert "1 anggota ikut serta, 1 di antaranya baru. 4 perintah dipakai." in second
    assert "1 pemakaian terbaru masih dihitung" in second


async def test_who_was_active_when_is_forgotten_after_a_year(app: App, make_chat, clock) -> None:
    """The rollup job drops members' weekly rows older than /stats can show; counts stay."""
    from tests.cogs.events.test_e2e_reminders import fire_due

    await make_chat(user="sari").say("/help")
    await fire_due(app, clock, 7 * 3600)  # the rollup job a minute after start, and again
    store = app.services.store
    assert await store.fetchval("SELECT count(*) FROM stats_member_weeks") == 1
    await fire_due(app, clock, 380 * DAY)
    assert await store.fetchval("SELECT count(*) FROM stats_member_weeks") == 0
    assert await store.fetchval("SELECT sum(uses) FROM stats_hours") == 1


async def test_a_series_without_a_time_posts_at_the_busiest_hour(make_chat, clock) -> None:
    """Members are busiest at 19.00 WIB: the book of the day switched on without a time posts
    then instead of at its usual 07.00."""
    rina = make_chat(user="rina", moderator=True)
    await clock.advance(9 * 3600)  # Monday 5 January, 19.00 WIB
    for name in ("ani", "budi", "citra"):
        await make_chat(user=name).say("/help")
    await rina.say("/stats")
    switched = await rina.say("/series on daily")
    assert "setiap hari; berikutnya: Selasa, 6 Januari 2026, 19.00 WIB" in switched
