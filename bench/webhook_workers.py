"""Three `pustaka run` webhook workers on one PostgreSQL database behind nginx (issue 19).

    python bench/webhook_workers.py [--answers 1000] [--proxy auto|nginx|direct]

Real processes (`python -m bot run`, every feature loaded) in Telegram webhook mode, each on its
own loopback port, and the loopback fake Bot API (tests/fakes/telegram_api.py) for what they
send. Updates reach them as Telegram's would: POSTed to the webhook URL, 40 at a time, each sent
again after 0.2 s until it got a 200 (tests/fakes/telegram_webhook.py). With ``--proxy nginx``
(the default when an nginx binary is found) the URL is a real nginx, started from a
configuration written to a temporary folder (the upstream of README's "Scaling out"), listening
on a loopback port; with ``direct`` the sender spreads the updates over the workers' ports
itself.

A librarian starts a one-question quiz in a group; then ANSWERS members press an answer button
in one burst, timed from the first POST until the last press was acknowledged
(answerCallbackQuery). In one run:

1. one process on SQLite (behind the same proxy, one upstream);
2. three processes on one throwaway PostgreSQL database (tests/postgres.py);
3. the three again, another ANSWERS members, one worker killed with SIGKILL once a third of the
   presses were acknowledged: how many presses were lost (never recorded or never acknowledged),
   recorded twice or acknowledged twice, and how many POSTs were refused and sent again.

Prints the rates, the ratio of 2. to 1. (issue 19's target: ≥ 1.5×) and the counts of 3.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from cogs.quiz.packs import bundled_packs  # noqa: E402
from tests.fakes.telegram_api import BOT_USER, Call, FakeTelegram, group_chat, text_message, user  # noqa: E402
from tests.fakes.telegram_webhook import WebhookSender  # noqa: E402
from tests.postgres import binaries, server  # noqa: E402

GROUP = -100500
LIBRARIAN = 4004
SECRET = "rahasia-webhook-bench"
HOOK_PATH = "/telegram"

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{upstream}
    server {{
        listen 127.0.0.1:{port};
        location /telegram {{ proxy_pass http://pustaka_telegram; }}
    }}
}}
"""

