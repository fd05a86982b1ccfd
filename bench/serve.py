"""How fast does the production server answer an article page?

Builds the demo publication (or reuses ``--data-dir``), serves it with gunicorn on 127.0.0.1
and loads one article page with ``wrk`` for a fixed time, in these set-ups, one after another:

- static file: a fingerprinted CSS file served by the same gunicorn through WhiteNoise, the
  ceiling of the server itself (nothing in Django can answer faster than this);
- cold: the full-page cache switched off (``MASTHEAD_PAGE_CACHE=false``), every request renders
  (what every page reads alike is kept until the next publish: ``core.memo``);
- cold, right after a publish: the same server, requests one at a time, the content
  generation moved on before each (as a publish does), so each renders in a new scope;
- plain Wagtail: the baseline of the cold row (issue 16: Masthead's cold page costs at most
  1.0× of it): a minimal Wagtail site (``bench/plain_wagtail/``, copied to a temporary
  directory) holding the demo's sections, articles, pictures and *Read more* as exported from
  the demo's database, its article page rendered the plain way (no page cache) and measured
  the same way, printed with the ratio of the two rows' CPU per request;
- warm: the full-page cache on, kept in files under the data directory (the default);
- warm, junk query: the same article with a new random ``?utm_x=`` on every request (wrk
  script), which the page cache must answer from the article's own entry;
- re-warmed after a publish: with ``masthead worker`` running, an article is published again;
  the seconds until the worker's re-warm task has rendered the front page, the archive, the
  section and the article into the page cache (target: within 1 s), and whether they are then
  answered from it;
- warm, Redis: the same with ``REDIS_URL`` (skipped with a note if Redis does not answer).

Prints requests/s and p50/p99 latency (wrk's ``--latency``) as a table, the warm/cold ratio,
PASS / BELOW TARGET against the target for warm pages and PASS / ABOVE TARGET for the cold
page against the plain Wagtail one. Exits 1 only when something went wrong (a server did not
start, wrk counted non-2xx/3xx answers or socket errors, the cache did not behave as the row
says); being below or above target is a finding, not an error.

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
# An uncached article page: at most this many times the CPU of the same page on a plain
# Wagtail site (issue 16).
TARGET_PLAIN_RATIO = 1.0
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


def child_run(
    command: list[str], *, cwd: Path, env: dict[str, str], timeout: int, what: str
) -> str:
    """Runs ``command`` to the end and returns its output; BenchError with its tail if it fails."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{what} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return done.stdout


def demo_build(data_dir: Path) -> None:
    started = time.monotonic()
    print(f"Preparing the demo publication in {data_dir}…", flush=True)
    child_run(
        [sys.executable, "-m", "masthead.project.cli", "demo", "--no-serve"],
        cwd=ROOT,
        env=masthead_env(data_dir),
        timeout=600,
        what="masthead demo",
    )
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


# Moves the content generation on before each request, as a publish does (in this process,
# whose CPU is not the server's): every request then renders in a new generation's scope.
_AFTER_PUBLISH = """
import django, os, urllib.request
django.setup()
from masthead.core.page_cache import invalidate
url, count = os.environ["BENCH_URL"], int(os.environ["BENCH_COUNT"])
for _ in range(count):
    invalidate()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
print(count)
"""

# Publishes the newest article again and waits for the worker's re-warm task to finish; prints
# the seconds from the publish to the end of the task, and the paths it rendered.
_PUBLISH_AND_WAIT = """
import django, json, time
django.setup()
from django_tasks_db.models import DBTaskResult
from masthead.publishing.models import ArticlePage
# A fresh demo leaves the worker a backlog (search and reference indexing): wait until it
# has run it, so that the figure is a publish on a running site, not the backlog's length.
pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
waited = time.time()
while pending.exists() and time.time() < waited + 300:
    time.sleep(0.2)
backlog = time.time() - waited
tasks = DBTaskResult.objects.filter(task_path__endswith=".pages_rewarm")
before = set(tasks.values_list("pk", flat=True))
article = ArticlePage.objects.live().public().order_by("-first_published_at").first()
started = time.time()
article.save_revision().publish()
done = None
while done is None and time.time() < started + 60:
    done = tasks.filter(status="SUCCESSFUL").exclude(pk__in=before).first()
    time.sleep(0.02)
print(json.dumps({
    "backlog": backlog,
    "seconds": done.finished_at.timestamp() - started if done else None,
    "paths": sorted(done.return_value) if done else [],
}))
"""


