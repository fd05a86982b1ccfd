"""``masthead appeals``: list appeals, print their results, export the appeals file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masthead.appeals import publication, selectors
from masthead.appeals.models import Appeal


class Command(BaseCommand):
    help = "Appeals: list them, print their results, or export /appeals/active.json to a file."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("list", help="Every appeal with its id, placement and status.")
        report = commands.add_parser("report", help="Each variant's counters and rates.")
        report.add_argument("appeal_id", nargs="?", type=int, help="Default: every appeal.")
        report.add_argument("--json", action="store_true", help="Machine-readable output.")
        export = commands.add_parser(
            "export", help="Write the appeals file, e.g. into a static copy of the site."
        )
        export.add_argument("path", type=Path, help="e.g. out/appeals/active.json")

    def handle(self, *args, action, **options):
        if action == "list":
            for appeal in Appeal.objects.order_by("pk"):
                state = "on" if appeal.enabled else "off"
                self.stdout.write(
                    f"{appeal.pk}\t{appeal.placement}\t{appeal.audience}\t{state}\t{appeal.name}"
                )
        elif action == "report":
            self._report(options["appeal_id"], as_json=options["json"])
        elif action == "export":
            document = publication.appeals_document(
                appeals=selectors.appeals_published(now=timezone.now()),
            )
            path: Path = options["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {len(document['appeals'])} appeals to {path}")

    def _report(self, appeal_id: int | None, *, as_json: bool) -> None:
        appeals = Appeal.objects.order_by("pk")
        if appeal_id is not None:
            appeals = appeals.filter(pk=appeal_id)
            if not appeals:
                raise CommandError(f"No appeal with id {appeal_id}.")
        reports = [selectors.appeal_report(appeal=appeal) for appeal in appeals]
        if as_json:
            self.stdout.write(json.dumps([_as_dict(report) for report in reports], indent=2))
            return
        for report in reports:
            self.stdout.write(f"{report.appeal.pk} {report.appeal.name}: {report.verdict}")
            for row in report.variants:
                money = ", ".join(
                    f"{r.currency} {r.per_mille.estimate:.2f}/1000 views" for r in row.revenue
                )
                self.stdout.write(
                    f"  {row.variant.key}: {row.views} views, {row.clicks} clicks, "
                    f"{row.contributions} contributions, conversion "
                    f"{row.conversion.estimate:.2%} ({row.conversion.low:.2%}–"
                    f"{row.conversion.high:.2%}){'; ' + money if money else ''}"
                )


def _as_dict(report: selectors.AppealReport) -> dict:
    return {
        "id": report.appeal.pk,
        "name": report.appeal.name,
        "placement": report.appeal.placement,
        "enabled": report.appeal.enabled,
        "winner": report.winner.variant.key if report.winner else None,
        "verdict": report.verdict,
        "variants": [
            {
                "key": row.variant.key,
                "heading": row.variant.heading,
                "views": row.views,
                "clicks": row.clicks,
                "snoozes": row.snoozes,
                "dismissals": row.dismissals,
                "contributions": row.contributions,
                "conversion": [row.conversion.estimate, row.conversion.low, row.conversion.high],
                "revenue": {
                    r.currency: {
                        "contributions": r.contributions,
                        "total": str(r.total),
                        "per_mille": [r.per_mille.estimate, r.per_mille.low, r.per_mille.high],
                    }
                    for r in row.revenue
                },
            }
            for row in report.variants
        ],
    }
