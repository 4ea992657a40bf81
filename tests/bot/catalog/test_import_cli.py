from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from bot.storage.store import Store
from tests.bot.catalog.test_import_marc import KOHA, chronicle, write_marc
from tests.conftest import write_config
from tests.databases import rows, target
from tests.fakes.oai_pmh import FakeOAI, FakeRecord, dc

ROOT = Path(__file__).parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "catalog"


def pustaka(
    directory: Path, *args: str, merged: bool = False, extra: str = "", config_last: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -m bot --config … ARGS` as a librarian would run it (`merged`: stderr and stdout
    into one pipe, as `… 2>&1 | tee import.log` does; `extra`: more configuration, with its own
    [catalog] section if any; `config_last`: `--config …` typed after the ARGS)."""
    config = write_config(directory, extra, sample="[catalog]" in extra)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for variable in ("PUSTAKA_CONFIG", "PUSTAKA_DISCORD_TOKEN", "PUSTAKA_TELEGRAM_TOKEN"):
        env.pop(variable, None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--config", str(config)]
        if config_last
        else [sys.executable, "-m", "bot", "--config", str(config), *args],
        cwd=directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        text=True,
        timeout=120,
        env=env,
    )


def counts(out: str) -> dict[str, int]:
    words = ("added", "updated", "unchanged", "removed", "skipped")
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in words and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found


def test_import_prints_the_summary_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    """First run adds four books and lists the two broken rows; the second finds all unchanged."""
    done = pustaka(tmp_path, "catalog", "import", str(FIXTURES / "slims_export.csv"))
    assert done.returncode == 0, done.stderr
    assert "Imported slims_export.csv (SLiMS CSV):" in done.stdout
    assert counts(done.stdout) == dict(added=4, updated=0, unchanged=0, removed=0, skipped=2)
    assert "  row 7: no title" in done.stdout
    assert "  row 6: 21 columns where 18 were expected" in done.stdout
    again = pustaka(tmp_path, "catalog", "import", str(FIXTURES / "slims_export.csv"))
    assert again.returncode == 0, again.stderr
    assert counts(again.stdout) == dict(added=0, updated=0, unchanged=4, removed=0, skipped=2)


def test_format_and_source_can_be_given(tmp_path: Path) -> None:
    """--format marc and --source name the file's kind and where its books come from."""
    path = write_marc(tmp_path / "export.bin", KOHA)
    done = pustaka(
        tmp_path, "catalog", "import", str(path), "--format", "marc", "--source", "perpus-ui"
    )
    assert done.returncode == 0, done.stderr
    assert "(MARC21)" in done.stdout

    async def sources() -> list[str]:
        store = await Store.open(target(tmp_path / "pustaka.db"))
        try:
            return [row[0] for row in await store.fetchall("SELECT DISTINCT source FROM books")]
        finally:
            await store.close()

    assert asyncio.run(sources()) == ["perpus-ui"]


def test_many_skipped_records_are_listed_up_to_twenty(tmp_path: Path) -> None:
    """25 rows without a title: 20 listed, then "… and 5 more"."""
    path = tmp_path / "sheet.csv"
    path.write_text("id,title\n" + "".join(f"{n},\n" for n in range(25)), encoding="utf-8")
    done = pustaka(tmp_path, "catalog", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": no title") == 20
    assert "  … and 5 more" in done.stdout


def test_cp1252_file_prints_a_warning(tmp_path: Path) -> None:
    """A Windows-1252 export imports, with a warning to check the accents."""
    path = tmp_path / "ansi.csv"
    path.write_bytes((FIXTURES / "slims_export.csv").read_text(encoding="utf-8").encode("cp1252"))
    done = pustaka(tmp_path, "catalog", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "Warning: ansi.csv is not UTF-8: read as Windows-1252" in done.stdout


def test_unreadable_files_exit_2_with_one_line(tmp_path: Path) -> None:
    """A missing file or a CSV given as MARC: exit 2, one line, no traceback, no database made."""
    (tmp_path / "catalog.csv").write_text("title\nBumi manusia\n", encoding="utf-8")
    for args in (["nope.mrc"], ["catalog.csv", "--format", "marc"]):
        done = pustaka(tmp_path, "catalog", "import", *args)
        assert done.returncode == 2
        assert done.stderr.startswith("pustaka: ")
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "pustaka.db").exists()


def test_import_help_documents_the_csv_columns(tmp_path: Path) -> None:
    """`catalog import --help` lists the CSV columns with their Indonesian names."""
    done = pustaka(tmp_path, "catalog", "import", "--help")
    assert done.returncode == 0
    for words in ("title", "judul", "pengarang", "on_loan", "dipinjam", "slims-csv"):
        assert words in done.stdout


def test_harvest_then_a_failing_endpoint(tmp_path: Path) -> None:
    """A harvest prints its summary; the next one says "since"; a 404 is one line, exit 2."""
    with FakeOAI(page_size=1) as oai:
        oai.add(FakeRecord("oai:p:1", "2026-01-02", dc("Bumi manusia")))
        oai.add(FakeRecord("oai:p:2", "2026-01-03", dc("Laskar pelangi")))
        done = pustaka(tmp_path, "catalog", "harvest", oai.url)
        assert done.returncode == 0, done.stderr
        assert f"Harvesting everything from {oai.url} (oai_dc)." in done.stdout
        assert counts(done.stdout)["added"] == 2
        again = pustaka(tmp_path, "catalog", "harvest", oai.url)
        assert again.returncode == 0, again.stderr
        assert "changes since 2026-01-05" in again.stdout
        assert oai.requests[-1]["from"] == "2026-01-05"
        missing = pustaka(tmp_path, "catalog", "harvest", oai.url.replace("oai2", "oai"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"pustaka: {oai.url.replace('oai2', 'oai')} answered HTTP 404 Not Found"
    ]


def test_harvest_from_must_be_a_date(tmp_path: Path) -> None:
    """--from 5/1/2026 is refused as a usage error before anything is fetched."""
    done = pustaka(tmp_path, "catalog", "harvest", "http://127.0.0.1:9/oai", "--from", "5/1/2026")
    assert done.returncode == 2
    assert "YYYY-MM-DD" in done.stderr


def test_output_keeps_its_order_in_one_file(tmp_path: Path) -> None:
    """Both streams into one pipe: the harvest's first line, its progress bar, then the summary."""
    with FakeOAI(page_size=1) as oai:
        oai.add(FakeRecord("oai:p:1", "2026-01-02", dc("Bumi manusia")))
        done = pustaka(tmp_path, "catalog", "harvest", oai.url, merged=True)
    lines = [line for line in done.stdout.splitlines() if " INFO " not in line]
    assert lines[0] == f"Harvesting everything from {oai.url} (oai_dc)."
    assert lines[1].startswith("Harvesting ━") and "1 records" in lines[1]
    assert lines[2] == f"Harvested {oai.url}:"
    export = str(FIXTURES / "slims_export.csv")
    imported = pustaka(tmp_path, "catalog", "import", export, merged=True)
    lines = [line for line in imported.stdout.splitlines() if " INFO " not in line]
    assert lines[0].startswith("Importing slims_export.csv ━")
    assert lines[1] == "Imported slims_export.csv (SLiMS CSV):"


def test_sources_are_listed_and_removed(tmp_path: Path) -> None:
    """`catalog sources` counts books and copies; `catalog remove` takes one source away."""
    pustaka(tmp_path, "catalog", "import", str(FIXTURES / "slims_export.csv"))
    listed = pustaka(tmp_path, "catalog", "sources")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["slims", "4", "books", "6", "copies"]
    removed = pustaka(tmp_path, "catalog", "remove", "slims")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("Removed 'slims': 4 books and their copies.")
    empty = pustaka(tmp_path, "catalog", "sources")
    assert "The catalog is empty" in empty.stdout
    unknown = pustaka(tmp_path, "catalog", "remove", "koha")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "pustaka: no books come from 'koha'; sources: none"


def test_config_may_come_after_the_command(tmp_path: Path) -> None:
    """`pustaka catalog import FILE --config x.toml`, as librarians type it: the database of
    that configuration is the one written."""
    done = pustaka(
        tmp_path, "catalog", "import", str(FIXTURES / "slims_export.csv"), config_last=True
    )
    assert done.returncode == 0, done.stderr
    assert counts(done.stdout)["added"] == 4
    listed = pustaka(tmp_path, "catalog", "sources", config_last=True)
    assert "slims" in listed.stdout and "4 books" in listed.stdout


def test_library_warnings_are_lines_of_the_summary_not_terminal_noise(tmp_path: Path) -> None:
    """pymarc's warning about a subfield code that is not ASCII is a note in the summary;
    nothing on the terminal names a Python file or a warning class."""
    raw = KOHA[0].as_marc().replace(b"\x1faSastra Indonesia.", b"\x1f\xe9Sastra Indonesia.")
    path = tmp_path / "odd.mrc"
    path.write_bytes(raw)
    done = pustaka(tmp_path, "catalog", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "Notes:\n  record 1: MARC warning: The subfield contained a non-ASCII" in done.stdout
    assert ".py:" not in done.stderr and "Warning" not in done.stderr


def test_a_marc_file_in_another_encoding_is_refused_then_imported_with_it(tmp_path: Path) -> None:
    """Windows-1251 under MARC-8 leaders: exit 2 naming the encoding; --encoding cp1251
    imports it with the title right."""
    path = tmp_path / "letopisi.mrc"
    path.write_bytes(chronicle("r1", "cp1251"))
    refused = pustaka(tmp_path, "catalog", "import", str(path))
    assert refused.returncode == 2
    assert "Windows-1251 (Cyrillic)" in refused.stderr
    assert "--encoding cp1251" in refused.stderr
    done = pustaka(tmp_path, "catalog", "import", str(path), "--encoding", "cp1251")
    assert done.returncode == 0, done.stderr
    assert counts(done.stdout)["added"] == 1
    titles = rows(tmp_path / "pustaka.db", "SELECT title FROM books")
    assert titles == [("Ипатьевская летопись",)]
