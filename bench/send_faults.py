"""Does the send engine keep its promise when it is killed at random moments?

For each database (SQLite, then PostgreSQL when it answers), in a fresh data directory:

1. migrate, create the subscribers (bulk inserts) and an edition of five articles, as
   ``newsletter_send.py`` does;
2. start a recording SMTP server: aiosmtpd in its own process, which writes one line per
   completed ``DATA`` — the time it received the final ``.`` and the recipient;
3. run ``masthead newsletter send <id>`` as its own process, SIGKILL it at ``--kills``
   random moments (each after a random number of messages, plus a random 0–50 ms; never
   before a restarted process has sent a few groups) and
   start it again after each kill; the last run finishes the send (it waits for the killed
   runs' leases, ``--lease`` seconds, and takes their rows over);
4. compare what the server received with what the ledger says.

Prints, per database:

- **duplicates**: recipients who received the edition more than once (must be 0);
- **missing**: recipients who received nothing and are not reported *unconfirmed* (must be 0);
- **unconfirmed**, per kill and in total (target: at most one per connection per kill),
  and how many of them received nothing (the kills that landed in the window);
- **the window**: for every delivered message, the time from its hand-over record (the
  ledger's ``sent_at``, taken just before the record's statement is sent, so an upper
  bound) to the server's receipt of its final ``.`` — p50, p99 and max. A kill inside this
  interval loses that one message (reported unconfirmed).

Exits non-zero when a duplicate or a missing recipient is found, or a run fails.

    .venv/bin/python bench/send_faults.py                                   # 100,000, 10 kills, both
    .venv/bin/python bench/send_faults.py --subscribers 5000 --kills 3 --database sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newsletter_send import PG_SERVER, ROOT, SETUP, child_python, free_port, run  # noqa: E402

PG_NAME = "masthead_bench_faults"


# --- The recording SMTP server ---------------------------------------------------------------


def recording_sink(port: int, log_path: str) -> None:
    """Runs in its own process: one line "<unix time> <recipient>" per completed DATA."""
    from aiosmtpd.controller import Controller

    out = open(log_path, "a", buffering=1 << 16)  # noqa: SIM115 - closed on SIGTERM

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            now = time.time()
            for recipient in envelope.rcpt_tos:
                out.write(f"{now:.6f} {recipient}\n")
            return "250 OK"

    def stop(*_):
        out.flush()
        os.fsync(out.fileno())
        out.close()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    while True:
        time.sleep(0.5)
        out.flush()  # so the bench can count what arrived while it runs


class RecordingSink:
    def __init__(self, log: Path):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--recording-sink", str(self.port), str(log)],
            stdout=subprocess.DEVNULL,
        )
        import socket

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise SystemExit("the recording SMTP server did not start")

    def received(self) -> int:
        try:
            with self.log.open("rb") as f:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        except FileNotFoundError:
            return 0

    def stop(self) -> list[tuple[float, str]]:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=15)
        rows = []
        for line in self.log.read_text().splitlines():
            stamp, _, recipient = line.partition(" ")
            rows.append((float(stamp), recipient.lower()))
        return rows


# --- One database ----------------------------------------------------------------------------


LEDGER = r"""
import django, json, sys
django.setup()
from masthead.newsletters.models import Delivery
rows = Delivery.objects.filter(edition_id=int(sys.argv[1])).values_list(
    "subscriber__email", "status", "sent_at", "claimed_by", "detail")
