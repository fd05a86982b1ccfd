"""How much do readership figures cost? Beacon hits per second, the daily aggregation of
10 million hits, and how close the unique-reader estimate is to the truth.

1. Serves the demo publication with gunicorn (2 workers × 4 threads, the page cache's server
   set-up of ``bench/serve.py``) and loads, one after another, with ``wrk``:
   - ``/api/reach``: the smallest Django view behind the same middleware (the hello-view
     ceiling of this server on this machine);
   - ``POST /figures/hit``: the beacon, each request from another reader address (through
     ``X-Forwarded-For`` from a trusted proxy), on one of 50 article paths.
2. Counts 10 million synthetic hits (5,000 articles, 6 hosts, 8 referrer kinds, 2 languages,
   1,000,000 readers) through the tally the web processes use (a hit's whole cost after the
   request is parsed), then flushes it: sketches merged with the cache, daily rows written.
3. Estimates unique readers of synthetic populations (known truth) through the real hash and
   sketch, and prints the error.

Target (issue 17): ≥ 2,000 hits/s on two cores; aggregation of 10 M hits under a minute;
uniqueness within ±2 %. The machine may be shared: the load average is printed beside.

Run it with the project's interpreter: ``.venv/bin/python bench/figures.py --help``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import (  # noqa: E402 - after the path is set
    BenchError,
    Server,
    ServerConfig,
    demo_build,
    django_snippet,
    masthead_env,
    redis_answers,
    run_wrk,
    wrk_path,
)

TARGET_HITS = 2000
TARGET_AGGREGATION_SECONDS = 60
SERVER = ServerConfig(workers=2, worker_class="gthread", threads=4, keep_alive=5)

HIT_SCRIPT = """
local n = 0
request = function()
  n = n + 1
  local path = "/world/story-" .. (n % 50) .. "/"
  local address = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. ".1"
  wrk.headers["X-Forwarded-For"] = address
  return wrk.format("POST", nil, nil, "p=" .. path .. "&l=en&r=search")
end
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "ORIGIN"
"""

AGGREGATE = """
import time, random, django
django.setup()
from django.utils import timezone
from masthead.figures import tally
N = %(hits)d
day = timezone.localdate()
paths = [f"/section/article-{i}/" for i in range(5000)]
hosts = [("main", ""), ("mirror", "m1.example.net"), ("mirror", "m2.example.net"),
         ("onion", ""), ("copy", ""), ("other", "api.example.net")]
referrers = ["none", "internal", "search", "telegram", "email", "other", "social-vk", "social-x"]
random.seed(1)
keys = [tally.RowKey(day, random.choice(paths), *random.choice(hosts),
                     random.choice(referrers), random.choice(("ru", "en"))) for _ in range(50000)]
# 1,000,000 readers; every fourth hit comes without an address (onion, no JavaScript).
readers = [random.getrandbits(64) for _ in range(1_000_000)]
readers = [None if i %% 4 == 3 else r for i, r in enumerate(readers)]
wall, cpu = time.perf_counter(), time.process_time()
add = tally.hit_add
for i in range(N):
    add(keys[i %% 50000], reader=readers[(i * 7919) %% 1_000_000])
counted = time.perf_counter() - wall
written = tally.flush()
print(f"{counted:.2f} {time.perf_counter() - wall:.2f} {time.process_time() - cpu:.2f} {written}")
"""

UNIQUENESS = """
import random, django
django.setup()
from django.utils import timezone
from masthead.figures import readers
from masthead.figures.sketch import Sketch
random.seed(%(seed)d)
day = timezone.localdate()
agents = [f"Mozilla/5.0 (device {i}) Chrome/{120 + i %% 20}.0" for i in range(%(agents)d)]
sketch = Sketch()
for n in range(%(readers)d):
    net = random.randrange(%(networks)d)
    # Public-looking addresses: network n is 11.0.0.0/24 onwards, any host in it.
    address = f"{11 + (net >> 16)}.{(net >> 8) & 255}.{net & 255}.{random.randint(1, 254)}"
    who = readers.reader_hash(network=address, user_agent=random.choice(agents), day=day)
    sketch.add(readers.reader_value(who))
    sketch.add(readers.reader_value(who))  # the same reader again: never a second one
