"""The real `pustaka` process: a piped console transcript plays a quiz to the end, and
`pustaka quiz import` keeps a pack for a community or lists every problem of a bad one."""

from __future__ import annotations

from pathlib import Path

from cogs.quiz.packs import bundled_packs
from tests.bot.adapters.test_console import pustaka
from tests.conftest import write_config
from tests.databases import rows

ROOT = Path(__file__).resolve().parents[3]


def test_piped_transcript_plays_a_quiz_to_the_end(tmp_path: Path) -> None:
    """Input ends right after the answer; the chat waits for the quiz and prints its end."""
    write_config(tmp_path)
    key = bundled_packs()[0].key
    done = pustaka(
        "chat",
        "--moderator",
        cwd=tmp_path,
        # A letter answers a question with choices; a question without any gets a hint, and
        # the words that follow answer it (or are refused as a second answer).
        stdin=f"/quiz start {key} 1 5\n/answer A\n/answer kancil\n".encode(),
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "Pertanyaan 1 dari 1" in out
    assert "🔒 Jawaban Anda untuk pertanyaan 1 sudah masuk" in out
    assert ("Pertanyaan 1 tidak punya pilihan" in out) != ("sudah menjawab pertanyaan 1" in out)
    assert "Traceback" not in out + done.stderr.decode()
    assert "Jawabannya:" in out
    assert "1 dari 1 jawaban benar." in out or "0 dari 1 jawaban benar." in out
    assert "Klasemen akhir:" in out


def test_import_keeps_the_pack_for_the_community(tmp_path: Path) -> None:
    """A valid pack is imported for the console community and offered by /quiz packs."""
    write_config(tmp_path)
    source = sorted((ROOT / "cogs" / "quiz" / "data").glob("*.toml"))[0]
    pack = tmp_path / "klub-kami.toml"
    pack.write_bytes(source.read_bytes())
    done = pustaka("quiz", "import", str(pack), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "Imported" in done.stdout.decode() and "console:console" in done.stdout.decode()
    again = pustaka("quiz", "import", str(pack), "--community", "console", cwd=tmp_path)
    assert "Replaced" in again.stdout.decode()
    assert rows(tmp_path / "pustaka.db", "SELECT key FROM quiz_packs") == [("klub-kami",)]
    listed = pustaka("chat", cwd=tmp_path, stdin=b"/quiz packs\n")
    assert "klub-kami —" in listed.stdout.decode()


def test_import_lists_every_problem(tmp_path: Path) -> None:
    """A broken pack is refused with its problems listed, exit 2; nothing is stored."""
    write_config(tmp_path)
    broken = tmp_path / "rusak.toml"
    broken.write_bytes(b'title = "Rusak"\n\xff\xfe not utf-8\n')
    done = pustaka("quiz", "import", str(broken), cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert "rusak.toml is not a valid quiz pack:" in err
    assert "\n  - " in err
    assert "Traceback" not in err
    assert not (tmp_path / "pustaka.db").exists()  # refused before the database is opened


def test_import_asks_which_community(tmp_path: Path) -> None:
    """With several communities known and none named, the import lists them, exit 2."""
    write_config(tmp_path)
    pack = tmp_path / "lain.toml"
    pack.write_bytes(sorted((ROOT / "cogs" / "quiz" / "data").glob("*.toml"))[0].read_bytes())
    pustaka("chat", cwd=tmp_path, stdin=b"/help\n")
    rows(
        tmp_path / "pustaka.db",
        "INSERT INTO communities (platform, platform_id, name, created_at)"
        " VALUES ('telegram', '-100500', 'Klub Baca', '2026-01-01')",
    )
    done = pustaka("quiz", "import", str(pack), cwd=tmp_path)
    assert done.returncode == 2
    assert "--community telegram:-100500   Klub Baca" in done.stderr.decode()
