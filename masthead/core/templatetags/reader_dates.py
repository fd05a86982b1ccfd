"""Dates for readers, written as the active language writes them.

``{{ article.published_at|reader_date:"j F Y" }}`` reads "5 December 2026" in English and
"5 декабря 2026" in Russian: each format below is a message of the catalogue (context "date
format"), so a language chooses its own order and its month forms (Russian writes a day with
the genitive month, Django's ``E``). A template may use only the formats listed here.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import pgettext_lazy

register = template.Library()

FORMATS = {
    "j F Y": pgettext_lazy("date format", "j F Y"),
    "j F Y, H:i": pgettext_lazy("date format", "j F Y, H:i"),
    "j M Y": pgettext_lazy("date format", "j M Y"),
    "l j F Y": pgettext_lazy("date format", "l j F Y"),
}


@register.filter(expects_localtime=True, is_safe=False)
def reader_date(value: datetime | date | None, format_name: str) -> str:
    """The date in the format the active language gives ``format_name`` ("" for no date)."""
    if format_name not in FORMATS:
        raise template.TemplateSyntaxError(
            f"reader_date: {format_name!r} is not one of {', '.join(FORMATS)}"
        )
    return date_filter(value, str(FORMATS[format_name]))