print(%(readers)d, sketch.count())
"""

POPULATIONS = [
    # (label, readers, distinct /24 networks they come from, distinct user agents)
    ("20,000 readers, 1,000,000 networks, 300 browsers", 20_000, 1_000_000, 300),
    ("100,000 readers, 1,000,000 networks, 300 browsers", 100_000, 1_000_000, 300),
    ("20,000 readers, 20,000 networks, 300 browsers", 20_000, 20_000, 300),
]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def serve_rows(args, data_dir: Path, log_dir: Path, **env: str) -> list[tuple[str, float, str]]:
    wrk = wrk_path()
    rows = []
    server = Server(
        SERVER,
        data_dir,
        log_dir,
        MASTHEAD_TRUSTED_PROXIES="127.0.0.0/8",
        MASTHEAD_FIGURES_HIT_LIMIT="1000000000",
        **env,
    )
    try:
        server.wait_ready("/api/reach")
        script = log_dir / "hit.lua"
        script.write_text(HIT_SCRIPT.replace("ORIGIN", server.base))
        for label, path, lua in (
            ("hello view (/api/reach)", "/api/reach", None),
            ("beacon (POST /figures/hit)", "/figures/hit", script),
        ):
            common = dict(seconds=3, connections=args.connections, threads=2, close=False)
            run_wrk(wrk, server.base + path, script=lua, **common)  # warm-up
            common["seconds"] = args.seconds
            result = run_wrk(wrk, server.base + path, script=lua, **common)
            if result.problems:
                raise BenchError(f"{label}: {', '.join(result.problems)}")
            rows.append(
                (
                    label,
                    result.requests_per_s,
                    f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms",
                )
            )
    finally:
        server.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="Reuse a demo data directory.")
    parser.add_argument("--seconds", type=int, default=10, help="Each wrk run.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--hits", type=int, default=10_000_000, help="Hits to aggregate.")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/9", help="For the Redis row."
    )
    args = parser.parse_args(argv)
    print(f"Load average before: {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="masthead-figures-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if args.data_dir is None or not (data_dir / "masthead.sqlite3").exists():
            demo_build(data_dir)
        caches = [("file cache", {})]
        if redis_answers(args.redis_url):
            caches.append(("Redis", {"REDIS_URL": args.redis_url}))
        else:
            print(f"(Redis does not answer at {args.redis_url}: its row is skipped)")
        for cache_label, env in caches:
            try:
                rows = serve_rows(args, data_dir, Path(tmp), **env)
            except BenchError as exc:
                print(f"ERROR: {exc}")
                return 1
            print(
                f"\nServer: gunicorn {SERVER.describe()}, {cache_label}; "
                f"load average {load_average()}"
            )
            for label, rps, latency in rows:
                print(f"  {label:<30} {rps:>9.0f} requests/s   {latency}")
            hits, hello = rows[1][1], rows[0][1]
            verdict = "PASS" if hits >= TARGET_HITS else "BELOW TARGET"
            print(
                f"  beacon: {hits / hello:.0%} of the hello view; {verdict} "
                f"(target ≥ {TARGET_HITS}/s)"
            )

        aggregation = subprocess.run(
            [sys.executable, "-c", AGGREGATE % {"hits": args.hits}],
            cwd=ROOT,
            env=masthead_env(data_dir, MASTHEAD_FIGURES_FLUSH_SECONDS="3600"),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if aggregation.returncode != 0:
            print(f"ERROR: aggregation failed:\n{aggregation.stderr[-3000:]}")
            return 1
        counted, total, cpu, written = aggregation.stdout.split()
        verdict = "PASS" if float(total) < TARGET_AGGREGATION_SECONDS else "ABOVE TARGET"
        print(
            f"\nAggregation of {args.hits:,} hits (1,000,000 readers, 50,000 rows): counted "
            f"in {float(counted):.1f} s, {written} daily rows and sketches written, "
            f"{float(total):.1f} s in all ({float(cpu):.1f} s of CPU): {verdict} "
            f"(target < {TARGET_AGGREGATION_SECONDS} s); load average {load_average()}"
        )
        print("\nUnique readers against synthetic ground truth (each reader seen twice):")
        for label, readers, networks, agents in POPULATIONS:
            code = UNIQUENESS % {
                "seed": 7,
                "readers": readers,
                "networks": networks,
                "agents": agents,
            }
            truth, found = (int(x) for x in django_snippet(data_dir, code).split())
            error = (found - truth) / truth * 100
            verdict = "within ±2 %" if abs(error) <= 2 else "OUTSIDE ±2 %"
            print(f"  {label:<52} truth {truth:>6}  estimate {found:>6}  {error:+.2f} %  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
