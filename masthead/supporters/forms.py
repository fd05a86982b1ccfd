"""The public forms of reader revenue. Every message is written for the reader and shown next
to the field it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext, gettext_lazy

from masthead.payments.base import Frequency
from masthead.supporters.amounts import (
    MAXIMUM_MINOR,
    SYMBOLS,
    AmountError,
    fee_cover,
    format_amount,
    format_input,
    parse_amount,
)
from masthead.supporters.selectors import FormOptions

CAMPAIGN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,59}$")
SOURCE_PATTERN = re.compile(r"^/(?!/)[A-Za-z0-9\-._~%/]{0,199}$")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CURRENCY_NAMES = {
    "USD": gettext_lazy("US dollars"),
    "EUR": gettext_lazy("euros"),
    "GBP": gettext_lazy("pounds sterling"),
}

EMAIL_ERRORS = {
    "required": gettext_lazy("Enter your email address: we send your receipt there."),
    "invalid": gettext_lazy("Enter an email address like name@example.org."),
    "max_length": gettext_lazy("This email address is too long."),
}


class ContributionForm(forms.Form):
    frequency = forms.ChoiceField(
        error_messages={
            "required": gettext_lazy("Choose how often you would like to give."),
            "invalid_choice": gettext_lazy("Choose how often you would like to give."),
        }
    )
    currency = forms.ChoiceField(
        error_messages={
            "required": gettext_lazy("Choose a currency."),
            "invalid_choice": gettext_lazy("Choose one of the currencies listed."),
        }
    )
    # The amount: a suggestion (``amount-<frequency>-<currency>``, or ``amount`` from a link
    # or an appeal) unless the reader typed one in (``custom_amount``).
    amount = forms.CharField(required=False, max_length=20)
    custom_amount = forms.CharField(required=False, max_length=20)
    cover_fees = forms.BooleanField(required=False)
    method = forms.ChoiceField(
        error_messages={
            "required": gettext_lazy("Choose how you would like to pay."),
            "invalid_choice": gettext_lazy("Choose one of the ways to pay listed."),
        }
    )
    email = forms.EmailField(max_length=254, error_messages=EMAIL_ERRORS)
    campaign = forms.CharField(required=False, max_length=200)
    key = forms.CharField(required=False, max_length=200)
    # The page the reader started from (an article whose appeal they answered): a path.
    source = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, options: FormOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["frequency"].choices = [(f, Frequency(f).label) for f in options.frequencies]
        self.fields["currency"].choices = [(c, c) for c in options.currencies]
        self.fields["method"].choices = [(m.name, m.label) for m in options.methods]

    def clean_campaign(self) -> str:
        # A malformed code is not the reader's doing: drop it rather than refuse the gift.
        campaign = self.cleaned_data.get("campaign", "").strip()
        return campaign if CAMPAIGN_PATTERN.match(campaign) else ""

    def clean_source(self) -> str:
        source = self.cleaned_data.get("source", "").strip()
        return source if SOURCE_PATTERN.match(source) else ""

    def clean_key(self) -> str:
        key = self.cleaned_data.get("key", "").strip()
        return key if KEY_PATTERN.match(key) else ""

    def clean(self):
        data = super().clean()
        frequency, currency = data.get("frequency"), data.get("currency")
        if not frequency or not currency:
            return data
        options = self.options.amounts[(frequency, currency)]
        custom = (data.get("custom_amount") or "").strip()
        chosen = (
            self.data.get(f"amount-{frequency}-{currency}") or data.get("amount") or ""
        ).strip()
        try:
            if custom:
                amount = parse_amount(custom, currency=currency)
            elif chosen:
                amount = parse_amount(chosen, currency=currency)
            else:
                raise AmountError(gettext("Choose an amount, or type one in."))
            if amount < options.minimum:
                minimum = format_amount(options.minimum, currency)
                raise AmountError(
                    gettext(
                        "The smallest amount we can take is %(amount)s %(per)s. Enter "
                        "%(amount)s or more."
                    )
                    % {"amount": minimum, "per": options.per}
                    if options.per
                    else gettext(
                        "The smallest amount we can take is %(amount)s. Enter %(amount)s or more."
                    )
                    % {"amount": minimum}
                )
            if amount > MAXIMUM_MINOR:
                raise AmountError(
                    gettext(
                        "We can take up to %(amount)s here. For a larger gift, please write to us."
                    )
                    % {"amount": format_amount(MAXIMUM_MINOR, currency)}
                )
        except AmountError as exc:
            self.add_error("custom_amount" if custom else "amount", str(exc))
            return data
        data["amount_minor"] = amount
        data["fee_cover_minor"] = (
            fee_cover(amount, percent=self.options.fee_percent)
            if data.get("cover_fees") and self.options.cover_fees
            else 0
        )
        method = self.options.method(data.get("method", ""))
        if method is not None and frequency not in method.frequencies:
            self.add_error(
                "method",
                gettext(
                    "%(method)s can only be used for one-off gifts. Choose Once, or another way to "
                    "pay."
                )
                % {"method": method.label},
            )
        return data

    @property
    def amount_error(self) -> str:
        errors = self.errors.get("custom_amount") or self.errors.get("amount")
        return errors[0] if errors else ""


class ReminderForm(forms.Form):
    email = forms.EmailField(max_length=254, error_messages=EMAIL_ERRORS)
    when = forms.ChoiceField(
        choices=[
            ("next_month", gettext_lazy("Next month")),
            ("three_months", gettext_lazy("In three months")),
        ],
        initial="next_month",
        error_messages={
            "required": gettext_lazy("Choose when we should remind you."),
            "invalid_choice": gettext_lazy("Choose next month or in three months."),
        },
    )

    def when_options(self) -> list[tuple[str, str, int]]:
        """(value, label, months) of each choice: the page's script keeps the reminder's date
        in a copy's own origin (``supporters.cookies.SNOOZE_STORE``)."""
        from masthead.supporters.services.reminders import WHEN_CHOICES

        return [(value, label, WHEN_CHOICES[value]) for value, label in self.fields["when"].choices]


