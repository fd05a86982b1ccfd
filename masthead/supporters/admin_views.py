"""Reader revenue in the Wagtail admin: what readers give, as charts and tables, CSV exports,
and the offline gifts waiting for an editor to confirm them."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from masthead.payments import registry
from masthead.payments.selectors import webhook_events_unmatched
from masthead.supporters import selectors, services
from masthead.supporters.amounts import MINOR_PER_MAJOR, format_amount
from masthead.supporters.charts import Series, bar_chart
from masthead.supporters.models import Contribution
from masthead.supporters.services import exports

MONTHS = 12
VIEW_PERMISSION = "supporters.view_contribution"
CHANGE_PERMISSION = "supporters.change_contribution"
ONE_OFF_COLOUR, RECURRING_COLOUR = "#8c1c13", "#2d6a8e"
NEW_COLOUR, CANCELLED_COLOUR = "#2f7d32", "#9e9e9e"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _test_mode(request: HttpRequest) -> bool:
    return selectors.support_settings(request=request).test_mode


class RevenueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "supporters/admin/revenue.html"
    page_title = "Reader revenue"
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require(request, VIEW_PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_test = _test_mode(self.request)
        revenue = selectors.revenue_by_month(months=MONTHS, is_test=is_test)
        currencies = []
        for currency, rows in revenue.items():
            categories = [row.month.strftime("%b %y") for row in rows]
            currencies.append(
                {
                    "currency": currency,
                    "rows": [
                        {
                            "month": row.month,
                            "one_off": format_amount(row.one_off_minor, currency),
                            "recurring": format_amount(row.recurring_minor, currency),
                            "total": format_amount(row.total_minor, currency),
                            "one_off_count": row.one_off_count,
                            "recurring_count": row.recurring_count,
                        }
                        for row in rows
                    ],
                    "chart": bar_chart(
                        title=f"Money received per month in {currency}: one-off and recurring",
                        categories=categories,
                        series=[
                            Series("One-off", [r.one_off_minor for r in rows], ONE_OFF_COLOUR),
                            Series(
                                "Recurring", [r.recurring_minor for r in rows], RECURRING_COLOUR
                            ),
                        ],
                        label=lambda minor, c=currency: format_amount(
                            minor // MINOR_PER_MAJOR * MINOR_PER_MAJOR, c
                        ),
                    ),
                }
            )
        flow = selectors.recurring_flow_by_month(months=MONTHS, is_test=is_test)
        summary = selectors.recurring_summary(is_test=is_test)
        since = timezone.now() - timedelta(days=30)
        context.update(
            {
                "is_test": is_test,
                "currencies": currencies,
                "summary": summary,
                "mrr": [(c, format_amount(v, c)) for c, v in summary.mrr_minor.items()],
                "flow": flow,
                "flow_chart": bar_chart(
                    title="Recurring supporters who started and who ended, per month",
                    categories=[f.month.strftime("%b %y") for f in flow],
                    series=[
                        Series("New", [f.new for f in flow], NEW_COLOUR),
                        Series("Cancelled", [f.cancelled for f in flow], CANCELLED_COLOUR),
                    ],
                    stacked=False,
                ),
                "blocked": selectors.blocked_attempts_recent(days=30),
                "pending_count": selectors.contributions_pending_offline().count(),
                "unmatched_events": webhook_events_unmatched(since=since)[:20],
                "can_export": self.request.user.has_perm(exports.EXPORT_CONTRIBUTIONS_PERMISSION),
            }
        )
        return context


def revenue_csv(request: HttpRequest) -> HttpResponse:
    """Month by month, per currency: the table behind the charts (amounts in major units)."""
    _require(request, VIEW_PERMISSION)
    is_test = _test_mode(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="revenue-by-month.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["month", "currency", "one_off", "recurring", "total", "one_off_count", "recurring_count"]
    )
    for currency, rows in selectors.revenue_by_month(months=MONTHS, is_test=is_test).items():
        for row in rows:
            writer.writerow(
                [
                    row.month.strftime("%Y-%m"),
                    currency,
                    f"{row.one_off_minor / MINOR_PER_MAJOR:.2f}",
                    f"{row.recurring_minor / MINOR_PER_MAJOR:.2f}",
                    f"{row.total_minor / MINOR_PER_MAJOR:.2f}",
                    row.one_off_count,
                    row.recurring_count,
                ]
            )
    return response


def contributions_csv(request: HttpRequest) -> HttpResponse:
    """Every received or pending contribution, without email addresses."""
    _require(request, VIEW_PERMISSION)
    if not request.user.has_perm(exports.EXPORT_CONTRIBUTIONS_PERMISSION):
        # 403, not Wagtail's redirect: the link is hidden, so this is refused as a forged or
        # stale request.
        return HttpResponseForbidden("Exporting contributions needs its own permission.")
    is_test = _test_mode(request)
    contributions = selectors.contributions_for_export(is_test=is_test)
    exports.contributions_export_record(
        actor=request.user, rows=contributions.count(), is_test=is_test
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contributions.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "receipt",
            "created",
            "received",
            "status",
            "amount",
            "fees_covered",
            "currency",
            "frequency",
            "renewal",
            "provider",
            "campaign",
        ]
    )
    for c in contributions.iterator():
        writer.writerow(
            [
                c.receipt_number,
                c.created_at.isoformat(timespec="seconds"),
                c.succeeded_at.isoformat(timespec="seconds") if c.succeeded_at else "",
                c.status,
                f"{c.amount_minor / MINOR_PER_MAJOR:.2f}",
                f"{c.fee_cover_minor / MINOR_PER_MAJOR:.2f}",
                c.currency,
                c.frequency,
                "yes" if c.is_renewal else "",
                c.provider,
                c.campaign,
            ]
        )
    return response


class PendingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "supporters/admin/pending.html"
    page_title = "Pending offline gifts"
    header_icon = "time"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("supporters_admin:revenue"), "label": "Reader revenue"},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        _require(request, VIEW_PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        providers = registry.providers_installed()
        context["pending"] = [
            {
                "contribution": c,
                "amount": format_amount(c.amount_minor, c.currency),
                "method": providers[c.provider].label if c.provider in providers else c.provider,
            }
            for c in selectors.contributions_pending_offline()
        ]
        context["can_change"] = self.request.user.has_perm(CHANGE_PERMISSION)
        return context


@require_POST
def pending_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, CHANGE_PERMISSION)
    contribution = get_object_or_404(Contribution, pk=pk)
    editor = request.user.get_username()
    if request.POST.get("decision") == "received":
        if services.contribution_mark_received(contribution=contribution, editor=editor):
            messages.success(
                request,
                f"{contribution.receipt_number} marked received; the receipt is on its way.",
            )
        else:
            messages.warning(request, f"{contribution.receipt_number} was no longer pending.")
    elif request.POST.get("decision") == "not_received":
        if services.contribution_mark_not_received(contribution=contribution, editor=editor):
            messages.success(request, f"{contribution.receipt_number} closed as not received.")
        else:
            messages.warning(request, f"{contribution.receipt_number} was no longer pending.")
    else:
        messages.error(request, "Choose received or not received.")
    return redirect("supporters_admin:pending")