def django_snippet(data_dir: Path, code: str, **extra: str) -> str:
    out = child_run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=masthead_env(data_dir, **extra),
        timeout=120,
        what="Django helper",
    ).strip()
    return out.splitlines()[-1] if out else ""


# --- The baseline: the same article on a plain Wagtail site --------------------------------

PLAIN_TEMPLATE = Path(__file__).resolve().parent / "plain_wagtail"
PLAIN_APP = "plainsite.wsgi:application"

# Writes what the plain site needs to ``BENCH_EXPORT``: the demo's live sections and articles
# (bodies as stored), every picture, and each article's *Read more* as Masthead chooses it.
_EXPORT_FOR_PLAIN = """
import json, os, django
django.setup()
from django.conf import settings
from django.test import RequestFactory
from wagtail.images import get_image_model
from wagtail.models import Site
from masthead.publishing.models import ArticlePage, SectionPage
home = Site.objects.get(is_default_site=True).root_page.specific
sections = SectionPage.objects.live().child_of(home).order_by("path")
articles = []
for section in sections:
    for article in ArticlePage.objects.live().child_of(section).order_by("path"):
        request = RequestFactory().get(article.url)
        read_more = article.get_context(request)["read_more"]
        articles.append({
            "id": article.pk, "section": section.pk, "title": article.title,
            "slug": article.slug, "standfirst": article.standfirst,
            "lead_image_id": article.lead_image_id, "lead_image_alt": article.lead_image_alt,
            "lead_image_caption": article.lead_image_caption,
            "lead_image_credit": article.lead_image_credit,
            "body": article.body.get_prep_value(),
            "first_published_at": article.first_published_at.isoformat(),
            "last_published_at": article.last_published_at.isoformat(),
            "related": [teaser.pk for teaser in read_more],
        })
image_fields = ("id", "title", "width", "height", "focal_point_x", "focal_point_y",
                "focal_point_width", "focal_point_height", "file_size", "file_hash")
images = [
    {**{name: getattr(image, name) for name in image_fields}, "file": image.file.name}
    for image in get_image_model().objects.order_by("pk")
]
measured = home.url_path.rstrip("/") + os.environ["BENCH_ARTICLE_PATH"]
with open(os.environ["BENCH_EXPORT"], "w") as out:
    json.dump({
        "home": {"title": home.title},
        "sections": [{"id": s.pk, "title": s.title, "slug": s.slug} for s in sections],
        "articles": articles,
        "images": images,
    }, out)
print(json.dumps({
    "media_root": str(settings.MEDIA_ROOT),
    "article": ArticlePage.objects.live().filter(url_path=measured).exists(),
}))
"""


