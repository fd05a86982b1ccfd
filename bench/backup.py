"""How long do ``masthead backup`` and ``masthead restore`` take for a 10,000-article site?

Generates the publication with ``bench/build.py generate`` (8 sections, 60 tags, 40 authors,
shared photos, N articles) in a fresh data directory, or reuses one (``--data-dir``), then
times, each in its own process as an operator runs them:

1. ``masthead backup --out …`` (plain), and again with ``--encrypt-to`` an age key;
2. ``masthead restore …`` into a new, empty data directory (and ``--identity`` for the
   encrypted one), and checks the restored rows against the manifest (the command warns).

SQLite by default. ``--database-url postgres://…/source`` generates into that (empty)
database and ``--restore-database-url postgres://…/target`` restores into another empty one.
Wall and CPU seconds are printed with the load average: other work on the machine skews them.

    .venv/bin/python bench/backup.py --size 10000
    .venv/bin/python bench/backup.py --data-dir /tmp/site-10000    # an existing site
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import ROOT, environment, load, masthead, run  # noqa: E402 - the bench's helpers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="Articles to generate.")
    parser.add_argument("--data-dir", type=Path, help="Reuse this site instead of generating.")
    parser.add_argument("--database-url", help="The source database (default: SQLite).")
    parser.add_argument("--restore-database-url", help="An empty database to restore into.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-backup-"))
    print(f"Working in {work}; {os.cpu_count()} cores, {load()}", flush=True)
    try:
        source = environment(args.data_dir or work / "source", args.database_url)
        if args.data_dir is None:
            Path(source["MASTHEAD_DATA_DIR"]).mkdir(parents=True)
            masthead(source, "migrate", "--noinput", "-v", "0")
            timed = run(
                [
                    sys.executable,
                    str(ROOT / "bench/build.py"),
                    "generate",
                    "--size",
                    str(args.size),
                ],
                env=source,
            )
            print(f"generated {args.size} articles in {timed.wall:.1f} s", flush=True)

        from pyrage import x25519

        key = x25519.Identity.generate()
        key_file = work / "backup-key.txt"
        key_file.write_text(f"{key}\n")
        for label, extra, restore_extra in (
            ("plain", [], []),
            (
                "encrypted (age)",
                ["--encrypt-to", str(key.to_public())],
                ["--identity", str(key_file)],
            ),
        ):
            archive = work / f"backup-{len(extra)}.tar"
            backup = masthead(source, "backup", "--out", str(archive), *extra)
            size = archive.stat().st_size / 1e6
            target_dir = work / f"restored-{len(extra)}"
            target = environment(target_dir, args.restore_database_url)
            restore = masthead(target, "restore", str(archive), *restore_extra)
            warnings = [line for line in restore.output.splitlines() if "the manifest says" in line]
            print(
                f"{label}: backup {backup.wall:.1f} s wall / {backup.cpu:.1f} s CPU, "
                f"{size:.0f} MB; restore {restore.wall:.1f} s wall / {restore.cpu:.1f} s CPU; "
                f"rows differing from the manifest: {len(warnings)} ({load()})",
                flush=True,
            )
            if args.restore_database_url:
                break  # the target database is no longer empty
            shutil.rmtree(target_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