UPSTREAM = """\
    upstream pustaka_telegram {{
{servers}
    }}
    # Each worker stores an update by its id before it answers 200, so an update nginx passes
    # to the next worker after the first was cut (a worker killed mid-request) is handled once.
    proxy_next_upstream error timeout non_idempotent;
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Nginx:
    """nginx in the foreground from a configuration in `folder`; stopped by its PID."""

    def __init__(self, ports: list[int]) -> None:
        # A folder of its own, readable by nginx's worker (which runs as nobody under root).
        folder = self.folder = Path(tempfile.mkdtemp(prefix="pustaka-nginx-"))
        folder.chmod(0o755)
        self.port = free_port()
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
        self.conf = folder / "nginx.conf"
        self.conf.write_text(
            NGINX_CONF.format(
                folder=folder, port=self.port, upstream=UPSTREAM.format(servers=servers)
            ),
            encoding="utf-8",
        )
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK_PATH}"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            nginx_binary() or "nginx",
            "-p",
            str(self.folder),
            "-c",
            str(self.conf),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await until_listening(self.port, within=10)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the master stops its worker
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


async def until_listening(port: int, within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


@dataclass
class Worker:
    process: asyncio.subprocess.Process
    port: int
    log: Path

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_worker(folder: Path, fake: FakeTelegram, database: str, number: int) -> Worker:
    """`python -m bot run` in webhook mode on a port of its own, once it listens."""
    home = folder / f"worker-{number}"
    home.mkdir()
    port = free_port()
    where = f'url = "{database}"' if database.startswith("postgresql") else f'path = "{database}"'
    (home / "config.toml").write_text(
        f'[telegram]\nbase_url = "{fake.base_url}"\nmode = "webhook"\n'
        f'webhook_url = "https://bot.perpustakaan.example/telegram"\nlisten = "127.0.0.1"\n'
        f'port = {port}\nsecret_token = "{SECRET}"\n'
        f"[database]\n{where}\n[catalog]\nsample = false\n[openlibrary]\nenabled = false\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PUSTAKA_TELEGRAM_TOKEN": fake.token}
    env.pop("PUSTAKA_CONFIG", None)
    log = home / "pustaka.log"
    hooks = len(fake.sent("setWebhook"))
    with log.open("wb") as out:
        profile = os.environ.get("PUSTAKA_BENCH_PROFILE")  # a folder: cProfile each worker
        profiled = ["-m", "cProfile", "-o", f"{profile}/worker-{number}-{port}.prof"]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *(profiled if profile else []),
            "-m",
            "bot",
            "run",
            cwd=home,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=out,
        )
    worker = Worker(process, port, log)
    try:
        await fake.wait_for("setWebhook", count=hooks + 1, within=120)
        await until_listening(port, within=30)
    except Exception:
        worker.kill()
        print(log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
        raise
    return worker


def press(data: str, member: int, message_id: int) -> dict[str, Any]:
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": group_chat(GROUP),
        "from": BOT_USER,
        "text": "Pertanyaan 1 dari 1",
    }
    return {
        "callback_query": {
            "id": f"cb-{member}",
            "from": user(member, f"Anggota {member}"),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
    }


def in_group(call: Call) -> bool:
    return int(call.params.get("chat_id") or 0) == GROUP


async def question(fake: FakeTelegram, sender: WebhookSender) -> Call:
    """A one-question quiz started in the group, again until its question has buttons."""
    librarian = user(LIBRARIAN, "Pustakawan")
    pack = bundled_packs()[0].key
    for _ in range(50):
        before = len([c for c in fake.sent() if in_group(c)])
        start = text_message(f"/quiz start {pack} 1 300", chat=group_chat(GROUP), sender=librarian)
        await sender.deliver([sender.update(start)])
        posted = await fake.wait_for("sendMessage", count=before + 2, within=60, where=in_group)
        if "reply_markup" in posted[-1].params:
            return posted[-1]
        stop = text_message("/quiz stop", chat=group_chat(GROUP), sender=librarian)
        await sender.deliver([sender.update(stop)])
        await fake.wait_for("sendMessage", count=before + 3, within=60, where=in_group)
    raise RuntimeError(f"no question with choices in {pack}")


@dataclass
class Burst:
    members: range
    seconds: float
    acknowledged: Counter[str]
    """callback id -> answerCallbackQuery calls for it."""
    cpu: dict[str, float]
    """CPU seconds spent during the burst, by whom (the Pustaka workers, PostgreSQL, nginx)."""

    def cpu_text(self) -> str:
        return ", ".join(
            f"{who} {seconds * 1000 / len(self.members):.1f} ms"
            for who, seconds in self.cpu.items()
        )

    @property
    def rate(self) -> float:
        return len(self.members) / self.seconds


async def burst(
    fake: FakeTelegram,
    sender: WebhookSender,
    asked: Call,
    members: range,
    during: Any = None,
    cpu: Callable[[], dict[str, float]] = dict,
) -> Burst:
    """Every member presses the first button; timed until each press was acknowledged."""
    data = asked.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    message_id = int(asked.result["message_id"]) if asked.result else 1
    ours = {f"cb-{m}" for m in members}
    mine = lambda c: c.params.get("callback_query_id") in ours  # noqa: E731
    updates = [sender.update(press(data, m, message_id)) for m in members]
    before = cpu()
    started = time.perf_counter()
    delivering = asyncio.create_task(sender.deliver(updates, within=600))
    extra = asyncio.create_task(during()) if during else None
    await fake.wait_for("answerCallbackQuery", count=len(members), within=600, where=mine)
    seconds = time.perf_counter() - started
    after = cpu()
    spent = {k: after[k] - before[k] for k in before if k in after}
    await delivering
    if extra:
        await extra
    await asyncio.sleep(2.5)  # a press handled twice (a killed worker's, taken over) shows now
    acks = Counter(str(c.params["callback_query_id"]) for c in fake.sent("answerCallbackQuery"))
    return Burst(members, seconds, Counter({k: n for k, n in acks.items() if k in ours}), spent)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (Linux /proc); 0 for one gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


async def postmaster(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        data = await conn.fetchval("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
    finally:
        await conn.close()
    return int((Path(data) / "postmaster.pid").read_text().split()[0])


def meter(
    workers: list[Worker], nginx: Nginx | None, server_pid: int | None
) -> Callable[[], dict[str, float]]:
    """CPU seconds so far of the workers, of PostgreSQL's processes and of nginx's."""

    def read() -> dict[str, float]:
        spent = {"workers": cpu_seconds([w.process.pid for w in workers])}
        if server_pid is not None:
            spent["PostgreSQL"] = cpu_seconds([server_pid, *children(server_pid)])
        if nginx is not None and nginx.process is not None:
            spent["nginx"] = cpu_seconds([nginx.process.pid, *children(nginx.process.pid)])
        return spent

    return read


async def answers_sqlite(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        total, distinct = db.execute(
            "SELECT count(*), count(DISTINCT member_id) FROM quiz_answers"
        ).fetchone()
    return int(total), int(distinct)


async def answers_postgres(url: str) -> tuple[int, int]:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow("SELECT count(*), count(DISTINCT member_id) FROM quiz_answers")
    finally:
        await conn.close()
    return int(row[0]), int(row[1])


async def setup(
    folder: Path, database: str, processes: int, proxy: str
) -> tuple[FakeTelegram, list[Worker], Nginx | None, WebhookSender]:
    fake = FakeTelegram()
    fake.admins[GROUP] = [LIBRARIAN]
    await fake.start()
    workers: list[Worker] = []
    for n in range(processes):
        workers.append(await start_worker(folder, fake, database, n))
    nginx = None
    if proxy == "nginx":
        nginx = Nginx([w.port for w in workers])
        await nginx.start()
        url = nginx.url
    else:
        url = f"http://127.0.0.1:{workers[0].port}{HOOK_PATH}"
    # Without a proxy the sender spreads the POSTs over the workers itself, a retry to the next.
    spread = [] if nginx else [f"http://127.0.0.1:{w.port}{HOOK_PATH}" for w in workers]
    sender = WebhookSender(url, SECRET, spread=spread)
    return fake, workers, nginx, sender


async def teardown(fake: FakeTelegram, workers: list[Worker], nginx: Nginx | None) -> None:
    if nginx is not None:
        await nginx.stop()
    await asyncio.gather(*(w.stop() for w in workers))
    await fake.stop()


async def one_on_sqlite(folder: Path, answers: int, proxy: str) -> Burst:
    database = folder / "pustaka.db"
    fake, workers, nginx, sender = await setup(folder, str(database), 1, proxy)
    try:
        asked = await question(fake, sender)
        members = range(100_000, 100_000 + answers)
        result = await burst(fake, sender, asked, members, cpu=meter(workers, nginx, None))
    finally:
        await teardown(fake, workers, nginx)
    total, distinct = await answers_sqlite(database)
    check(result, total, distinct, answers, "one process, SQLite")
    return result


async def three_on_postgres(
    folder: Path, url: str, answers: int, proxy: str, processes: int
) -> tuple[Burst, Burst, WebhookSender, int, list[int]]:
    fake, workers, nginx, sender = await setup(folder, url, processes, proxy)
    try:
        asked = await question(fake, sender)
        first = range(200_000, 200_000 + answers)
        cpu = meter(workers, nginx, await postmaster(url))
        plain = await burst(fake, sender, asked, first, cpu=cpu)
        total, distinct = await answers_postgres(url)
        check(plain, total, distinct, answers, f"{processes} processes, PostgreSQL")
        sender.attempts.clear()
        sender.refusals.clear()
        victim = workers[1]

        async def kill_a_third_in() -> None:
            """Once a third of the burst's updates got their 200: the others are still being
            POSTed through the proxy, and some are in the victim's hands."""
            while sender.delivered < start + answers // 3:  # noqa: ASYNC110
                await asyncio.sleep(0.001)
            victim.kill()
            ours = {f"cb-{m}" for m in second}
            acked = sum(
                1
                for c in fake.sent("answerCallbackQuery")
                if c.params.get("callback_query_id") in ours
            )
            at_kill.extend([sender.delivered - start, acked])

        at_kill: list[int] = []
        start = sender.delivered
        second = range(300_000, 300_000 + answers)
        killed = await burst(fake, sender, asked, second, during=kill_a_third_in)
        total, distinct = await answers_postgres(url)
        recorded_twice = total - distinct
        return plain, killed, sender, recorded_twice + (distinct - 2 * answers), at_kill
    finally:
        await teardown(fake, workers, nginx)


