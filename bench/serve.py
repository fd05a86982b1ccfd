"""How fast does the production server answer an article page?

Builds the demo publication (or reuses ``--data-dir``), serves it with gunicorn on 127.0.0.1
and loads one article page with ``wrk`` for a fixed time, in these set-ups, one after another:

- static file: a fingerprinted CSS file served by the same gunicorn through WhiteNoise, the
  ceiling of the server itself (nothing in Django can answer faster than this);
- cold: the full-page cache switched off (``MASTHEAD_PAGE_CACHE=false``), every request renders;
- warm: the full-page cache on, kept in files under the data directory (the default);
- warm, junk query: the same article with a new random ``?utm_x=`` on every request (wrk
  script), which the page cache must answer from the article's own entry;
- warm, Redis: the same with ``REDIS_URL`` (skipped with a note if Redis does not answer).

Prints requests/s and p50/p99 latency (wrk's ``--latency``) as a table, the warm/cold ratio
and PASS / BELOW TARGET against the target for warm pages. Exits 1 only when something went
wrong (a server did not start, wrk counted non-2xx/3xx answers or socket errors, the cache
did not behave as the row says); being below target is a finding, not an error.

Run it with the project's interpreter: ``.venv/bin/python bench/serve.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_RPS = 1500  # warm article pages per second on a 2-core machine (issue 2)
# Measured on the 2-core bench machine (see bench/README.md): with keep-alive connections a
# gthread worker answers a cached page about twice as fast as a sync worker, which closes the
# connection after every response; for cold pages the two are level.
DEFAULT_WORKER_CLASS = "gthread"
DEFAULT_THREADS = 4


class BenchError(Exception):
    """Something went wrong: the figures of this run cannot be trusted."""


# --- wrk -------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_request: float | None = None
    bad_status: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        found = []
        if self.bad_status:
            found.append(f"{self.bad_status} non-2xx/3xx responses")
        errors = {kind: n for kind, n in self.socket_errors.items() if n}
        if errors:
            found.append("socket errors " + ", ".join(f"{k} {n}" for k, n in errors.items()))
        if not self.requests:
            found.append("no request completed")
        return found


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _percentile_ms(output: str, percent: int) -> float:
    match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if not match:
        raise BenchError(f"wrk printed no {percent}% latency:\n{output}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in ", output, re.MULTILINE)
    if not rps or not total:
        raise BenchError(f"could not read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(total.group(1)),
        requests_per_s=float(rps.group(1)),
        p50_ms=_percentile_ms(output, 50),
        p99_ms=_percentile_ms(output, 99),
        bad_status=int(bad.group(1)) if bad else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True)
        )
        if sock
        else {},
    )


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing; installing Debian's wrk…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, timeout=300)
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchError("wrk is needed: sudo apt-get install wrk")


# Every request a new ``?utm_x=``: a query string no page reads, as link trackers add them.
JUNK_QUERY_SCRIPT = """
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "?utm_x=" .. math.random(1, 1000000000) .. "-" .. n)
end
"""


def run_wrk(
    wrk: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    close: bool,
    script: Path | None = None,
) -> WrkResult:
    command = [
        wrk,
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
    ]
    if close:
        command += ["--header", "Connection: close"]
    if script is not None:
        command += ["--script", str(script)]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# --- The demo publication and the server -----------------------------------------------------


def masthead_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "MASTHEAD_PAGE_CACHE")}
    env.update(
        MASTHEAD_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="masthead.project.settings",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def demo_build(data_dir: Path) -> None:
    started = time.monotonic()
    print(f"Preparing the demo publication in {data_dir}…", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "demo", "--no-serve"],
        cwd=ROOT,
        env=masthead_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"masthead demo failed:\n{(done.stdout + done.stderr)[-3000:]}")
    print(f"  ready in {time.monotonic() - started:.1f} s", flush=True)


# Asks Django (not the server) which URLs to load, so the bench follows the demo content.
_FIND_PATHS = """
import json, django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from masthead.publishing.models import ArticlePage
article = ArticlePage.objects.live().public().order_by("-first_published_at").first()
print(json.dumps({
    "article": article.get_url_parts()[2] if article else None,
    "static": staticfiles_storage.url("masthead/site.css"),
}))
"""

# A new data directory starts its file cache empty, but Redis outlives it: move the Redis
# generation on so the Redis row never answers with pages of an earlier run.
_INVALIDATE = """
import django
django.setup()
from masthead.core.page_cache import invalidate
invalidate()
"""


def django_snippet(data_dir: Path, code: str, **extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=masthead_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"Django helper failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class ServerConfig:
    workers: int
    worker_class: str
    threads: int
    keep_alive: int

    def describe(self) -> str:
        if self.worker_class == "gthread":
            return f"{self.worker_class} {self.workers}×{self.threads}"
        return f"{self.worker_class} {self.workers}"


class Server:
    """One gunicorn master and its workers, in their own process group, on 127.0.0.1."""

    def __init__(self, config: ServerConfig, data_dir: Path, log_dir: Path, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{self.port}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "masthead.project.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={config.workers}",
            f"--worker-class={config.worker_class}",
            f"--keep-alive={config.keep_alive}",
            f"--error-logfile={self.log}",
            "--log-level=warning",
        ]
        if config.worker_class == "gthread":
            command.append(f"--threads={config.threads}")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=masthead_env(data_dir, MASTHEAD_BASE_URL=self.base, **env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own group: Ctrl-C reaches only this script, which then stops the server.
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answers; measure() says what is wrong with the answer
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by the master and its workers (Linux /proc), else None.

        Unlike requests/s it barely moves when other programs compete for the cores, so it
        is the figure to compare two versions of the code on a busy machine.
        """
        total, found = 0, False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if self.process.pid in (pid, ppid):
                total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
                found = True
        return total / os.sysconf("SC_CLK_TCK") if found else None

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM to the master, which stops its workers; SIGKILL to the group if it hangs."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@contextlib.contextmanager
def running(
    config: ServerConfig, data_dir: Path, log_dir: Path, ready_path: str, **env: str
) -> Iterator[Server]:
    server = Server(config, data_dir, log_dir, **env)
    try:
        server.wait_ready(ready_path)
        yield server
    finally:
        server.stop()


