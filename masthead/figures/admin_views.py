"""Figures in the Wagtail admin: charts drawn on the server (SVG, with their tables beside
them) and a CSV export, both for editors with the ``figures.view_figures`` permission."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from masthead.figures import selectors
from masthead.supporters.charts import Series, bar_chart

VIEW_PERMISSION = "figures.view_figures"
VIEWS_COLOUR, READERS_COLOUR, CONVERSIONS_COLOUR = "#2d6a8e", "#8c1c13", "#2f7d32"
DAY_CHOICES = (7, 30, 90, 365)


def _days(request: HttpRequest) -> int:
    raw = request.GET.get("days", "30")
    return next((days for days in DAY_CHOICES if raw == str(days)), 30)


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


class FiguresView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "figures/admin/figures.html"
    page_title = "Figures"
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = _days(self.request)
        report = selectors.figures_report(days=days)
        labels = [r.key[5:] for r in report.days]  # MM-DD
        context.update(
            report=report,
            days=days,
            day_choices=DAY_CHOICES,
            daily_chart=bar_chart(
                title=f"Views and readers per day, last {days} days",
                categories=labels,
                series=[
                    Series("Views", [r.counts.views for r in report.days], VIEWS_COLOUR),
                    Series("Readers", [r.counts.readers for r in report.days], READERS_COLOUR),
                ],
                stacked=False,
            ),
            conversion_chart=bar_chart(
                title=f"Signups and contributions per day, last {days} days",
                categories=labels,
                series=[
                    Series("Signups", [r.counts.signups for r in report.days], VIEWS_COLOUR),
                    Series(
                        "Contributions",
                        [r.counts.contributions for r in report.days],
                        CONVERSIONS_COLOUR,
                    ),
                ],
            ),
            host_chart=bar_chart(
                title="Views by host",
                categories=[r.key for r in report.hosts],
                series=[Series("Views", [r.counts.views for r in report.hosts], VIEWS_COLOUR)],
            ),
        )
        return context


CSV_COLUMNS = [
    "table",
    "key",
    "label",
    "views",
    "readers",
    "unmeasured",
    "signups",
    "contributions",
    "amounts",
    "per_thousand_views",
]


def figures_csv(request: HttpRequest) -> HttpResponse:
    _require(request)
    report = selectors.figures_report(days=_days(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="figures-{report.first}-{report.last}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for table in ("days", "articles", "channels", "hosts", "top_week"):
        for row in getattr(report, table):
            data = row.as_dict()
            data["amounts"] = " ".join(f"{c} {a}" for c, a in data["amounts"].items())
            writer.writerow([table] + [data[c] for c in CSV_COLUMNS[1:]])
    return response