class SignInForm(forms.Form):
    email = forms.EmailField(max_length=254, error_messages=EMAIL_ERRORS)


class RecurringChangeForm(forms.Form):
    amount = forms.CharField(
        max_length=20, error_messages={"required": gettext_lazy("Enter an amount.")}
    )
    frequency = forms.ChoiceField(
        choices=[(f.value, f.label) for f in (Frequency.MONTHLY, Frequency.ANNUAL)],
        error_messages={
            "required": gettext_lazy("Choose monthly or annual."),
            "invalid_choice": gettext_lazy("Choose monthly or annual."),
        },
    )

    def __init__(self, *args, currency: str, options: FormOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.options = options

    def clean(self):
        data = super().clean()
        frequency = data.get("frequency")
        if not frequency or "amount" not in data:
            return data
        minimum = self.options.amounts[(frequency, self.currency)].minimum
        try:
            amount = parse_amount(data["amount"], currency=self.currency)
            if amount < minimum:
                raise AmountError(
                    gettext("The smallest amount we can take is %(amount)s.")
                    % {"amount": format_amount(minimum, self.currency)}
                )
            if amount > MAXIMUM_MINOR:
                raise AmountError(
                    gettext("We can take up to %(amount)s here.")
                    % {"amount": format_amount(MAXIMUM_MINOR, self.currency)}
                )
        except AmountError as exc:
            self.add_error("amount", str(exc))
            return data
        data["amount_minor"] = amount
        return data


# --- What the form template needs -----------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    checked: bool


def form_view(form: ContributionForm, *, campaign: str = "") -> dict:
    """Everything ``includes/contribution_form.html`` shows, worked out here so that the
    template stays markup. Works for a fresh form (initial values, or a link's prefill) and
    for one sent back with errors (the reader's values)."""
    options = form.options
    bound = form.is_bound

    def value(name: str, default: str = "") -> str:
        if bound:
            return str(form.data.get(name, "") or "")
        return str(form.initial.get(name, default) or default)

    frequency = value("frequency", options.default_frequency)
    if frequency not in options.frequencies:
        frequency = options.default_frequency
    currency = value("currency", options.default_currency).upper()
    if currency not in options.currencies:
        currency = options.default_currency
    custom = value("custom_amount")
    prefill = value("amount")
    groups = []
    for f in options.frequencies:
        for c in options.currencies:
            group = options.amounts[(f, c)]
            name = f"amount-{f}-{c}"
            picked = value(name) if bound else ""
            if not bound and prefill and f == frequency and c == currency:
                try:
                    prefill_minor = parse_amount(prefill, currency=c)
                except AmountError:
                    prefill_minor = None
                if prefill_minor in group.suggestions:
                    picked = format_input(prefill_minor)
                elif prefill_minor:
                    custom = format_input(prefill_minor)
            if not picked and not custom and group.preselected is not None:
                picked = format_input(group.preselected)
            groups.append(
                {
                    "frequency": f,
                    "currency": c,
                    "name": name,
                    "legend": (
                        gettext("Amount %(per)s in %(currency)s")
                        % {"per": group.per, "currency": CURRENCY_NAMES[c]}
                        if group.per
                        else gettext("Amount in %(currency)s") % {"currency": CURRENCY_NAMES[c]}
                    ),
                    "minimum": (
                        gettext("At least %(amount)s %(per)s.")
                        % {"amount": format_amount(group.minimum, c), "per": group.per}
                        if group.per
                        else gettext("At least %(amount)s.")
                        % {"amount": format_amount(group.minimum, c)}
                    ),
                    "minimum_minor": group.minimum,
                    "amounts": [
                        Choice(
                            value=format_input(a),
                            label=format_amount(a, c),
                            checked=picked == format_input(a) and not custom,
                        )
                        for a in group.suggestions
                    ],
                }
            )
    method = value("method", options.methods[0].name if options.methods else "")
    return {
        "frequencies": [
            Choice(value=f, label=Frequency(f).label, checked=f == frequency)
            for f in options.frequencies
        ],
        "currencies": [
            Choice(value=c, label=f"{SYMBOLS[c]} {c}", checked=c == currency)
            for c in options.currencies
        ],
        "groups": groups,
        "custom_amount": custom,
        "symbols": [(c, SYMBOLS[c]) for c in options.currencies],
        "cover_fees": options.cover_fees,
        "cover_fees_checked": value("cover_fees") in ("1", "on", "true", "True"),
        "fee_percent": f"{options.fee_percent.normalize():f}",
        "methods": [
            {
                "name": m.name,
                "label": m.label,
                "icon": m.icon,
                "once_only": Frequency.ONCE in m.frequencies and len(m.frequencies) == 1,
                "checked": m.name == method,
            }
            for m in options.methods
        ],
        "email": value("email"),
        "campaign": value("campaign", campaign) or campaign,
        "source": value("source"),
        "errors": {name: errors[0] for name, errors in form.errors.items()},
        "amount_error": form.amount_error,
        "general_error": next(
            (form.errors[n][0] for n in ("frequency", "currency", "__all__") if n in form.errors),
            "",
        ),
        "test_mode": options.test_mode or any(m.is_test() for m in options.methods),
    }