def plain_env(plain_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MASTHEAD_", "DJANGO_"))}
    env.update(
        PLAIN_WAGTAIL_DIR=str(plain_dir),
        DJANGO_SETTINGS_MODULE="plainsite.settings",
        PYTHONPATH=str(plain_dir),
    )
    return env


def plain_manage(plain_dir: Path, *command: str) -> None:
    child_run(
        [sys.executable, "-m", "django", *command],
        cwd=plain_dir,
        env=plain_env(plain_dir),
        timeout=300,
        what=f"plain Wagtail: django-admin {' '.join(command)}",
    )


def plain_build(data_dir: Path, plain_dir: Path, article: str) -> str:
    """The plain Wagtail site in ``plain_dir``, holding the demo's content; '' when ready, else
    why its row is skipped."""
    started = time.monotonic()
    print(f"Preparing the plain Wagtail site in {plain_dir}…", flush=True)
    shutil.copytree(PLAIN_TEMPLATE, plain_dir, ignore=shutil.ignore_patterns("__pycache__"))
    export = plain_dir / "masthead-export.json"
    found = json.loads(
        django_snippet(
            data_dir, _EXPORT_FOR_PLAIN, BENCH_ARTICLE_PATH=article, BENCH_EXPORT=str(export)
        )
    )
    if not found["article"]:
        return f"skipped: {article} is not an article of the demo"
    media_from = Path(found["media_root"])
    for image in json.loads(export.read_text())["images"]:
        target = plain_dir / "media" / image["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media_from / image["file"], target)
    # The app's migration is made here, against the installed Wagtail, rather than kept.
    plain_manage(plain_dir, "makemigrations", "news", "--verbosity=0")
    plain_manage(plain_dir, "migrate", "--verbosity=0")
    plain_manage(plain_dir, "load_content", str(export))
    print(f"  ready in {time.monotonic() - started:.1f} s", flush=True)
    return ""


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
    """One gunicorn master and its workers, in their own process group, on 127.0.0.1: Masthead
    on ``data_dir``, or with ``plain_dir`` the plain Wagtail site there."""

    def __init__(
        self,
        config: ServerConfig,
        data_dir: Path,
        log_dir: Path,
        *,
        plain_dir: Path | None = None,
        **env: str,
    ):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{self.port}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            PLAIN_APP if plain_dir else "masthead.project.wsgi:application",
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
            cwd=plain_dir or ROOT,
            env=plain_env(plain_dir)
            if plain_dir
            else masthead_env(data_dir, MASTHEAD_BASE_URL=self.base, **env),
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
    config: ServerConfig,
    data_dir: Path,
    log_dir: Path,
    ready_path: str,
    *,
    plain_dir: Path | None = None,
    **env: str,
) -> Iterator[Server]:
    server = Server(config, data_dir, log_dir, plain_dir=plain_dir, **env)
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
    plain: tuple[Path, str],
) -> list[Row]:
    article, static = paths["article"], paths["static"]
    name = config.describe()
    rows = [
        Row("static file (server ceiling)", name),
        Row("cold (page cache off)", name),
        Row("cold, each request right after a publish", name),
        Row("plain Wagtail article page, uncached", name),
        Row("Masthead cold / plain Wagtail", name),
        Row("warm (page cache, files)", name, is_warm=True),
        Row("warm, random ?utm_x= (files)", name, is_warm=True),
        Row("warm (page cache, Redis)", name, is_warm=True),
        Row("re-warmed after a publish (worker)", name),
    ]
    static_row, cold_row, published_row, plain_row, ratio_row = rows[:5]
    warm_row, junk_row, redis_row, rewarm_row = rows[5:]
    junk_script = log_dir / "junk-query.lua"
    junk_script.write_text(JUNK_QUERY_SCRIPT)

    def serve(**env: str) -> contextlib.AbstractContextManager[Server]:
        return running(config, data_dir, log_dir, article, **env)

    print(f"\n[{name}] cold: page cache off…", flush=True)
    with serve(MASTHEAD_PAGE_CACHE="false") as server:
        cold_row.result = measure(args, wrk, server, article, expect_cache=None)
        published_row.note = after_publish(data_dir, server, article, count=args.after_publish)

    plain_dir, plain_skipped = plain
    if plain_skipped:
        plain_row.note = ratio_row.note = plain_skipped
    else:
        print(f"[{name}] plain Wagtail: the same article, no page cache…", flush=True)
        with running(config, data_dir, log_dir, article, plain_dir=plain_dir) as server:
            plain_row.result = measure(args, wrk, server, article, expect_cache=None)
        ratio_row.note = cold_ratio(cold_row.result, plain_row.result)

    print(f"[{name}] warm: page cache in files; static file on the same server…", flush=True)
    with serve() as server:
        warm_row.result = measure(args, wrk, server, article, expect_cache="hit")
        junk_row.result = measure(
            args, wrk, server, article, expect_cache="hit", script=junk_script
        )
        static_row.result = measure(args, wrk, server, static, expect_cache=None)
        print(f"[{name}] a publish, with a worker re-warming the page cache…", flush=True)
        rewarm_row.note = rewarm(data_dir, log_dir, server)

    if args.redis_url and redis_answers(args.redis_url):
        print(f"[{name}] warm: page cache in Redis ({args.redis_url})…", flush=True)
        django_snippet(data_dir, _INVALIDATE, REDIS_URL=args.redis_url)
        with serve(REDIS_URL=args.redis_url) as server:
            redis_row.result = measure(args, wrk, server, article, expect_cache="hit")
    else:
        redis_row.note = f"skipped: no Redis answers at {args.redis_url or '(none given)'}"
    return rows


