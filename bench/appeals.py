"""What do support appeals cost a reader? Bytes over the wire and main-thread time.

Builds the demo publication (or reuses ``--data-dir``), serves it with gunicorn on 127.0.0.1
and measures:

- sizes: ``appeals.js`` and ``appeals.css`` as served (raw and gzip -9), and the appeals file
  ``/appeals/active.json`` as the demo publishes it (raw and gzip -9);
- main-thread time: an article page loaded in Debian's Chromium, many times, alternating the
  page as served and the same page with the ``<script>`` tag of appeals.js removed (each run
  a fresh browser context, so nothing is cached between runs). The main thread's CPU time
  (Chromium's ``Performance.getMetrics`` TaskDuration, thread ticks) is read once the page
  has settled; the median difference is what the script adds. Three readers: a new one, for
  whom the script decides to show nothing; one past the appeal's threshold who stays at the
  top of the article (the appeal is due, but is only put in place when the reader nears it);
  and the same reader reading on to the end, where the appeal is inserted and a counter
  beacon sent.

Targets (issue 5): under 10 KB gzipped and under 5 ms of main-thread time. Being above a
target is a finding, printed as such; the exit status is 1 only when the run went wrong.

Run it with the project's interpreter: ``.venv/bin/python bench/appeals.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_GZIP_BYTES = 10 * 1024
TARGET_MAIN_THREAD_MS = 5.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT_TAG = re.compile(r'<script src="[^"]*/appeals/appeals\.[^"]*js" defer></script>')
STORE = "masthead.appeals"
# Truthy once appeals.js has decided (its outcome), or at once on the page without it.
SETTLED = """() => {
  const slot = document.querySelector("[data-appeals]");
  if (!slot) return "no slot";
  if (!document.querySelector('script[src*="/appeals/appeals."]')) return "-";
  return slot.getAttribute("data-appeals-ready");
}"""
SCROLL_TO_SLOT = "document.querySelector('[data-appeals]').scrollIntoView({block: 'center'})"
# The appeal has been put in place and counted as seen (or there is no script to do so).
REACHED = """() => !document.querySelector('script[src*="/appeals/appeals."]')
  || document.querySelector("[data-appeal-viewed]")"""


# (name, past the appeal's threshold, reads on to the end of the article)
READERS = [
    ("new reader, page load", False, False),
    ("appeal due, page load", True, False),
    ("appeal due, reads to end", True, True),
]


class BenchError(Exception):
    """Something went wrong: the figures of this run cannot be trusted."""


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
        return response.read()


# --- Sizes ------------------------------------------------------------------------------------


@dataclass
class Size:
    name: str
    raw: int
    gz: int


def sizes(base_url: str, article_html: str) -> list[Size]:
    result = []
    for name, pattern in (
        ("appeals.js", r'src="([^"]*/appeals/appeals\.[^"]*js)"'),
        ("appeals.css", None),
    ):
        if pattern:
            match = re.search(pattern, article_html)
            if not match:
                raise BenchError("the article page does not load appeals.js")
            body = fetch(base_url + match.group(1))
        else:
            document = json.loads(fetch(base_url + "/appeals/active.json"))
            body = fetch(base_url + document["css"])
        result.append(Size(name, len(body), gzipped(body)))
    document_bytes = fetch(base_url + "/appeals/active.json")
    document = json.loads(document_bytes)
    variants = sum(len(a["variants"]) for a in document["appeals"])
    result.append(
        Size(
            f"active.json ({len(document['appeals'])} appeals, {variants} variants)",
            len(document_bytes),
            gzipped(document_bytes),
        )
    )
    return result


# --- Main-thread time -------------------------------------------------------------------------


@dataclass
class Sample:
    task_ms: float
    script_ms: float
    outcome: str


def _week_now() -> int:
    return (int(time.time() // 86400) + 3) // 7


def measure_once(
    browser, url: str, *, with_script: bool, sees_appeal: bool, scrolls: bool = False
) -> Sample:
    context = browser.new_context()
    try:
        if sees_appeal:  # a reader past the demo's threshold: the end-of-article appeal shows
            state = {"seed": 1, "reads": {str(_week_now()): {"politics": 10}}}
            context.add_init_script(
                f"localStorage.setItem('{STORE}', JSON.stringify({json.dumps(state)}));"
            )
        page = context.new_page()

        def serve(route):
            response = route.fetch()
            body = response.text()
            if not with_script:
                body, n = SCRIPT_TAG.subn("", body)
                if n != 1:
                    raise BenchError("could not find appeals.js's script tag to remove")
            route.fulfill(response=response, body=body)

        # Both pages go through the same route, so they differ only by the script tag.
        page.route(url, serve)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.goto(url, wait_until="load")
        # The same wait, and the same evaluation, for both pages: Playwright's own page scripts
        # run on the main thread too, and must fall on both sides equally.
        outcome = page.wait_for_function(SETTLED, timeout=15_000).json_value()
        if scrolls:  # the reader reads on to the end of the article
            page.evaluate(SCROLL_TO_SLOT)
            page.wait_for_function(REACHED, timeout=15_000)
        page.wait_for_load_state("networkidle")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return Sample(
            task_ms=metrics["TaskDuration"] * 1000,
            script_ms=metrics["ScriptDuration"] * 1000,
            outcome=outcome,
        )
    finally:
        context.close()


@dataclass
class Comparison:
    reader: str
    runs: int
    with_ms: float
    without_ms: float
    with_script_ms: float
    without_script_ms: float
    outcomes: set[str]

    @property
    def added_ms(self) -> float:
        return self.with_ms - self.without_ms


def compare(
    browser, url: str, *, runs: int, sees_appeal: bool, scrolls: bool, reader: str
) -> Comparison:
    with_samples, without_samples = [], []
    options = {"sees_appeal": sees_appeal, "scrolls": scrolls}
    for warm in range(2):  # warm the server's caches and the browser binary; not counted
        measure_once(browser, url, with_script=bool(warm), **options)
    for n in range(runs):
        # Alternate which goes first, so drift on the machine falls on both equally.
        order = (True, False) if n % 2 == 0 else (False, True)
        for with_script in order:
            sample = measure_once(browser, url, with_script=with_script, **options)
            (with_samples if with_script else without_samples).append(sample)
    expected = "article" if sees_appeal else "none"
    outcomes = {s.outcome for s in with_samples}
    if outcomes != {expected} or {s.outcome for s in without_samples} != {"-"}:
        raise BenchError(f"{reader}: appeals.js decided {outcomes}, expected {expected!r}")
    return Comparison(
        reader=reader,
        runs=runs,
        with_ms=statistics.median(s.task_ms for s in with_samples),
        without_ms=statistics.median(s.task_ms for s in without_samples),
        with_script_ms=statistics.median(s.script_ms for s in with_samples),
        without_script_ms=statistics.median(s.script_ms for s in without_samples),
        outcomes=outcomes,
    )


# --- Report -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "ABOVE TARGET"


def report(found_sizes: list[Size], comparisons: list[Comparison]) -> str:
    lines = ["", "Sizes (as served; gzip -9)", ""]
    lines.append(f"| {'file':<40} | {'raw':>9} | {'gzip':>9} | target |")
    lines.append(f"|{'-' * 42}|{'-' * 11}|{'-' * 11}|--------|")
    for size in found_sizes:
        target = verdict(size.gz < TARGET_GZIP_BYTES) if size.name.startswith("appeals.js") else ""
        lines.append(f"| {size.name:<40} | {size.raw:>7} B | {size.gz:>7} B | {target:<6} |")
    lines += ["", "Main-thread time of an article page load (median CPU ms, Chromium)", ""]
    lines.append(
        "| reader                    | runs | with script | without | added  | script only | target |"
    )
    lines.append(
        "|---------------------------|------|-------------|---------|--------|-------------|--------|"
    )
    for c in comparisons:
        lines.append(
            f"| {c.reader:<25} | {c.runs:>4} | {c.with_ms:>9.1f}ms | {c.without_ms:>5.1f}ms |"
            f" {c.added_ms:>4.1f}ms | {c.with_script_ms - c.without_script_ms:>9.1f}ms |"
            f" {verdict(c.added_ms < TARGET_MAIN_THREAD_MS):<6} |"
        )
    lines.append("")
    lines.append(
        "added = median(with) − median(without) of the main thread's total task time; "
        "script only = the same for time spent running JavaScript."
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=25, help="page loads per variant (25)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="reuse (or create) the demo data here instead of a temporary directory",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("MASTHEAD_APPEALS_COUNT_LIMIT", "1000000")  # beacons from one client

    from playwright.sync_api import sync_playwright

    from masthead.project.demo import content
    from masthead.project.tests.demo_server import running_demo_site

    if not os.access(CHROMIUM, os.X_OK):
        raise BenchError(f"Chromium is needed at {CHROMIUM}: apt-get install chromium")
    article = next(a for a in content.ARTICLES if a["section"] == "politics")
    with contextlib.ExitStack() as stack:
        data_dir = args.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        data_dir.mkdir(parents=True, exist_ok=True)
        print(f"Building and serving the demo from {data_dir}…", flush=True)
        site = stack.enter_context(running_demo_site(data_dir))
        url = site.url(f"/{article['section']}/{article['slug']}/")
        found_sizes = sizes(site.base_url, fetch(url).decode())
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        comparisons = []
        for reader, sees_appeal, scrolls in READERS:
            print(f"Measuring: {reader}, {args.runs} runs each way…", flush=True)
            comparisons.append(
                compare(
                    browser,
                    url,
                    runs=args.runs,
                    sees_appeal=sees_appeal,
                    scrolls=scrolls,
                    reader=reader,
                )
            )
    print(report(found_sizes, comparisons))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "sizes": [vars(s) for s in found_sizes],
                    "main_thread": [
                        {**vars(c), "outcomes": sorted(c.outcomes), "added_ms": c.added_ms}
                        for c in comparisons
                    ],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench/appeals.py: {exc}", file=sys.stderr)
        sys.exit(1)