# --- The rows --------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    server: str
    result: WrkResult | None = None
    note: str = ""
    is_warm: bool = False


def measure(
    args: argparse.Namespace,
    wrk: str,
    server: Server,
    path: str,
    *,
    expect_cache: str | None,
    script: Path | None = None,
) -> WrkResult:
    status = server.get(path)[0]
    if status != 200:
        raise BenchError(f"{path} answered {status}, not 200\n{server.log_tail()}")
    # Warm the workers (imports, templates, the page cache) before measuring.
    run_wrk(
        wrk,
        server.base + path,
        seconds=args.warmup,
        connections=args.connections,
        threads=args.wrk_threads,
        close=args.no_keepalive,
        script=script,
    )
    checked = f"{path}?utm_x=bench-check" if script is not None else path
    seen = server.get(checked)[1].get("X-Page-Cache")
    if seen != expect_cache:
        raise BenchError(f"{checked}: expected X-Page-Cache {expect_cache!r}, got {seen!r}")
    cpu_before = server.cpu_seconds()
    result = run_wrk(
        wrk,
        server.base + path,
        seconds=args.duration,
        connections=args.connections,
        threads=args.wrk_threads,
        close=args.no_keepalive,
        script=script,
    )
    if result.problems:
        raise BenchError(f"{path}: " + "; ".join(result.problems) + f"\n{server.log_tail()}")
    cpu_after = server.cpu_seconds()
    if cpu_before is not None and cpu_after is not None:
        result.cpu_us_per_request = (cpu_after - cpu_before) / result.requests * 1e6
    return result


def run_rows(
    args: argparse.Namespace,
    wrk: str,
    config: ServerConfig,
    data_dir: Path,
    log_dir: Path,
    paths: dict,
) -> list[Row]:
    article, static = paths["article"], paths["static"]
    name = config.describe()
    rows = [
        Row("static file (server ceiling)", name),
        Row("cold (page cache off)", name),
        Row("warm (page cache, files)", name, is_warm=True),
        Row("warm, random ?utm_x= (files)", name, is_warm=True),
        Row("warm (page cache, Redis)", name, is_warm=True),
    ]
    static_row, cold_row, warm_row, junk_row, redis_row = rows
    junk_script = log_dir / "junk-query.lua"
    junk_script.write_text(JUNK_QUERY_SCRIPT)

    def serve(**env: str) -> contextlib.AbstractContextManager[Server]:
        return running(config, data_dir, log_dir, article, **env)

    print(f"\n[{name}] cold: page cache off…", flush=True)
    with serve(MASTHEAD_PAGE_CACHE="false") as server:
        cold_row.result = measure(args, wrk, server, article, expect_cache=None)

    print(f"[{name}] warm: page cache in files; static file on the same server…", flush=True)
    with serve() as server:
        warm_row.result = measure(args, wrk, server, article, expect_cache="hit")
        junk_row.result = measure(
            args, wrk, server, article, expect_cache="hit", script=junk_script
        )
        static_row.result = measure(args, wrk, server, static, expect_cache=None)

    if args.redis_url and redis_answers(args.redis_url):
        print(f"[{name}] warm: page cache in Redis ({args.redis_url})…", flush=True)
        django_snippet(data_dir, _INVALIDATE, REDIS_URL=args.redis_url)
        with serve(REDIS_URL=args.redis_url) as server:
            redis_row.result = measure(args, wrk, server, article, expect_cache="hit")
    else:
        redis_row.note = f"skipped: no Redis answers at {args.redis_url or '(none given)'}"
    return rows


