from __future__ import annotations

import pytest

from bot.time.finding import find_time, only_time


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("Bedah Buku Bumi Manusia Sabtu depan jam 10 pagi", "Sabtu depan jam 10 pagi"),
        ("Book Talk next Saturday 10am Hall 40", "next Saturday 10am"),
        ("Klub Baca Sabtu setiap Sabtu 10.00 Ruang Baca 20", "setiap Sabtu 10.00"),
        ("Musim Ramadan 2026-03-19 23:59", "2026-03-19 23:59"),
        ("kembalikan buku besok jam 8", "besok jam 8"),
        ("Negeri 5 Menara 40", None),  # bare numbers are no time
        ("Bedah Buku", None),
    ],
)
def test_the_longest_run_that_reads_as_a_time(line: str, found: str | None) -> None:
    words = line.split()
    span = find_time(words)
    assert (" ".join(words[span[0] : span[1]]) if span else None) == found


def test_only_time_refuses_other_words() -> None:
    """The date parser would skip "Season"; a value typed for a time must be a time only."""
    assert only_time("Sabtu depan pukul 10 pagi")
    assert only_time("every Friday 7pm")
    assert not only_time("Season 2026-03-31 23:59")
