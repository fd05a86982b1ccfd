"""``masthead figures [--days N] [--json]``: the figures the admin shows, in a terminal."""

import json as json_module

from django.core.management.base import BaseCommand, CommandError

from masthead.figures import selectors


def _amounts(counts) -> str:
    return " ".join(f"{c} {a}" for c, a in counts.as_dict()["amounts"].items()) or "—"


class Command(BaseCommand):
    help = "Views, readers, signups and contributions per day, article, channel and host."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Days back, today included.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, days: int, json: bool, **options):  # noqa: A002 - the flag's name
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        report = selectors.figures_report(days=days)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        header = f"{'':<44} {'views':>8} {'readers':>8} {'unmeas.':>8} {'signups':>8} {'gifts':>6}"
        self.stdout.write(f"Figures {report.first} – {report.last}")
        sections = [
            ("Total", [("all", report.total)]),
            (
                "Per day",
                [
                    (r.key, r.counts)
                    for r in report.days
                    if r.counts.views or r.counts.signups or r.counts.contributions
                ],
            ),
            (
                "Per article",
                [(r.label[:44] if r.label else r.key, r.counts) for r in report.articles],
            ),
            ("Top articles this week", [(r.label or r.key, r.counts) for r in report.top_week]),
            ("By channel", [(r.key, r.counts) for r in report.channels]),
            ("By host", [(r.key, r.counts) for r in report.hosts]),
        ]
        for title, rows in sections:
            self.stdout.write(f"\n{title}\n{header}")
            for key, c in rows:
                self.stdout.write(
                    f"{key[:44]:<44} {c.views:>8} {c.readers:>8} {c.unmeasured:>8} "
                    f"{c.signups:>8} {c.contributions:>6}  {_amounts(c)}"
                    + (f"  {c.per_thousand}/1000 views" if c.per_thousand is not None else "")
                )
        if report.stopped_mirrors:
            self.stdout.write(
                "\nMirrors with readers last week and none today: "
                + ", ".join(report.stopped_mirrors)
            )
        self.stdout.write(
            "\nReaders are not estimated for the onion service, clients without an address or "
            "without JavaScript: their views are counted as 'unmeasured'."
        )


def _dumps(data: dict) -> str:
    return json_module.dumps(data, indent=2, ensure_ascii=False)
