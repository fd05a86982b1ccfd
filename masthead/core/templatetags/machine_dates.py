"""Machine-readable dates for ``<time datetime>``, structured data and link-preview tags.

Django's ``|date:'c'`` and ``isoformat()`` print microseconds, which HTML's ``datetime``
attribute does not allow (at most three fraction digits): one spelling, to the second, in
the publication's time zone (``TIME_ZONE``) with its offset, used by every template and tag
that writes a date for machines.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


def html_datetime(value: datetime | date | None) -> str:
    """``2026-12-04T09:00:00+00:00`` for a datetime, ``2026-12-04`` for a date, "" for None."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if timezone.is_aware(value):
        # The publication's zone, not the request's: a page must read the same for every
        # reader and in the static copy.
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.replace(microsecond=0).isoformat()


register.filter("html_datetime", html_datetime, is_safe=True)
