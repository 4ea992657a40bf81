"""Acceptance: the real `pustaka chat` process, piped, runs a club from create to a vote."""

from __future__ import annotations

from pathlib import Path

from tests.bot.adapters.test_console import pustaka
from tests.conftest import write_config

TRANSCRIPT = "\n".join(
    [
        '/club create "Klub Sastra" "Bumi Manusia" besok 3',
        "/club join Klub Sastra",
        "/club progress 45%",
        "/club board",
        "/club vote Cantik Itu Luka | Laut Bercerita",
        "1",  # the console's numbered vote: the first book
        "/club show Klub Sastra",
    ]
)


def test_piped_transcript_create_join_progress_vote(tmp_path: Path) -> None:
    write_config(tmp_path, sample=True)
    done = pustaka("chat", "--moderator", cwd=tmp_path, stdin=TRANSCRIPT.encode() + b"\n")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "[#Klub Sastra]\nKlub Sastra: Bumi Manusia — Pramoedya Ananta Toer (1980)" in out
    assert "Minggu ke-3 · " in out  # the three-week plan
    assert "Anda sudah menjadi anggota Klub Sastra." in out  # the creator joined already
    assert "Dicatat: 45% dari Bumi Manusia." in out
    assert "1. " in out.split("posisi membaca Bumi Manusia", 1)[1]
    assert "[1] Cantik Itu Luka — Eka Kurniawan (2002)  → /club ballot 1 #1" in out
    assert "Pilihan Anda untuk Klub Sastra: Cantik Itu Luka." in out
    assert "Anggota (1)" in out and "Pemungutan suara buku berikutnya" in out