print(json.dumps([[e.lower(), s, t.timestamp() if t else None, c, d] for e, s, t, c, d in rows]))
"""


def database_url(kind: str, data_dir: Path) -> str | None:
    if kind == "sqlite":
        return f"sqlite:///{data_dir / 'faults.sqlite3'}"
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(
            PG_SERVER.replace("postgres://", "postgresql://"), autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{PG_NAME}"')
    except psycopg.OperationalError as exc:
        print(f"  PostgreSQL not reachable ({exc}); skipped")
        return None
    return PG_SERVER.rsplit("/", 1)[0] + f"/{PG_NAME}"


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    import psycopg

    with psycopg.connect(PG_SERVER.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_database(kind: str, *, subscribers: int, kills: int, concurrency: int, lease: int, rng):
    data_dir = Path(tempfile.mkdtemp(prefix=f"masthead-faults-{kind}-"))
    url = database_url(kind, data_dir)
    if url is None:
        return None
    sink = RecordingSink(data_dir / "received.log")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.project.settings",
        "MASTHEAD_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "MASTHEAD_BASE_URL": "https://news.example.org",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "MASTHEAD_NEWSLETTER_CONCURRENCY": str(concurrency),
        "MASTHEAD_NEWSLETTER_RATE": "0",
        "MASTHEAD_NEWSLETTER_LEASE_SECONDS": str(lease),
        "LOG_LEVEL": "WARNING",
        "BENCH_N": str(subscribers),
    }
    received: list[tuple[float, str]] = []
    try:
        print(f"[{kind}] migrating and creating {subscribers:,} subscribers…", flush=True)
        run([sys.executable, "-m", "masthead.project.cli", "migrate", "-v0"], env)
        edition_id = child_python(SETUP, env).splitlines()[-1]
        thresholds = sorted(rng.sample(range(subscribers // 20, subscribers * 19 // 20), kills))
        command = [sys.executable, "-m", "masthead.project.cli", "newsletter", "send", edition_id]
        started = time.monotonic()
        done_kills = 0
        for threshold in [*thresholds, None]:
            process = subprocess.Popen(
                command,
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            if threshold is None:
                out, err = process.communicate(timeout=3600)
                if process.returncode != 0:
                    raise SystemExit(f"[{kind}] the last run failed:\n{out}\n{err[-3000:]}")
                break
            # A kill while the process is still starting up tells nothing: let it send
            # some messages first.
            target = max(threshold, sink.received() + 5 * concurrency)
            while sink.received() < target and process.poll() is None:
                time.sleep(0.02)
            if process.poll() is not None:
                out, err = process.communicate()
                raise SystemExit(f"[{kind}] the send ended before kill {done_kills + 1}:\n{err}")
            time.sleep(rng.uniform(0, 0.05))
            process.send_signal(signal.SIGKILL)
            process.communicate()
            done_kills += 1
            print(f"[{kind}] kill {done_kills} after ~{target:,} messages", flush=True)
        elapsed = time.monotonic() - started
    finally:
        received = sink.stop()
    try:
        ledger = json.loads(child_python(LEDGER, env, edition_id).splitlines()[-1])
    finally:
        drop_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)

    per_recipient = Counter(recipient for _, recipient in received)
    first_receipt = {}
    for stamp, recipient in received:
        first_receipt.setdefault(recipient, stamp)
    statuses = Counter(row[1] for row in ledger)
    duplicates = sum(1 for n in per_recipient.values() if n > 1)
    unconfirmed = [row for row in ledger if row[1] == "unconfirmed"]
    missing = [row for row in ledger if row[0] not in per_recipient and row[1] != "unconfirmed"]
    lost_in_window = [row for row in unconfirmed if row[0] not in per_recipient]
    by_worker = Counter(row[3] for row in unconfirmed)
    windows = [
        first_receipt[row[0]] - row[2]
        for row in ledger
        if row[2] is not None and row[0] in first_receipt
    ]
    return {
        "db": kind,
        "kills": done_kills,
        "seconds": elapsed,
        "received": len(received),
        "statuses": dict(statuses),
        "duplicates": duplicates,
        "missing": len(missing),
        "unconfirmed": len(unconfirmed),
        "unconfirmed_per_kill": sorted(by_worker.values(), reverse=True),
        "lost_in_window": len(lost_in_window),
        "window_ms": [1000 * percentile(windows, p) for p in (50, 99, 100)],
        "windows": len(windows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--lease", type=int, default=5, help="MASTHEAD_NEWSLETTER_LEASE_SECONDS")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--recording-sink", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.recording_sink:
        recording_sink(int(args.recording_sink[0]), args.recording_sink[1])
        return
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = []
    for kind in kinds:
        result = bench_database(
            kind,
            subscribers=args.subscribers,
            kills=args.kills,
            concurrency=args.concurrency,
            lease=args.lease,
            rng=rng,
        )
        if result:
            results.append(result)
    print()
    print(
        f"One edition to {args.subscribers:,} subscribers, {args.kills} SIGKILLs at random "
        f"moments (seed {seed}), {args.concurrency} SMTP connections, lease {args.lease} s, "
        f"{os.cpu_count()} cores"
    )
    load = os.getloadavg()
    print(f"(load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})")
    print(
        f"{'database':<9} {'kills':>5} {'seconds':>8} {'dupl.':>6} {'missing':>8} "
        f"{'unconf.':>8} {'of them lost':>13} {'window p50/p99/max ms':>22}"
    )
    failed = False
    for r in results:
        p50, p99, top = r["window_ms"]
        print(
            f"{r['db']:<9} {r['kills']:>5} {r['seconds']:>8.1f} {r['duplicates']:>6} "
            f"{r['missing']:>8} {r['unconfirmed']:>8} {r['lost_in_window']:>13} "
            f"{p50:>8.2f}/{p99:.2f}/{top:.1f}"
        )
    for r in results:
        per_kill = r["unconfirmed_per_kill"] + [0] * (r["kills"] - len(r["unconfirmed_per_kill"]))
        target = max(per_kill, default=0) <= args.concurrency
        print(
            f"{r['db']}: ledger {r['statuses']}; unconfirmed per kill {per_kill} "
            f"({'PASS' if target else 'ABOVE TARGET'}: <= {args.concurrency}); "
            f"{r['windows']:,} windows measured; duplicates "
            f"{'PASS' if not r['duplicates'] else 'FAIL'}; missing "
            f"{'PASS' if not r['missing'] else 'FAIL'}"
        )
        failed |= bool(r["duplicates"] or r["missing"])
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