def after_publish(data_dir: Path, server: Server, path: str, *, count: int) -> str:
    """CPU per request when every request is the first after a publish: the page renders in a
    new content generation, whose shared reads (``core.memo``) start empty."""
    before = server.cpu_seconds()
    django_snippet(
        data_dir,
        _AFTER_PUBLISH,
        MASTHEAD_BASE_URL=server.base,
        BENCH_URL=server.base + path,
        BENCH_COUNT=str(count),
    )
    after = server.cpu_seconds()
    if before is None or after is None:
        return "skipped: no /proc to read the server's CPU time from"
    return f"CPU {(after - before) / count * 1e6:,.0f} µs/req over {count} requests, one at a time"


def rewarm(data_dir: Path, log_dir: Path, server: Server) -> str:
    """Publish an article with a worker running; how long until its re-warm task has put the
    front page, the archive, the section and the article in the page cache, and whether they
    are then answered from it."""
    env = masthead_env(data_dir, MASTHEAD_BASE_URL=server.base)
    with open(log_dir / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "masthead.project.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        time.sleep(3)  # the worker starts (and loads the URLs and templates) before the publish
        found = json.loads(
            django_snippet(data_dir, _PUBLISH_AND_WAIT, MASTHEAD_BASE_URL=server.base)
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    if found["seconds"] is None:
        raise BenchError("the re-warm task did not finish within 60 s (see worker.log)")
    hits = sum(server.get(path)[1].get("X-Page-Cache") == "hit" for path in found["paths"])
    verdict = "PASS" if found["seconds"] <= 1.0 and hits == len(found["paths"]) else "BELOW TARGET"
    return (
        f"{found['seconds']:.2f} s from the publish to {len(found['paths'])} pages in the cache, "
        f"{hits} answered from it  {verdict} (target ≤ 1 s; the worker's backlog first took "
        f"{found['backlog']:.0f} s)"
    )


def cold_ratio(cold: WrkResult, plain: WrkResult) -> str:
    """Masthead's cold page against the plain Wagtail one: CPU per request, or (without
    /proc) the inverse ratio of requests per second."""
    if cold.cpu_us_per_request and plain.cpu_us_per_request:
        ratio, unit = cold.cpu_us_per_request / plain.cpu_us_per_request, "CPU per request"
    else:
        ratio, unit = plain.requests_per_s / cold.requests_per_s, "req/s, inverted"
    verdict = "PASS" if ratio <= TARGET_PLAIN_RATIO else "ABOVE TARGET"
    return f"{ratio:.2f}× ({unit})  {verdict} (target ≤ {TARGET_PLAIN_RATIO:.1f}×)"


def print_table(rows: list[Row], target: int) -> None:
    cold = {r.server: r.result for r in rows if r.label.startswith("cold") and r.result}
    width = max(30, *(len(r.label) for r in rows))
    head = (
        f"{'':<{width}} {'server':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU µs/req':>11} {'× cold':>8}"
    )
    print("\n" + head)
    print("-" * len(head))
    for row in rows:
        if row.result is None:
            print(f"{row.label:<{width}} {row.server:<12} {row.note}")
            continue
        r = row.result
        base = cold.get(row.server)
        ratio = f"{r.requests_per_s / base.requests_per_s:.1f}" if base else ""
        cpu = f"{r.cpu_us_per_request:,.0f}" if r.cpu_us_per_request is not None else "?"
        line = (
            f"{row.label:<{width}} {row.server:<12} {r.requests_per_s:>9,.0f} "
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
        "--after-publish",
        type=int,
        default=40,
        help="Requests measured one by one, each right after a publish (40).",
    )
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
        plain_dir = work_dir / "plain_wagtail"
        plain = (plain_dir, plain_build(data_dir, plain_dir, paths["article"]))

        classes = ["sync", "gthread"] if args.compare else [args.worker_class]
        rows = []
        for worker_class in classes:
            config = ServerConfig(args.workers, worker_class, args.threads, args.keep_alive)
            rows += run_rows(args, wrk, config, data_dir, work_dir, paths, plain)

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