def print_table(rows: list[Row], target: int) -> None:
    cold = {r.server: r.result for r in rows if r.label.startswith("cold") and r.result}
    head = (
        f"{'':<30} {'server':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU µs/req':>11} {'× cold':>8}"
    )
    print("\n" + head)
    print("-" * len(head))
    for row in rows:
        if row.result is None:
            print(f"{row.label:<30} {row.server:<12} {row.note}")
            continue
        r = row.result
        base = cold.get(row.server)
        ratio = f"{r.requests_per_s / base.requests_per_s:.1f}" if base else ""
        cpu = f"{r.cpu_us_per_request:,.0f}" if r.cpu_us_per_request is not None else "?"
        line = (
            f"{row.label:<30} {row.server:<12} {r.requests_per_s:>9,.0f} "
            f"{r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {cpu:>11} {ratio:>8}"
        )
        if row.is_warm:
            verdict = "PASS" if r.requests_per_s >= target else "BELOW TARGET"
            line += f"  {verdict} (target ≥ {target:,})"
        print(line)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load an article page of the demo publication served by gunicorn with wrk.",
        epilog=(
            f"Default server: {DEFAULT_WORKER_CLASS} workers with {DEFAULT_THREADS} threads "
            "(measured faster than sync here; --compare measures both)."
        ),
    )
    parser.add_argument("--data-dir", type=Path, help="Reuse this data directory (kept).")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per row (10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up per row (2).")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16).")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2).")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default=DEFAULT_WORKER_CLASS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="gthread threads.")
    parser.add_argument("--keep-alive", type=int, default=5, help="gunicorn --keep-alive (5).")
    parser.add_argument(
        "--compare", action="store_true", help="Run every row for both sync and gthread."
    )
    parser.add_argument(
        "--no-keepalive",
        action="store_true",
        help="Send 'Connection: close' (like a proxy without upstream keep-alive).",
    )
    parser.add_argument("--path", help="Page to load instead of the newest article.")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/15",
        help="Redis for the Redis row; '' to skip it (redis://127.0.0.1:6379/15).",
    )
    parser.add_argument("--target", type=int, default=TARGET_RPS, help="Warm req/s target.")
    args = parser.parse_args(argv)
    if min(args.duration, args.warmup, args.connections, args.workers, args.threads) < 1:
        parser.error("durations, connections, workers and threads must be at least 1")
    return args


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A polite stop (SIGTERM) unwinds like Ctrl-C, so every server is stopped on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    load_before = os.getloadavg()[0]
    # Server logs (and the demo, unless --data-dir is given) go to a directory removed at the end.
    work_dir = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    data_dir = args.data_dir.resolve() if args.data_dir else work_dir / "data"
    try:
        try:
            import gunicorn
        except ImportError:
            raise BenchError("gunicorn is not importable: run with .venv/bin/python") from None
        wrk = wrk_path()
        demo_build(data_dir)
        paths = json.loads(django_snippet(data_dir, _FIND_PATHS))
        if args.path:
            paths["article"] = args.path
        if not paths["article"]:
            raise BenchError("the demo publication has no live article")

        classes = ["sync", "gthread"] if args.compare else [args.worker_class]
        rows = []
        for worker_class in classes:
            config = ServerConfig(args.workers, worker_class, args.threads, args.keep_alive)
            rows += run_rows(args, wrk, config, data_dir, work_dir, paths)

        print(
            f"\nMasthead serve bench, {dt.date.today().isoformat()}, {os.cpu_count()} cores, "
            f"gunicorn {gunicorn.__version__}, wrk {args.connections} connections × "
            f"{args.duration} s{' (Connection: close)' if args.no_keepalive else ''}"
        )
        print(f"page: {paths['article']}   static file: {paths['static']}")
        print(
            f"load average (1 min) before the run: {load_before:.2f}; anything else running "
            "on the machine lowers every figure"
        )
        print_table(rows, args.target)
        return 0
    except (BenchError, subprocess.SubprocessError, OSError) as exc:
        print(f"\nbench/serve.py: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; servers stopped.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
