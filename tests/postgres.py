"""A throwaway PostgreSQL server from the system's binaries, for `make test-postgres`.

    python -m tests.postgres [COMMAND …]

initdb in a temporary folder, pg_ctl start on a free loopback port (its socket in that folder
too), COMMAND run with ``PUSTAKA_TEST_POSTGRES`` set to the server's URL (the test fixtures then
give each test a fresh database of its own: tests/conftest.py), then the server is stopped and
the folder removed, whatever COMMAND did. Without COMMAND the server's URL is printed and it runs
until Ctrl-C. Exits 3 when no PostgreSQL binaries are found (Debian: apt install postgresql).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NO_BINARIES = 3
_SEARCH = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's versioned folder."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    for folder in _SEARCH:
        if (Path(folder) / "pg_ctl").exists() and (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unprivileged() -> dict[str, object]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user (or nobody)."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    raise PermissionError("running as root and no postgres or nobody user to run PostgreSQL as")


@contextmanager
def server(
    folder: Path | None = None, data: Path | None = None, shared_buffers: str = "64MB"
) -> Iterator[str]:
    """A running server's URL (superuser ``postgres``, no password, loopback only). Its data
    folder is thrown away afterwards, unless `data` names one to keep (made when missing, used
    again next time: a benchmark's cached catalog)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL binaries (initdb, pg_ctl)")
    with tempfile.TemporaryDirectory(prefix="pustaka-pg-", dir=folder) as temp:
        as_user = _unprivileged()
        if as_user:
            os.chown(temp, int(as_user["user"]), int(as_user["group"]))  # type: ignore[call-overload]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True, **as_user}
        if data is None or not (data / "PG_VERSION").exists():
            if data is None:
                data = Path(temp) / "data"
            else:
                data.mkdir(parents=True, exist_ok=True)
                if as_user:
                    os.chown(data, int(as_user["user"]), int(as_user["group"]))  # type: ignore[call-overload]
            subprocess.run(
                [bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync"],
                **quiet,  # type: ignore[arg-type]
            )  # fmt: skip
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={temp}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            f" -c max_connections=300 -c shared_buffers={shared_buffers}"
        )
        log = Path(temp) / "server.log"
        subprocess.run(
            [bin_dir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start"],
            **quiet,  # type: ignore[arg-type]
        )
        kept = not data.is_relative_to(temp)
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(  # a kept folder is checkpointed, so that it starts again at once
                [
                    bin_dir / "pg_ctl",
                    "-D",
                    data,
                    "-m",
                    "fast" if kept else "immediate",
                    "-w",
                    "stop",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                **as_user,  # type: ignore[arg-type]
            )


def _stop(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through server(), which stops PostgreSQL


def main(argv: list[str]) -> int:
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _stop)  # also when started in the background, where SIGINT is off
    if binaries() is None:
        print("PostgreSQL binaries (initdb, pg_ctl) not found: skipped.", file=sys.stderr)
        return NO_BINARIES
    with server() as url:
        print(f"PostgreSQL 15 test server at {url}", file=sys.stderr)
        if not argv:
            signal.pause()
            return 0
        return subprocess.run(argv, env={**os.environ, "PUSTAKA_TEST_POSTGRES": url}).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
