"""The bundled sample catalog: real books in `data/catalog/*.toml`, with invented holdings.

Each file holds one `[[book]]` table per book (see the comment at the top of
`data/catalog/indonesia.toml` for the format). Every file is validated against a small schema and
all problems are reported together, so a librarian fixing a file sees everything at once.

The books are real; the sample library's copies are invented. They are generated
deterministically, so every run and every test sees the same shelf. With
`h = zlib.crc32(f"{title}|{first author}".encode())`:

* number of copies: `1 + h % 3`;
* call number: `"{ddc} {AUT} {t}"`, where ddc is `899.221` for Indonesian-language books and
  `800` for others, AUT the first three letters of the first author's last name (upper case)
  and t the first letter of the title (lower case), e.g. `899.221 TOE b`;
* barcode of copy i (0-based) of the k-th book loaded (from 0, files in name order):
  `f"B{10000 + k:05d}-{i + 1}"`, so no two books share one;
* location: "Rak Sastra" if a subject mentions literature, fiction or poetry, else "Rak Umum";
* status of copy i: on loan if `(h >> (4 + i)) % 4 == 0`, due `today + 1 + (h >> 8) % 14` days
  (so always in the future); otherwise not for loan if `h % 23 == 0` and it is the first copy;
  otherwise available.
"""

from __future__ import annotations

import re
import tomllib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.catalog.records import Copy, CopyStatus, Record, normalize_isbn

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "catalog"
SOURCE = "sample"
EDITOR = " (ed.)"


class SampleError(Exception):
    """A bundled catalog file is broken; the message lists every problem, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def sample_files() -> list[Path]:
    """Every bundled catalog file, sorted by name."""
    return sorted(SAMPLE_DIR.glob("*.toml"))


# --- the schema ---


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _texts(at_least: int) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        return isinstance(value, list) and len(value) >= at_least and all(map(_text, value))

    return check


def _int_between(low: int, high: int) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    return check


_LANGUAGE = re.compile(r"[a-z]{2}")


def _language(value: object) -> bool:
    return isinstance(value, str) and _LANGUAGE.fullmatch(value) is not None


def _isbns(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, str) and normalize_isbn(item) is not None for item in value
    )


@dataclass(frozen=True, slots=True)
class _Rule:
    check: Callable[[object], bool]
    problem: str
    required: bool = False


_SCHEMA: dict[str, _Rule] = {
    "title": _Rule(_text, "title must be a non-empty string", required=True),
    "authors": _Rule(
        _texts(1), "authors must be a non-empty list of non-empty strings", required=True
    ),
    # An edited work names its editors instead of (or besides) authors; they are listed with
    # EDITOR after their names, as a card shows them: "Sartono Kartodirdjo (ed.)".
    "editors": _Rule(_texts(1), "editors must be a non-empty list of non-empty strings"),
    "year": _Rule(_int_between(1000, 2100), "year must be an integer between 1000 and 2100"),
    "language": _Rule(_language, "language must be a two-letter lowercase ISO 639-1 code"),
    "publisher": _Rule(_text, "publisher must be a non-empty string"),
    "pages": _Rule(_int_between(1, 10000), "pages must be an integer between 1 and 10000"),
    "subjects": _Rule(
        _texts(2), "subjects must be a list of at least 2 non-empty strings", required=True
    ),
    "description": _Rule(_text, "description must be a non-empty string"),
    "isbn": _Rule(_isbns, "isbn must be a list of valid ISBN-10 or ISBN-13 strings"),
}


def _book_problems(book: dict[str, Any]) -> list[str]:
    problems = [f"unknown key {key!r}" for key in book if key not in _SCHEMA]
    for key, rule in _SCHEMA.items():
        if key not in book:
            if rule.required and not (key == "authors" and "editors" in book):
                problems.append(f"{key} is required")
        elif not rule.check(book[key]):
            problems.append(rule.problem)
    return problems


# --- loading ---


def load_sample(paths: Sequence[Path] | None = None, *, today: date) -> list[Record]:
    """Load and validate catalog files (default: every bundled one) into records with copies.

    Raises SampleError listing every problem in every file if anything is wrong, including a
    book (same title and first author, ignoring case) that appears twice across the files.
    """
    problems: list[str] = []
    records: list[Record] = []
    seen: dict[tuple[str, str], str] = {}
    for path in sample_files() if paths is None else paths:
        for n, book in _books(path, problems):
            title = book.get("title")
            label = f"{path.name} book {n} ({title.strip() if _text(title) else 'untitled'})"
            book_problems = _book_problems(book)
            problems.extend(f"{label}: {problem}" for problem in book_problems)
            authors = book.get("authors", book.get("editors"))
            if _text(title) and _texts(1)(authors):
                key = (title.strip().casefold(), authors[0].strip().casefold())
                if key in seen:
                    problems.append(f"{label}: duplicate of {seen[key]}")
                else:
                    seen[key] = f"{path.name} book {n}"
            if not book_problems:
                records.append(_record(path.stem, n, book, today, len(records)))
    if problems:
        raise SampleError(problems)
    return records


def _books(path: Path, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """The file's books numbered from 1; file-level problems are added to `problems`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        problems.append(f"{path.name}: cannot be read: {err.strerror or err}")
        return []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        problems.append(f"{path.name}: not valid TOML: {err}")
        return []
    problems.extend(f"{path.name}: unknown top-level key {key!r}" for key in data if key != "book")
    books = data.get("book")
    if not isinstance(books, list) or not books:
        problems.append(f"{path.name}: no [[book]] tables")
        return []
    numbered = []
    for n, book in enumerate(books, start=1):
        if isinstance(book, dict):
            numbered.append((n, book))
        else:
            problems.append(f"{path.name} book {n}: must be a [[book]] table")
    return numbered


