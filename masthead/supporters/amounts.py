"""Money as readers type it and as Masthead keeps it: integers in minor units (cents)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.db import models
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy, pgettext

from masthead.payments.base import Frequency


class Currency(models.TextChoices):
    USD = "USD", "US dollar"
    EUR = "EUR", "Euro"
    GBP = "GBP", "Pound sterling"


SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
MINOR_PER_MAJOR = 100  # all three currencies have cents
# Larger gifts are welcome, but not through a web form (and not from card testers).
MAXIMUM_MINOR = 10_000 * MINOR_PER_MAJOR

# Built-in suggestions (major units), the preselected one, and the minimum, per frequency.
DEFAULT_SUGGESTIONS = {
    Frequency.ONCE: ([5, 15, 50], 15),
    Frequency.MONTHLY: ([2, 5, 10], 5),
    Frequency.ANNUAL: ([25, 50, 100], 50),
}
DEFAULT_MINIMUM = 2

PER = {
    Frequency.ONCE: "",
    Frequency.MONTHLY: gettext_lazy("a month"),
    Frequency.ANNUAL: gettext_lazy("a year"),
}

_AMOUNT = re.compile(r"^\d{1,9}(?:[.,]\d{1,2})?$")


class AmountError(ValueError):
    """Text that is not an amount of money. The message is for the reader."""


def parse_amount(text: str, *, currency: str) -> int:
    """``"12"``, ``"12.5"``, ``"12,50"``, ``"$12"`` → 1250. Raises ``AmountError``."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    symbol = SYMBOLS.get(currency, "")
    if symbol and cleaned.startswith(symbol):
        cleaned = cleaned[len(symbol) :]
    if currency and cleaned.upper().endswith(currency):
        cleaned = cleaned[: -len(currency)]
    if not cleaned:
        raise AmountError(gettext_lazy("Enter an amount."))
    if cleaned.startswith("-"):
        raise AmountError(gettext_lazy("Enter an amount above zero."))
    if not _AMOUNT.match(cleaned):
        raise AmountError(gettext_lazy("Enter an amount in numbers, like 10 or 12.50."))
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise AmountError(gettext_lazy("Enter an amount in numbers, like 10 or 12.50.")) from None
    return int(value * MINOR_PER_MAJOR)


def format_amount(amount_minor: int, currency: str) -> str:
    """1250, "USD" → "$12.50" in English, "12,50 $" in Russian; whole amounts without cents:
    500 → "$5". Separators are the active language's (Django's formats), and so is the place
    of the symbol (a message of the catalogue)."""
    minor = int(amount_minor) % MINOR_PER_MAJOR
    text = numberformat.format(
        Decimal(int(amount_minor)) / MINOR_PER_MAJOR,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=2 if minor else 0,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    symbol = SYMBOLS.get(currency)
    if not symbol:
        return f"{text} {currency}"
    # Translators: where a currency symbol goes: "$12.50" in English, "12,50 $" in Russian.
    return pgettext("money format", "{symbol}{amount}").format(symbol=symbol, amount=text)


def format_input(amount_minor: int) -> str:
    """For a form field: 1250 → "12.50", 500 → "5"."""
    major, minor = divmod(int(amount_minor), MINOR_PER_MAJOR)
    return str(major) if not minor else f"{major}.{minor:02d}"


def fee_cover(amount_minor: int, *, percent: Decimal) -> int:
    """What to add so that the newsroom receives about ``amount_minor`` after card fees."""
    if percent <= 0:
        return 0
    fee = Decimal(amount_minor) * Decimal(percent) / 100
    return int(fee.to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class AmountOptions:
    """What the form offers for one frequency and currency."""

    frequency: Frequency
    currency: str
    suggestions: tuple[int, ...]  # minor units
    preselected: int | None
    minimum: int

    @property
    def per(self) -> str:
        return PER[self.frequency]


def parse_suggestions(text: str) -> list[int]:
    """Editors' list "2, 5, 10" or "2.50 5 10" → minor units; raises AmountError. (Commas
    separate amounts here; decimals take a point.)"""
    parts = [p for p in re.split(r"[\s,;]+", text or "") if p]
    amounts = [parse_amount(p, currency="") for p in parts]
    if not amounts:
        raise AmountError(gettext_lazy("List at least one amount, e.g. 2, 5, 10."))
    return amounts
