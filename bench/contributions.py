"""How many contributions can readers start, and how many payment events can providers deliver,
per second — with no error and nothing recorded twice?

For each database (SQLite in a fresh data directory; PostgreSQL when ``--postgres`` names a
server), migrates a new database, switches test mode on, serves it with gunicorn on 127.0.0.1,
then with ``--clients`` concurrent HTTP clients (keep-alive connections):

1. **contributions** — POSTs the contribution form (``/support/contribute/``) as the page
   script does, half with the test provider and half with Stripe as the method; a share of
   them (``--double-clicks``) is sent twice with the same idempotency key;
2. **webhook events** — for every contribution, the provider's signed "payment succeeded"
   event (the test provider's format, or Stripe's ``payment_intent.succeeded`` signed with the
   real ``stripe.WebhookSignature`` scheme), plus a share (``--duplicates``) delivered again.

Then it checks the database: one contribution per distinct submission, every one paid exactly
once, one recorded event per distinct event id, one receipt queued per payment, and no answer
other than the expected ones. Prints requests per second and p50/p99 latency per phase.

Nothing talks to Stripe: parsing ``payment_intent.*`` events needs no API call. Exits 1 when a
check fails. Run it with the project's interpreter:

    .venv/bin/python bench/contributions.py
    .venv/bin/python bench/contributions.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET_KEY = "bench-" + "k" * 40  # fixed, so the bench can sign the test provider's events
STRIPE_WEBHOOK_SECRET = "whsec_bench_secret"  # noqa: S105 - a bench-only throwaway


class BenchError(Exception):
    pass


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def masthead_env(data_dir: Path, database_url: str, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        MASTHEAD_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        MASTHEAD_BASE_URL=base_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=SECRET_KEY,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        # The rate limits would (rightly) stop 50 clients sharing one address.
        MASTHEAD_SUPPORT_FORM_POSTS_PER_HOUR="100000000",
        MASTHEAD_PAYMENT_ATTEMPTS_PER_HOUR="100000000",
        # Stripe as a method readers may choose; no call reaches Stripe in this bench.
        STRIPE_SECRET_KEY="sk_test_bench",  # noqa: S106 - never sent anywhere
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
    )
    return env


def run(cmd: list[str], env: dict[str, str], timeout: int = 600) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd[:4])} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return done.stdout


def django_snippet(env: dict[str, str], code: str) -> str:
    prelude = "import django, json\ndjango.setup()\n"
    out = run(
        [sys.executable, "-c", prelude + code],
        env={**env, "DJANGO_SETTINGS_MODULE": "masthead.project.settings"},
    )
    return out.strip().splitlines()[-1] if out.strip() else ""


PREPARE = """
from masthead.supporters.models import SupportSettings
support = SupportSettings.load()
support.test_mode = True
support.save()
print("ok")
"""

CHECK = """
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from masthead.payments.models import WebhookEvent
from masthead.supporters.models import AuditEntry, Contribution
print(json.dumps({
    "contributions": Contribution.objects.count(),
    "distinct_keys": Contribution.objects.values("idempotency_key").distinct().count(),
    "succeeded": Contribution.objects.filter(status="succeeded").count(),
    "events": WebhookEvent.objects.count(),
    "event_outcomes": dict(WebhookEvent.objects.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")),
    "succeeded_audits": AuditEntry.objects.filter(action="contribution.succeeded").count(),
    "succeeded_twice": AuditEntry.objects.filter(action="contribution.succeeded").values("contribution").annotate(n=Count("pk")).filter(n__gt=1).count(),
    "receipts_queued": DBTaskResult.objects.filter(task_path="masthead.supporters.tasks.receipt_email").count(),
}))
"""


@contextmanager
def postgres_database(server_url: str):
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(server_url)
    admin = urllib.parse.urlunsplit(parts._replace(scheme="postgresql"))
    name = f"masthead_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunsplit(parts._replace(scheme="postgres", path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def serving(env: dict[str, str], port: int, workers: int, threads: int):
    log = open(Path(env["MASTHEAD_DATA_DIR"]) / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "masthead.project.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads),
            "--backlog", "2048", "--no-control-socket",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/support/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise BenchError("gunicorn did not start; see " + log.name)
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# --- Load ------------------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    body: bytes
    headers: dict[str, str]
    expect: tuple[int, ...]
    tag: str = ""


@dataclass
class PhaseResult:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    statuses: Counter
    unexpected: list[str] = field(default_factory=list)
    answers: list[tuple[str, int, dict, bytes]] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


def load(name: str, port: int, requests: list[Request], clients: int) -> PhaseResult:
    local = threading.local()
    lock = threading.Lock()
    result = PhaseResult(name, len(requests), 0.0, [], Counter())

    def connection() -> http.client.HTTPConnection:
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        return local.conn

    def send(request: Request) -> None:
        for attempt in (1, 2):
            conn = connection()
            started = time.perf_counter()
            try:
                conn.request("POST", request.path, body=request.body, headers=request.headers)
                response = conn.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                # A keep-alive connection the server closed: reconnect once.
                conn.close()
                local.conn = None
                if attempt == 2:
                    with lock:
                        result.statuses["connection error"] += 1
                        result.unexpected.append(f"{request.path}: connection error")
                    return
                continue
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                result.statuses[response.status] += 1
                if response.status not in request.expect:
                    result.unexpected.append(f"{request.path}: {response.status} {body[:200]!r}")
                result.answers.append(
                    (request.tag, response.status, dict(response.getheaders()), body)
                )
            return

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(send, requests))
    result.seconds = time.perf_counter() - started
    return result


def contribution_requests(
    n: int, base_url: str, double_clicks: float, rng: random.Random
) -> list[Request]:
    requests = []
    for i in range(n):
        method = "test" if i % 2 == 0 else "stripe"
        frequency = rng.choice(["once", "monthly", "annual"])
        amount = {"once": "15", "monthly": "5", "annual": "50"}[frequency]
        fields = {
            "frequency": frequency,
            "currency": "USD",
            f"amount-{frequency}-USD": amount,
            "method": method,
            "email": f"bench{i}@example.org",
            "key": secrets.token_hex(16),
            "campaign": "bench",
        }
        body = urllib.parse.urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": base_url,
            "Accept": "application/json",
        }
        request = Request("/support/contribute/", body, headers, (200,), tag=f"{i}:{method}")
        requests.append(request)
        if rng.random() < double_clicks:
            requests.append(request)  # the same form, sent twice
    rng.shuffle(requests)
    return requests


def event_requests(
    checkouts: dict[str, str], duplicates: float, rng: random.Random
) -> tuple[list[Request], int]:
    import stripe

    from masthead.payments.test import provider as test_provider

    requests, distinct = [], 0
    for token, method in checkouts.items():
        event_id = "evt_" + secrets.token_hex(12)
        if method == "test":
            payload = test_provider.event_payload(
                event_id=event_id,
                type="payment.succeeded",
                checkout=token,
                payment="test_pay_" + token[:16],
            )
            body = json.dumps(payload).encode()
            signature = {
                test_provider.SIGNATURE_HEADER: test_provider.signature_header(
                    body, secret=_test_secret()
                )
            }
        else:
            intent = {
                "id": "pi_" + token[:20],
                "object": "payment_intent",
                "amount": 1500,
                "currency": "usd",
                "status": "succeeded",
                "invoice": None,
                "metadata": {"masthead_checkout": token},
            }
            event = {
                "id": event_id,
                "object": "event",
                "type": "payment_intent.succeeded",
                "created": int(time.time()),
                "data": {"object": intent},
            }
            body = json.dumps(event).encode()
            signature = {
                "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(
                    body.decode(), STRIPE_WEBHOOK_SECRET
                )
            }
        request = Request(
            f"/payments/webhooks/{method}/",
            body,
            {"Content-Type": "application/json", **signature},
            (200,),
        )
        requests.append(request)
        distinct += 1
        if rng.random() < duplicates:
            requests.append(request)  # the provider delivers it again
    rng.shuffle(requests)
    return requests, distinct


def _test_secret() -> str:
    import hashlib
    import hmac

    return hmac.new(
        SECRET_KEY.encode(), b"masthead.payments.test webhooks", hashlib.sha256
    ).hexdigest()


# --- One database ----------------------------------------------------------------------------


def bench_database(
    label: str, database_url: str | None, args
) -> tuple[list[PhaseResult], list[str]]:
    data_dir = Path(tempfile.mkdtemp(prefix="masthead-bench-contrib-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    database_url = database_url or f"sqlite:///{data_dir / 'masthead.sqlite3'}"
    env = masthead_env(data_dir, database_url, base_url)
    problems: list[str] = []
    try:
        print(f"[{label}] migrating a new database…", flush=True)
        run([sys.executable, "-m", "masthead.project.cli", "migrate", "--noinput"], env)
        run([sys.executable, "-m", "masthead.project.cli", "collectstatic", "--noinput"], env)
        django_snippet(env, PREPARE)
        rng = random.Random(args.seed)
        with serving(env, port, args.workers, args.threads):
            print(
                f"[{label}] {args.contributions} contributions from {args.clients} clients…",
                flush=True,
            )
            contributions = load(
                "contributions",
                port,
                contribution_requests(args.contributions, base_url, args.double_clicks, rng),
                args.clients,
            )
            checkouts: dict[str, str] = {}
            by_submission: dict[str, set[str]] = {}
            for tag, status, _headers, body in contributions.answers:
                if status == 200:
                    token = json.loads(body)["next"].rstrip("/").rsplit("/", 1)[1]
                    checkouts[token] = tag.split(":")[1]
                    by_submission.setdefault(tag, set()).add(token)
            doubled = [tag for tag, tokens in by_submission.items() if len(tokens) > 1]
            if doubled:
                problems.append(f"{len(doubled)} doubled submissions made two contributions")
            print(f"[{label}] webhook events for {len(checkouts)} payments…", flush=True)
            requests, distinct_events = event_requests(checkouts, args.duplicates, rng)
            events = load("webhook events", port, requests, args.clients)
        check = json.loads(django_snippet(env, CHECK))
        for phase in (contributions, events):
            if phase.unexpected:
                problems.append(
                    f"{phase.name}: {len(phase.unexpected)} unexpected answers, e.g. {phase.unexpected[0]}"
                )
        expected = {
            "contributions": args.contributions,
            "distinct_keys": args.contributions,
            "succeeded": args.contributions,
            "events": distinct_events,
            "succeeded_audits": args.contributions,
            "succeeded_twice": 0,
            "receipts_queued": args.contributions,
        }
        for key, value in expected.items():
            if check[key] != value:
                problems.append(f"{key}: expected {value}, found {check[key]}")
        if check["event_outcomes"] != {"applied": distinct_events}:
            problems.append(f"event outcomes: {check['event_outcomes']}")
        contributions.extra = f"{len(contributions.answers) - args.contributions} doubled"  # type: ignore[attr-defined]
        events.extra = f"{len(requests) - distinct_events} duplicates"  # type: ignore[attr-defined]
        return [contributions, events], problems
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contributions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--double-clicks", type=float, default=0.1, help="share sent twice")
    parser.add_argument(
        "--duplicates", type=float, default=0.25, help="share of events delivered twice"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""),
                        help="a PostgreSQL server URL; a database is created there and dropped")  # fmt: skip
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    args = parser.parse_args(argv)

    rows: list[tuple[str, PhaseResult]] = []
    failures: list[str] = []
    setups: list[tuple[str, str | None]] = [] if args.no_sqlite else [("SQLite", None)]
    if args.postgres:
        setups.append(("PostgreSQL", args.postgres))
    for label, url in setups:
        try:
            if url:
                with postgres_database(url) as database_url:
                    phases, problems = bench_database(label, database_url, args)
            else:
                phases, problems = bench_database(label, None, args)
        except BenchError as exc:
            failures.append(f"{label}: {exc}")
            continue
        rows += [(label, phase) for phase in phases]
        failures += [f"{label}: {p}" for p in problems]

    print()
    print(
        f"{'database':<11} {'phase':<15} {'requests':>8} {'repeats':>16} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}  answers"
    )
    for label, phase in rows:
        answers = ", ".join(f"{k}×{v}" for k, v in sorted(phase.statuses.items(), key=str))
        print(
            f"{label:<11} {phase.name:<15} {phase.requests:>8} {getattr(phase, 'extra', ''):>16} "
            f"{phase.per_second:>8.0f} {phase.percentile(0.5):>8.1f} {phase.percentile(0.99):>8.1f}  {answers}"
        )
    print(f"\n{args.clients} concurrent clients; gunicorn {args.workers} workers × {args.threads} threads (gthread); "
          f"{os.cpu_count()} CPUs.")  # fmt: skip
    if failures:
        print("\nFAILED:")
        for failure in failures:
            print("  " + failure)
        return 1
    print("Checks passed: no errors, one contribution per submission, each paid once, "
          "one event record per event id, one receipt per payment.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
