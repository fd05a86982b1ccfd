"""How fast does the send engine push one edition to 100,000 subscribers?

For each database (SQLite, then PostgreSQL when it answers), in a fresh data directory:

1. migrate, create 100,000 confirmed subscribers of one newsletter and an edition of five
   articles (with lead photos, so the email is a realistic ~20 KB);
2. start an SMTP sink on 127.0.0.1 (Debian's postfix ``smtp-sink`` when installed, else an
   ``aiosmtpd`` sink in its own process);
3. send the edition with ``masthead newsletter send <id>`` as its own process — the same
   engine the worker runs — and measure its wall time and peak memory (the child's
   ``ru_maxrss`` from ``wait4``);
4. in the same run, time the naive loop on a sample: for each subscriber render the HTML and
   text templates, build one ``EmailMultiAlternatives`` and send it over one reused SMTP
   connection of Django's SMTP backend.

Prints messages/second, peak memory, the engine/naive ratio and PASS / BELOW TARGET against
the targets (2,000 msg/s into smtp-sink, 6x naive, under 200 MB). Timings are findings: the
script exits non-zero only when something went wrong (a count that does not add up).

    .venv/bin/python bench/newsletter_send.py                 # both databases, 100,000
    .venv/bin/python bench/newsletter_send.py --subscribers 20000 --database sqlite
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 2000.0
TARGET_RATIO = 6.0
TARGET_MEMORY_MB = 200.0
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The SMTP sink ---------------------------------------------------------------------------


class Sink:
    def __init__(self, kind: str):
        self.port = free_port()
        self.kind = kind
        if kind == "smtp-sink":
            # -c: count messages; -u: drop root; backlog 1024.
            self.process = subprocess.Popen(
                ["/usr/sbin/smtp-sink", "-u", "nobody", f"127.0.0.1:{self.port}", "1024"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            self.process = subprocess.Popen(
                [sys.executable, __file__, "--aiosmtpd-sink", str(self.port)],
                stdout=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise SystemExit(f"the {kind} sink did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def aiosmtpd_sink(port: int) -> None:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


# --- One database ----------------------------------------------------------------------------


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def child_python(code: str, env: dict, *args: str) -> str:
    return run([sys.executable, "-c", code, *args], env).stdout.strip()


SETUP = r"""
import django, os, sys, io, secrets
django.setup()
from datetime import timedelta
from django.utils import timezone
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from masthead.publishing.models import HomePage, SectionPage, ArticlePage
from masthead.newsletters.models import Newsletter, Subscriber, Subscription, Edition, EditionArticle
n = int(os.environ["BENCH_N"])
home = HomePage.objects.get()
section = home.add_child(instance=SectionPage(title="World", slug="world"))
section.save_revision().publish(skip_permission_checks=True)
articles = []
for i in range(5):
    buf = io.BytesIO(); PILImage.new("RGB", (1600, 900), (40 + i * 30, 90, 140)).save(buf, "JPEG")
    image = Image.objects.create(title=f"p{i}", file=ImageFile(buf, name=f"p{i}.jpg"))
    a = ArticlePage(title=f"Story number {i}: what happened in the capital this week",
        slug=f"story-{i}", standfirst="One sentence that says what the story is about, at some length." * 2,
        lead_image=image, lead_image_alt="A street", lead_image_photographer="Jane Doe")
    section.add_child(instance=a); a.save_revision().publish(skip_permission_checks=True); articles.append(a)
weekly = Newsletter.objects.create(name="The Friday Courier", slug="friday", sender_name="The Courier",
    sender_email="newsletter@news.example.org", is_default=True)
now = timezone.now()
for start in range(0, n, 5000):
    people = Subscriber.objects.bulk_create([Subscriber(email=f"reader{i}@example.net", key=secrets.token_hex(8))
        for i in range(start, min(n, start + 5000))])
    if people[0].pk is None:
        people = list(Subscriber.objects.filter(email__in=[p.email for p in people]))
    Subscription.objects.bulk_create([Subscription(subscriber=p, newsletter=weekly, status="confirmed",
        requested_at=now, consented_at=now) for p in people])
edition = Edition.objects.create(newsletter=weekly, subject="The Friday Courier: the week in review",
    intro="Good morning.\n\nHere is our pick of the week, chosen by the editors.")
for order, a in enumerate(articles):
    EditionArticle.objects.create(edition=edition, article=a, sort_order=order)