def check(result: Burst, total: int, distinct: int, answers: int, what: str) -> None:
    if total != distinct or distinct != answers or len(result.acknowledged) != answers:
        raise SystemExit(
            f"{what}: {total} answers recorded for {distinct} members of {answers},"
            f" {len(result.acknowledged)} acknowledged"
        )


async def main_async(args: argparse.Namespace, url: str, folder: Path) -> bool:
    print(
        f"{args.answers} quiz answers in one burst through {args.proxy}"
        f" (Telegram webhook, 40 connections); load average {load()}"
    )
    (folder / "sqlite").mkdir()
    single = await one_on_sqlite(folder / "sqlite", args.answers, args.proxy)
    print(
        f"  1 process, SQLite: {single.rate:.0f} answers/s ({single.seconds:.2f} s);"
        f" CPU per answer: {single.cpu_text()}; load average {load()}"
    )
    (folder / "postgres").mkdir()
    plain, killed, sender, answers_off, at_kill = await three_on_postgres(
        folder / "postgres", url, args.answers, args.proxy, args.processes
    )
    print(
        f"  {args.processes} processes, PostgreSQL: {plain.rate:.0f} answers/s"
        f" ({plain.seconds:.2f} s) → {plain.rate / single.rate:.2f}× one process on SQLite"
        f" (target ≥ 1.5×); CPU per answer: {plain.cpu_text()}; load average {load()}"
    )
    lost = sum(1 for m in killed.members if f"cb-{m}" not in killed.acknowledged)
    twice = sum(1 for n in killed.acknowledged.values() if n > 1)
    again = sum(n - 1 for n in sender.attempts.values())
    refused = ", ".join(f"{n} {what}" for what, n in sender.refusals.most_common()) or "none"
    print(
        f"  one of {args.processes} killed (SIGKILL) in another burst of {args.answers}, when"
        f" {at_kill[0]} updates had got their 200 and {at_kill[1]} presses were acknowledged:"
        f" all acknowledged in {killed.seconds:.2f} s; {lost} lost,"
        f" {twice} acknowledged twice, {answers_off} answers recorded twice or missing;"
        f" POSTs sent again {again} (refused: {refused})"
    )
    return lost == 0 and answers_off == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--proxy", choices=("auto", "nginx", "direct"), default="auto")
    args = parser.parse_args()
    if args.proxy == "auto":
        args.proxy = "nginx" if nginx_binary() else "direct"
    if binaries() is None:
        print("bench/webhook_workers.py: no PostgreSQL binaries (initdb, pg_ctl): skipped")
        return
    with tempfile.TemporaryDirectory() as folder, server() as url:
        ok = asyncio.run(main_async(args, url, Path(folder)))
    print(f"webhook workers: {'no answer lost' if ok else 'ANSWERS LOST'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
