"""A catalog file is its source's whole catalog: edits found by barcode, deletions removed,
a mass removal refused unless asked for, a part of a catalog imported with --partial."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.importers.base import edited, stable_id
from bot.catalog.reconcile import MassRemovalRefused, reconcile
from bot.catalog.records import Copy, Record
from bot.catalog.store import Catalog
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests import databases
from tests.bot.catalog.test_import_cli import FIXTURES, counts, pustaka

EXPORT = FIXTURES / "slims_full_export.csv"


def export(path: Path, *, fix_typo: bool = False, drop: tuple[str, ...] = ()) -> Path:
    """The fixture exported again after the librarian's changes in SLiMS."""
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    if fix_typo:
        lines = [line.replace('"Ronggeng dukuh paru"', '"Ronggeng dukuh paruk"') for line in lines]
    lines = [line for line in lines if not any(line.startswith(f'"{t}') for t in drop)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def books(directory: Path) -> list[tuple[str, str]]:
    rows = databases.rows(
        directory / "pustaka.db",
        "SELECT title, group_concat(barcode) FROM books JOIN copies ON book_id = books.id"
        " GROUP BY books.id ORDER BY title",
    )
    return [(str(row[0]), str(row[1])) for row in rows]


def test_a_corrected_title_is_an_edit_and_a_deleted_record_goes(tmp_path: Path) -> None:
    """SLiMS exports no record id: the corrected title keeps its book (found by its barcodes),
    and the record deleted in SLiMS is removed from the catalog."""
    first = pustaka(tmp_path, "catalog", "import", str(EXPORT))
    assert first.returncode == 0, first.stderr
    assert counts(first.stdout)["added"] == 10
    again = export(tmp_path / "biblio.csv", fix_typo=True, drop=("Atheis",))
    done = pustaka(tmp_path, "catalog", "import", str(again))
    assert done.returncode == 0, done.stderr
    assert counts(done.stdout) == dict(added=0, updated=1, unchanged=8, removed=1, skipped=0)
    found = books(tmp_path)
    assert ("Ronggeng dukuh paruk", "T0008,T0009") in found
    assert not [title for title, _ in found if title in ("Ronggeng dukuh paru", "Atheis")]
    assert len(found) == 9
    steady = pustaka(tmp_path, "catalog", "import", str(again))
    assert counts(steady.stdout) == dict(added=0, updated=0, unchanged=9, removed=0, skipped=0)


def test_removing_more_than_a_fifth_at_once_is_refused_with_the_counts(tmp_path: Path) -> None:
    """A file cut short after three books: they are imported, nothing is removed and the
    librarian is told why (exit 1); --partial imports a part on purpose; --allow-mass-removal
    removes them."""
    assert pustaka(tmp_path, "catalog", "import", str(EXPORT)).returncode == 0
    cut = tmp_path / "cut.csv"
    cut.write_text(
        "\n".join(EXPORT.read_text(encoding="utf-8").splitlines()[:4]) + "\n", encoding="utf-8"
    )
    refused = pustaka(tmp_path, "catalog", "import", str(cut))
    assert refused.returncode == 1
    assert counts(refused.stdout)["removed"] == 0
    assert (
        "Nothing removed: 7 of the 10 books of 'slims' (70%) are not in it; removing more than"
        " 20% at once needs --allow-mass-removal." in refused.stdout
    )
    assert len(books(tmp_path)) == 10
    partial = pustaka(tmp_path, "catalog", "import", str(cut), "--partial")
    assert partial.returncode == 0, partial.stdout
    assert counts(partial.stdout)["removed"] == 0
    allowed = pustaka(tmp_path, "catalog", "import", str(cut), "--allow-mass-removal")
    assert allowed.returncode == 0, allowed.stdout
    assert counts(allowed.stdout)["removed"] == 7
    assert [title for title, _ in books(tmp_path)] == [
        "Anak semua bangsa",
        "Bumi manusia",
        "Jejak langkah",
    ]


def test_the_share_allowed_is_configured_in_the_catalog_section(tmp_path: Path) -> None:
    """[catalog] max_removal_percent = 80 lets a file without five of the ten books remove
    them."""
    assert pustaka(tmp_path, "catalog", "import", str(EXPORT)).returncode == 0
    cut = export(tmp_path / "cut.csv", drop=("Rumah", "Laskar", "Ronggeng", "Saman", "Atheis"))
    done = pustaka(
        tmp_path, "catalog", "import", str(cut), extra="[catalog]\nmax_removal_percent = 80\n"
    )
    assert done.returncode == 0, done.stdout
    assert counts(done.stdout)["removed"] == 5


async def test_what_members_had_on_a_removed_book_follows_the_same_book_kept(
    tmp_path: Path,
) -> None:
    """A record that gained an id (001) arrives as a new book and the old one goes: a member's
    note on the old one follows it by ISBN, in the same source. Above the share nothing goes."""
    store = await Store.open(tmp_path / "catalog.db")
    try:
        await _follow(store)
    finally:
        await store.close()


async def _follow(store: Store) -> None:
    await store.execute(
        "CREATE TABLE notes (member INTEGER NOT NULL,"
        " book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE)"
    )
    catalog = Catalog(store, FakeClock())
    isbn = ("9789799731234",)
    author = ("Pramoedya Ananta Toer",)
    await catalog.upsert([Record("marc", "isbn:9789799731234", "Bumi manusia", author, isbns=isbn)])
    old = await store.fetchval("SELECT id FROM books")
    await store.execute("INSERT INTO notes VALUES (1, ?)", (old,))
    seen: dict[str, set[str]] = {}
    await catalog.upsert([Record("marc", "b1001", "Bumi manusia", author, isbns=isbn)], seen=seen)
    assert seen == {"marc": {"b1001"}}
    with pytest.raises(MassRemovalRefused) as refused:
        await reconcile(store, "marc", seen["marc"])
    assert (refused.value.counts.books, refused.value.counts.missing) == (2, 1)
    assert await store.fetchval("SELECT count(*) FROM books") == 2
    removal = await reconcile(store, "marc", seen["marc"], max_share=0.5)
    assert (removal.books, removal.followed, removal.dropped) == (1, 1, 0)
    new = await store.fetchval("SELECT id FROM books WHERE source_id = 'b1001'")
    rows = await store.fetchall("SELECT member, book_id FROM notes")
    assert [tuple(row) for row in rows] == [(1, new)]


async def test_a_barcode_on_a_wholly_different_book_is_not_an_edit(tmp_path: Path) -> None:
    """Only one of title, first author and year may change for a barcode to carry a book over:
    a copy re-catalogued under another book makes that one a new book."""
    store = await Store.open(tmp_path / "catalog.db")
    try:
        catalog = Catalog(store, FakeClock())

        def slims(title: str, author: str, year: int) -> Record:
            authors = (author,)
            return Record(
                "slims",
                stable_id(title, authors, year),
                title,
                authors,
                year=year,
                copies=(Copy("T0008"),),
            )

        await catalog.upsert([slims("Ronggeng dukuh paru", "Ahmad Tohari", 1982)])
        fixed = await catalog.upsert(
            [slims("Ronggeng dukuh paruk", "Ahmad Tohari", 1982)], match_barcodes=edited
        )
        assert (fixed.added, fixed.updated) == (0, 1)
        other = await catalog.upsert([slims("Saman", "Ayu Utami", 1998)], match_barcodes=edited)
        assert (other.added, other.updated) == (1, 0)
        rows = await store.fetchall("SELECT title FROM books ORDER BY id")
        assert [row[0] for row in rows] == ["Ronggeng dukuh paruk", "Saman"]
    finally:
        await store.close()


SHEET = (
    "judul;pengarang;tahun;no_panggil;kode_eksemplar;dipinjam\n"
    "Laskar pelangi;Andrea Hirata;2005;899.221 HIR l;B001; B002;1\n"
    "Cantik itu luka;Eka Kurniawan;2002;899.221 KUR c;B003;0\n"
    "Saman;Ayu Utami;1998;899.221 UTA s;B004;0\n"
    "Negeri 5 menara;Ahmad Fuadi;2009;899.221 FUA n;B005;0\n"
    "Bumi manusia;Pramoedya Ananta Toer;1980;899.221 TOE b;B006;0\n"
)


def test_a_spreadsheet_without_ids_finds_an_edit_by_its_barcodes(tmp_path: Path) -> None:
    """--format csv without an id column but with the copies' barcodes: a corrected title is
    the same book (its barcodes say so), not a new one beside an old one removed."""
    sheet = tmp_path / "katalog.csv"
    typo = SHEET.replace("B001; B002", '"B001;B002"').replace("Laskar pelangi", "Laskar pelagi")
    sheet.write_text(typo, encoding="utf-8")
    first = pustaka(tmp_path, "catalog", "import", str(sheet), "--format", "csv")
    assert first.returncode == 0, first.stderr
    assert counts(first.stdout)["added"] == 5
    assert "matched by title, first author and year and their copies' barcodes" in first.stdout
    assert ("Laskar pelagi", "B001,B002") in books(tmp_path)

    sheet.write_text(SHEET.replace("B001; B002", '"B001;B002"'), encoding="utf-8")
    again = pustaka(tmp_path, "catalog", "import", str(sheet), "--format", "csv")
    assert again.returncode == 0, again.stderr
    assert counts(again.stdout) == dict(added=0, updated=1, unchanged=4, removed=0, skipped=0)
    assert ("Laskar pelangi", "B001,B002") in books(tmp_path)
    assert len(books(tmp_path)) == 5


def test_copies_and_barcodes_that_disagree_are_skipped_with_the_reason(tmp_path: Path) -> None:
    sheet = tmp_path / "katalog.csv"
    sheet.write_text(
        "judul,eksemplar,kode_eksemplar\nSaman,3,B004;B005\nBumi manusia,,B006\n",
        encoding="utf-8",
    )
    done = pustaka(tmp_path, "catalog", "import", str(sheet), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "3 copies but 2 barcodes: which is right?" in done.stdout
    assert books(tmp_path) == [("Bumi manusia", "B006")]
