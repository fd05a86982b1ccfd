"""Everything appeals rely on from the reader-revenue system (``masthead.supporters``), in one
place: the cookies that mark a browser as a supporter's or as snoozed, where the contribution
form and the reminder sign-up live, what their fields are called, and the payment methods.
"""

from __future__ import annotations

import logging

from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)

try:
    # ``mh_supporter=until:YYYY-MM-DD``: set after a successful contribution (90 days after a
    # one-off gift, while recurring support lasts). ``mh_appeal_snooze=until:YYYY-MM-DD``: set
    # when the reader signs up for a reminder, until the reminder date; the same value is kept
    # in localStorage under SNOOZE_STORE by the reminder page of a copy on another origin.
    # appeals.js reads all three and sends none anywhere.
    from masthead.supporters.cookies import SNOOZE_COOKIE, SNOOZE_STORE, SUPPORTER_COOKIE
except ImportError:  # reader revenue not installed: the names it uses
    SUPPORTER_COOKIE = "mh_supporter"
    SNOOZE_COOKIE = "mh_appeal_snooze"
    SNOOZE_STORE = "masthead.snooze"

# The support page's form takes these from a link (GET) and fills itself in; the reader then
# gives their email and payment method there. The campaign code travels on into the
# contribution, which hands it back to ``services.appeal_contribution_record``.
CONTRIBUTION_METHOD = "get"
FIELD_FREQUENCY = "frequency"
FIELD_AMOUNT = "amount"
FIELD_CURRENCY = "currency"
FIELD_CAMPAIGN = "campaign"

SUPPORT_PAGE = "/support/"


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def contribute_url() -> str:
    """Where the appeal's Continue button sends the reader's choice."""
    return _url("supporters:contribute", SUPPORT_PAGE)


def reminder_url() -> str:
    """Where a reader asks to be reminded later by email."""
    return _url("supporters:reminder", SUPPORT_PAGE)


def support_page_url() -> str:
    """The plain support page: the no-JavaScript fallback link."""
    return _url("supporters:support", SUPPORT_PAGE)


def payment_methods() -> list[dict[str, str]]:
    """The ways to pay that readers are offered now (label and icon name), for the line under
    an appeal's Continue button. Empty when they cannot be read: the appeal still works."""
    try:
        from masthead.supporters import selectors as supporters

        options = supporters.form_options(support=supporters.support_settings())
        return [{"label": str(method.label), "icon": method.icon} for method in options.methods]
    except Exception:  # noqa: BLE001 - the appeals file must not fail over a payment setting
        logger.warning("Payment methods unavailable for appeals", exc_info=True)
        return []