def _record(stem: str, n: int, book: dict[str, Any], today: date, ordinal: int) -> Record:
    title = book["title"].strip()
    writers = tuple(author.strip() for author in book.get("authors", ()))
    editors = tuple(editor.strip() for editor in book.get("editors", ()))
    authors = writers + tuple(f"{editor}{EDITOR}" for editor in editors)
    subjects = tuple(subject.strip() for subject in book["subjects"])
    language = book.get("language")
    isbns: list[str] = []
    for raw in book.get("isbn", []):
        isbn = normalize_isbn(raw)
        if isbn is not None and isbn not in isbns:
            isbns.append(isbn)
    return Record(
        source=SOURCE,
        source_id=f"{stem}:{n}",
        title=title,
        authors=authors,
        subjects=subjects,
        description=book.get("description", "").strip(),
        language=language,
        year=book.get("year"),
        isbns=tuple(isbns),
        publisher=book.get("publisher"),
        cover=None,
        pages=book.get("pages"),
        copies=_copies(
            title, (writers or editors)[0], language, subjects, today, f"B{10000 + ordinal:05d}"
        ),
    )


# --- invented holdings ---

_LITERARY = ("sastra", "literature", "fiction", "puisi", "poetry")


def _copies(
    title: str,
    author: str,
    language: str | None,
    subjects: Sequence[str],
    today: date,
    barcode: str,
) -> tuple[Copy, ...]:
    h = zlib.crc32(f"{title}|{author}".encode())
    ddc = "899.221" if language == "id" else "800"
    call_number = f"{ddc} {_author_mark(author)} {_title_mark(title)}"
    literary = any(word in subject.casefold() for subject in subjects for word in _LITERARY)
    location = "Rak Sastra" if literary else "Rak Umum"
    copies = []
    for i in range(1 + h % 3):
        due = None
        if (h >> (4 + i)) % 4 == 0:
            status = CopyStatus.ON_LOAN
            due = today + timedelta(days=1 + (h >> 8) % 14)
        elif h % 23 == 0 and i == 0:
            status = CopyStatus.NOT_FOR_LOAN
        else:
            status = CopyStatus.AVAILABLE
        copies.append(
            Copy(
                barcode=f"{barcode}-{i + 1}",
                call_number=call_number,
                location=location,
                status=status,
                due=due,
            )
        )
    return tuple(copies)


def _author_mark(author: str) -> str:
    """First three letters of the last name: "Pramoedya Ananta Toer" → "TOE"."""
    last = "".join(c for c in author.split()[-1] if c.isalnum())
    return (last or "".join(c for c in author if c.isalnum()) or "X")[:3].upper()


def _title_mark(title: str) -> str:
    return next((c.lower() for c in title if c.isalnum()), "x")
