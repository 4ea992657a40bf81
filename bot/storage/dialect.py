"""The SQLite SQL that features write, translated for PostgreSQL.

Features and migrations are written once, in the SQLite subset listed in docs/architecture.md
("Both engines"); the PostgreSQL store passes every statement through `translate` (cached, so a
statement is translated once). What it rewrites:

- ``?`` placeholders → ``$1, $2 …`` and ``?NNN`` → ``$NNN`` (never inside a string, a quoted
  name or a comment);
- ``INSERT OR IGNORE`` → ``INSERT … ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE`` → ``INSERT …
  ON CONFLICT (primary key) DO UPDATE`` of the other columns inserted;
- in ``CREATE TABLE``/``ALTER TABLE``: ``INTEGER PRIMARY KEY`` → ``BIGINT PRIMARY KEY`` with a
  trigger that gives it SQLite's rowid when none is inserted (the largest + 1), other
  ``INTEGER`` → ``BIGINT``, ``REAL`` →
  ``DOUBLE PRECISION``, ``BLOB`` → ``BYTEA``, ``WITHOUT ROWID`` dropped;
  ``CAST(… AS INTEGER)`` → ``BIGINT``; elsewhere ``CAST(text AS BLOB)`` → its UTF-8 bytes
  (``convert_to``: ``length`` of them counts bytes, as SQLite's does);
- ``x IS ?`` / ``x IS NOT ?`` → ``IS [NOT] DISTINCT FROM`` (SQLite's ``IS`` compares with NULL);
- ``LIKE`` → ``ILIKE`` (SQLite's LIKE ignores ASCII case), ``ifnull`` → ``coalesce``,
  ``group_concat`` → ``string_agg``, ``instr`` → ``strpos``, ``temp.table`` → ``pg_temp.table``,
  ``json_extract(col, '$.a.b')`` → ``col::jsonb #>> '{a,b}'`` (its text: compare it with
  text), ``datetime('now')`` → the same UTC text from ``now()``;
- ``books_fts MATCH ?`` → the full-text index's tsvector ``@@`` the FTS5 query turned into a
  tsquery (`fts_query`; only the FTS5 subset Pustaka writes: quoted terms, ``*`` prefixes,
  phrases, ``OR``, ``column : (…)``).

What cannot be translated honestly raises `Untranslatable`: ``UPDATE OR IGNORE``, ``PRAGMA``,
``GLOB``, virtual tables. A migration needing those has a PostgreSQL file of its own
(``NNNN_name.postgresql.sql`` beside ``NNNN_name.sql``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

FTS_COLUMNS = ("title", "authors", "subjects", "description")
_WEIGHT = dict(zip(FTS_COLUMNS, "ABCD", strict=True))
"""Each indexed column is one weight of the tsvector: ``column : (…)`` becomes a weight filter."""

PrimaryKeys = Callable[[str], "tuple[str, ...] | None"]


class Untranslatable(ValueError):
    """SQLite SQL that has no honest PostgreSQL translation."""


@dataclass(frozen=True, slots=True)
class Translated:
    sql: str
    fts_params: tuple[int, ...] = ()
    """Positions (0-based) of parameters holding an FTS5 query, to pass through `fts_query`."""
    after: tuple[str, ...] = ()
    """Statements to run right after it (a new table's rowid trigger)."""


_TOKEN = re.compile(
    r"""'(?:[^']|'')*'      # a string
      | "(?:[^"]|"")*"      # a quoted name
      | --[^\n]*            # a comment to the end of the line
      | /\*.*?\*/           # a block comment
      | \?\d*               # a placeholder: ? or ?NNN
      | ;                   # the end of a statement
      | [^'"?;/-]+          # anything else, in runs
      | .                   # a lone / or -
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(sql: str) -> Iterator[str]:
    for match in _TOKEN.finditer(sql):
        yield match.group()


def _is_code(token: str) -> bool:
    return not (token[0] in "'\"" or token.startswith(("--", "/*")))


def split_statements(script: str) -> list[str]:
    """The statements of a script, without empty ones (``;`` inside strings is kept)."""
    statements, current = [], []
    for token in _tokens(script):
        if token == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(token)
    statements.append("".join(current))
    return [s for s in statements if _code_of(s).strip()]


def _code_of(sql: str) -> str:
    """`sql` with its strings, quoted names and comments blanked out: the same length, so a
    position found in it is that position in `sql`."""
    return "".join(t if _is_code(t) else " " * len(t) for t in _tokens(sql))


_JSON_EXTRACT = re.compile(r"\bjson_extract\(\s*([\w.]+)\s*,\s*'\$((?:\.\w+|\[\d+\])+)'\s*\)", re.I)
_NOW = re.compile(r"\bdatetime\(\s*'now'\s*\)", re.I)
_DDL = re.compile(r"^\s*(CREATE\s+TABLE|ALTER\s+TABLE)\b", re.I)
_INSERT_OR = re.compile(r"\bINSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)", re.I)
_REFUSED = re.compile(r"\b(UPDATE\s+OR\s+\w+|PRAGMA|GLOB|CREATE\s+VIRTUAL\s+TABLE)\b", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)
_MATCH = re.compile(r"(\w+)\s+MATCH\s*$", re.I)
_IS = re.compile(r"\bIS(\s+NOT)?\s*$", re.I)
_CODE_RULES = (
    (re.compile(r"\bCAST\s*\((.*?)\bAS\s+INTEGER\s*\)", re.I | re.S), r"CAST(\1AS BIGINT)"),
    (re.compile(r"\bNOT\s+LIKE\b", re.I), "NOT ILIKE"),
    (re.compile(r"(?<!NOT )\bLIKE\b", re.I), "ILIKE"),
    (re.compile(r"\bifnull\s*\(", re.I), "coalesce("),
    (re.compile(r"\binstr\s*\(", re.I), "strpos("),
    (re.compile(r"(?<![.\w])temp\.(?=\w)", re.I), "pg_temp."),
    (re.compile(r"\bCAST\s*\(([^()]*?)\s*\bAS\s+BLOB\s*\)", re.I), r"convert_to(\1, 'UTF8')"),
    (re.compile(r"\bBEGIN\s+IMMEDIATE\b", re.I), "BEGIN"),
)
_DDL_RULES = (
    (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\b", re.I), "BIGINT PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
    (re.compile(r"\bWITHOUT\s+ROWID\b", re.I), ""),
)


def translate(sql: str, primary_keys: PrimaryKeys | None = None) -> Translated:
    """One SQLite statement as PostgreSQL (see the module's docstring)."""
    code = _code_of(sql)
    refused = _REFUSED.search(code)
    if refused:
        raise Untranslatable(f"{refused[1].upper()} has no PostgreSQL translation: {sql.strip()}")
    sql = _NOW.sub("to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", sql)
    sql = _JSON_EXTRACT.sub(lambda m: f"(({m[1]})::jsonb #>> '{{{_json_path(m[2])}}}')", sql)
    ddl = bool(_DDL.match(code))
    conflict = ""
    insert_or = _INSERT_OR.search(code)
    if insert_or:
        conflict = _conflict_clause(sql, insert_or[1].upper(), insert_or[2], primary_keys)
    out: list[str] = []
    fts: list[int] = []
    count = 0
    for token in _tokens(sql):
        if token[0] == "?":
            number = int(token[1:]) if len(token) > 1 else count + 1
            recent = min(4, len(out))  # what precedes it: enough for "x MATCH ", "x IS NOT "
            before = "".join(out[len(out) - recent :])
            match = _MATCH.search(before)
            negated = _IS.search(before)
            if match:
                del out[len(out) - recent :]
                out.append(f"{before[: match.start()]}{match[1]}.document @@ ")
                out.append(f"CAST(${number} AS tsquery)")
                fts.append(number - 1)
            else:
                if negated:
                    distinct = "IS DISTINCT FROM" if negated[1] else "IS NOT DISTINCT FROM"
                    del out[len(out) - recent :]
                    out.append(f"{before[: negated.start()]}{distinct} ")
                out.append(f"${number}")
            count = max(count, number)
            continue
        if _is_code(token) and token != ";":
            for pattern, replacement in _CODE_RULES + (_DDL_RULES if ddl else ()):
                token = pattern.sub(replacement, token)
        out.append(token)
    text = "".join(out)
    if insert_or:
        text = _INSERT_OR.sub(lambda m: f"INSERT INTO {m[2]}", text, count=1)
        returning = _last_code_match(text, _RETURNING)
        if returning is None:
            text = text.rstrip().rstrip(";") + conflict
        else:
            text = f"{text[:returning]}{conflict.strip()} {text[returning:]}"
    text = _TYPED_NULL_TEST.sub(r"CAST(\1 AS TEXT)\2", text)
    text = _group_concat(_alias_subqueries(text))
    return Translated(_qualify_upsert(text), tuple(fts), _rowid_trigger(code))


_GROUP_CONCAT = re.compile(r"\bgroup_concat\s*\(", re.I)


def _group_concat(sql: str) -> str:
    """``group_concat(x)`` → ``string_agg(CAST(x AS TEXT), ',')``; a separator given is kept."""
    while found := _GROUP_CONCAT.search(_code_of(sql)):
        code = _code_of(sql)
        depth, comma, end = 0, None, None
        for index in range(found.end() - 1, len(code)):
            depth += {"(": 1, ")": -1}.get(code[index], 0)
            if code[index] == "," and depth == 1 and comma is None:
                comma = index
            if depth == 0:
                end = index
                break
        if end is None:
            raise Untranslatable(f"group_concat without its closing parenthesis: {sql.strip()}")
        value = sql[found.end() : comma if comma is not None else end]
        separator = sql[comma + 1 : end] if comma is not None else " ','"
        sql = f"{sql[: found.start()]}string_agg(CAST({value} AS TEXT),{separator}){sql[end + 1 :]}"
    return sql


_TYPED_NULL_TEST = re.compile(r"(\$\d+)(\s+IS\s+(?:NOT\s+)?NULL\b)", re.I)
"""``? IS NULL``: PostgreSQL needs the parameter's type, which nothing else in it tells."""


_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
_ROWID = re.compile(r"[(,]\s*(\w+)\s+INTEGER\s+PRIMARY\s+KEY\b", re.I)


def _rowid_trigger(code: str) -> tuple[str, ...]:
    """SQLite's ``INTEGER PRIMARY KEY`` column is the rowid: given no value, it takes the
    largest + 1 (the function ``pustaka_rowid``, bot/storage/postgres.py)."""
    table = _CREATE_TABLE.match(code)
    column = _ROWID.search(code)
    if table is None or column is None:
        return ()
    return (
        f"CREATE TRIGGER pustaka_rowid BEFORE INSERT ON {table[1]}"
        f" FOR EACH ROW EXECUTE FUNCTION pustaka_rowid('{column[1]}')",
    )


_UPSERT = re.compile(
    r"^\s*INSERT\s+INTO\s+(\w+).*?\bDO\s+UPDATE\s+SET\b(.*?)(?=\bWHERE\b|\bRETURNING\b|$)",
    re.I | re.S,
)
_ASSIGNED = re.compile(r"(?:^|,)\s*(\w+)\s*=", re.S)


def _qualify_upsert(sql: str) -> str:
    """In ``ON CONFLICT … DO UPDATE SET uses = uses + excluded.uses`` SQLite reads a bare
    column as the existing row's; PostgreSQL calls it ambiguous: name the table."""
    match = _UPSERT.match(_code_of(sql))
    if match is None:
        return sql
    table, start, end = match[1], match.start(2), match.end(2)
    assignments = sql[start:end]
    columns = set(_ASSIGNED.findall(assignments))
    if not columns:
        return sql

    def qualify(found: re.Match[str]) -> str:
        return f"{table}.{found[0]}" if found[0] in columns else found[0]

    parts = re.split(r"(,\s*\w+\s*=)", assignments)
    qualified = "".join(  # the separators (odd parts) hold the targets: left as they are
        part if index % 2 else re.sub(r"(?<![.\w'])\b\w+\b(?!\s*=(?!=))", qualify, part)
        for index, part in enumerate(parts)
    )
    return sql[:start] + qualified + sql[end:]


_FROM_PAREN = re.compile(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH|VALUES)\b", re.I)
_ALIASED = re.compile(
    r"\s*(AS\b|(?!(WHERE|ORDER|GROUP|LIMIT|UNION|JOIN|ON|LEFT|INNER|CROSS"
    r"|HAVING|OFFSET|EXCEPT|INTERSECT|RETURNING)\b)[A-Za-z_])",
    re.I,
)


def _alias_subqueries(sql: str) -> str:
    """PostgreSQL before 16 wants a name for each subquery in FROM; SQLite does not."""
    code = _code_of(sql)
    ends = []
    for match in _FROM_PAREN.finditer(code):
        depth = 0
        for index in range(code.index("(", match.start()), len(code)):
            depth += {"(": 1, ")": -1}.get(code[index], 0)
            if depth == 0:
                if not _ALIASED.match(code, index + 1):
                    ends.append(index + 1)
                break
    for number, end in enumerate(sorted(ends, reverse=True)):
        sql = f"{sql[:end]} AS _subquery{number}{sql[end:]}"
    return sql


def _json_path(path: str) -> str:
    """``.a[0].b`` → ``a,0,b``: a JSON path as PostgreSQL's ``#>>`` takes it."""
    return ",".join(re.findall(r"\w+", path))


def _last_code_match(sql: str, pattern: re.Pattern[str]) -> int | None:
    found = list(pattern.finditer(_code_of(sql)))
    return found[-1].start() if found else None


_COLUMNS = re.compile(r"\bINTO\s+\w+\s*\(([^)]*)\)", re.I)


def _conflict_clause(sql: str, verb: str, table: str, primary_keys: PrimaryKeys | None) -> str:
    if verb == "IGNORE":
        return " ON CONFLICT DO NOTHING"
    keys = primary_keys(table) if primary_keys else None
    columns = _COLUMNS.search(_code_of(sql))
    if not keys or columns is None:
        raise Untranslatable(
            f"INSERT OR REPLACE INTO {table} needs its column list and a primary key: {sql.strip()}"
        )
    names = [c.strip() for c in columns[1].split(",")]
    rest = [c for c in names if c not in keys]
    if not rest:
        return f" ON CONFLICT ({', '.join(keys)}) DO NOTHING"
    updates = ", ".join(f"{c} = excluded.{c}" for c in rest)
    return f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"


_FTS_TOKEN = re.compile(r'"((?:[^"]|"")*)"(\*)?|(\w+)\s*:|(\()|(\))|\b(OR|AND|NOT)\b|(\w+)(\*)?')


def fold(text: str) -> list[str]:
    """Words as FTS5's ``unicode61 remove_diacritics 2`` tokenizer sees them: lower case,
    accents removed, split at anything not a letter or a digit."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain)


def fts_query(expression: str) -> str:
    """An FTS5 query (the subset Pustaka writes) as PostgreSQL tsquery text."""
    out: list[str] = []
    weight = ""
    depth_of_filter: int | None = None
    depth = 0
    need_operator = False
    for match in _FTS_TOKEN.finditer(expression):
        quoted, star, column, opened, closed, operator, bare, bare_star = match.groups()
        if column is not None:
            if column.lower() not in _WEIGHT:
                raise Untranslatable(f"no indexed column {column!r} in {expression!r}")
            weight = _WEIGHT[column.lower()]
            depth_of_filter = depth
            continue
        if opened:
            if need_operator:
                out.append("&")
            out.append("(")
            depth += 1
            need_operator = False
            continue
        if closed:
            out.append(")")
            depth -= 1
            if depth_of_filter is not None and depth == depth_of_filter:
                weight, depth_of_filter = "", None
            need_operator = True
            continue
        if operator:
            out.append({"OR": "|", "AND": "&", "NOT": "& !"}[operator])
            need_operator = False
            continue
        words = fold(quoted.replace('""', '"') if quoted is not None else bare)
        prefix = bool(star if quoted is not None else bare_star)
        if not words:
            words = ["\u0000"]  # matches nothing, as FTS5's empty phrase does
        label = ("*" if prefix else "") + weight
        lexemes = [f"'{w}'" + (f":{weight}" if weight else "") for w in words]
        if label:
            lexemes[-1] = f"'{words[-1]}':{label}"
        if need_operator:
            out.append("&")
        out.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
        need_operator = True
        if depth_of_filter is not None and depth == depth_of_filter:
            weight, depth_of_filter = "", None  # ``column : word`` filters that word only
    return " ".join(out)