print(edition.pk)
"""

NAIVE = r"""
import django, os, sys, time
django.setup()
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from masthead.newsletters import tokens
from masthead.newsletters.email import render
from masthead.newsletters.models import Edition, Subscriber
edition = Edition.objects.get(pk=int(sys.argv[1]))
sample = int(sys.argv[2])
people = list(Subscriber.objects.order_by("pk").values_list("email", "key")[:sample])
connection = mail.mailers["newsletters"]
connection.open()
base = render.edition_email_context(edition=edition)
started = time.perf_counter()
for email, key in people:
    token = tokens.list_token_make(subscriber_key=key, newsletter_id=edition.newsletter_id)
    context = {**base, "unsubscribe_url": f"https://news.example.org/newsletter/unsubscribe/{token}/"}
    html = render_to_string("newsletters/email/edition.html", context)
    text = render_to_string("newsletters/email/edition.txt", context)
    message = EmailMultiAlternatives(edition.subject, text, "newsletter@news.example.org", [email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"})
    message.attach_alternative(html, "text/html")
    connection.send_messages([message])
elapsed = time.perf_counter() - started
connection.close()
print(f"{len(people) / elapsed:.1f}")
"""


def database_url(kind: str, data_dir: Path) -> str | None:
    if kind == "sqlite":
        return f"sqlite:///{data_dir / 'bench.sqlite3'}"
    try:
        import psycopg
    except ImportError:
        return None
    name = f"masthead_bench_{os.getpid()}"
    try:
        with psycopg.connect(
            PG_SERVER.replace("postgres://", "postgresql://"), autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"  PostgreSQL not reachable ({exc}); skipped")
        return None
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_database(kind: str, *, subscribers: int, sample: int, sink_kind: str, concurrency: int):
    data_dir = Path(tempfile.mkdtemp(prefix=f"masthead-bench-{kind}-"))
    url = database_url(kind, data_dir)
    if url is None:
        return None
    sink = Sink(sink_kind)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.project.settings",
        "MASTHEAD_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "MASTHEAD_BASE_URL": "https://news.example.org",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "MASTHEAD_NEWSLETTER_CONCURRENCY": str(concurrency),
        "MASTHEAD_NEWSLETTER_RATE": "0",
        "LOG_LEVEL": "WARNING",
        "BENCH_N": str(subscribers),
    }
    try:
        print(f"[{kind}] migrating and creating {subscribers:,} subscribers…", flush=True)
        run([sys.executable, "-m", "masthead.project.cli", "migrate", "-v0"], env)
        edition_id = child_python(SETUP, env).splitlines()[-1]

        print(f"[{kind}] sending with the engine ({concurrency} connections)…", flush=True)
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "masthead.project.cli", "newsletter", "send", edition_id],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        output = process.stdout.read()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the send failed:\n{output}")
        peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        cpu = usage.ru_utime + usage.ru_stime
        check = child_python(
            "import django; django.setup()\n"
            "from masthead.newsletters.models import Delivery\n"
            "print(Delivery.objects.filter(status='sent').count())",
            env,
        )
        if int(check) != subscribers:
            raise SystemExit(f"[{kind}] only {check} of {subscribers} recorded as sent")
        rate = subscribers / elapsed  # process start to exit: rendering and ledger included

        print(f"[{kind}] naive loop on {sample:,} subscribers…", flush=True)
        naive = float(child_python(NAIVE, env, edition_id, str(sample)).splitlines()[-1])
        return {
            "db": kind,
            "rate": rate,
            "seconds": elapsed,
            "cpu": cpu,
            "peak_mb": peak_mb,
            "naive": naive,
        }
    finally:
        sink.stop()
        drop_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "BELOW TARGET"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=5_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sink", choices=["auto", "smtp-sink", "aiosmtpd"], default="auto")
    parser.add_argument("--aiosmtpd-sink", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.aiosmtpd_sink:
        aiosmtpd_sink(args.aiosmtpd_sink)
        return
    sink_kind = args.sink
    if sink_kind == "auto":
        sink_kind = "smtp-sink" if Path("/usr/sbin/smtp-sink").exists() else "aiosmtpd"
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = []
    for kind in kinds:
        result = bench_database(
            kind,
            subscribers=args.subscribers,
            sample=min(args.naive_sample, args.subscribers),
            sink_kind=sink_kind,
            concurrency=args.concurrency,
        )
        if result:
            results.append(result)
    print()
    print(
        f"One edition to {args.subscribers:,} confirmed subscribers into {sink_kind}, "
        f"{os.cpu_count()} cores, {args.concurrency} SMTP connections"
    )
    load = os.getloadavg()[0]
    print(f"(load average during the run's end: {load:.1f}; the rate depends on what else runs)")
    print(
        f"{'database':<10} {'msg/s':>8} {'seconds':>8} {'CPU s':>7} {'msg/CPU-s':>10} "
        f"{'peak MB':>8} {'naive msg/s':>12} {'ratio':>6}"
    )
    for r in results:
        ratio = r["rate"] / r["naive"] if r["naive"] else 0
        print(
            f"{r['db']:<10} {r['rate']:>8.0f} {r['seconds']:>8.1f} {r['cpu']:>7.1f} "
            f"{args.subscribers / r['cpu']:>10.0f} {r['peak_mb']:>8.0f} "
            f"{r['naive']:>12.0f} {ratio:>5.1f}x"
        )
    for r in results:
        ratio = r["rate"] / r["naive"] if r["naive"] else 0
        print(
            f"{r['db']}: rate {verdict(r['rate'] >= TARGET_RATE)} (>= {TARGET_RATE:.0f}/s), "
            f"ratio {verdict(ratio >= TARGET_RATIO)} (>= {TARGET_RATIO:.0f}x), "
            f"memory {verdict(r['peak_mb'] < TARGET_MEMORY_MB)} (< {TARGET_MEMORY_MB:.0f} MB)"
        )


if __name__ == "__main__":
    main()
