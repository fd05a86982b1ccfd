"""First-party cookies that tell the page scripts to leave a reader in peace. They hold a date
and nothing else: no id, no address. Pages stay identical for everyone; the browser decides.

``mh_supporter=until:YYYY-MM-DD`` — this browser gave: 90 days after a one-off gift, and
while recurring support lasts (renewed when the supporter visits "Manage my support").
``mh_appeal_snooze=until:YYYY-MM-DD`` — the reader asked to be reminded on that day.

A copy of the site on another origin (a mirror, a sub-path copy, a folder on disk) cannot read
the snooze cookie, which the app's answer sets on the API origin. So the reminder form's page
also keeps the same value in its own origin's ``localStorage`` under ``SNOOZE_STORE``
(``support.js``), and appeals honour it as they honour the cookie. It never leaves the browser.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from masthead.supporters.models import Contribution, RecurringSupport

SUPPORTER_COOKIE = "mh_supporter"
SNOOZE_COOKIE = "mh_appeal_snooze"
SNOOZE_STORE = "masthead.snooze"  # the localStorage key of the copy's snooze
ONE_OFF_DAYS = 90
# Recurring support has no end date we could put in a cookie; this long, refreshed on every
# visit to the supporter's page, and cut to the period end when they cancel.
RECURRING_DAYS = 400


def _set(response: HttpResponse, name: str, until: date) -> None:
    today = timezone.localdate()
    max_age = max(0, (until - today).days + 1) * 86400
    response.set_cookie(
        name,
        f"until:{until.isoformat()}",
        max_age=max_age,
        secure=settings.BASE_URL_IS_HTTPS,
        httponly=False,  # read by the page script; it holds nothing worth stealing
        samesite="Lax",
    )


def supporter_until(*, contribution: Contribution | None = None, recurring=None) -> date:
    today = timezone.localdate()
    recurring = recurring or (contribution.recurring if contribution else None)
    if recurring is not None:
        return recurring_until(recurring)
    return today + timedelta(days=ONE_OFF_DAYS)


def recurring_until(recurring: RecurringSupport) -> date:
    today = timezone.localdate()
    if recurring.status == RecurringSupport.Status.CANCELLED or recurring.cancel_at_period_end:
        end = recurring.current_period_end
        return timezone.localdate(end) if isinstance(end, datetime) else today
    return today + timedelta(days=RECURRING_DAYS)


def supporter_cookie_set(response: HttpResponse, *, contribution=None, until: date | None = None):
    _set(response, SUPPORTER_COOKIE, until or supporter_until(contribution=contribution))


def snooze_cookie_set(response: HttpResponse, *, until: date) -> None:
    _set(response, SNOOZE_COOKIE, until)
