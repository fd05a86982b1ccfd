"""Writes for reader revenue, as typed keyword-only functions. One module per concern."""

from masthead.supporters.services.access import (
    signin_link_create,
    signin_link_peek,
    signin_redeem,
    signin_request,
)
from masthead.supporters.services.audit import audit_record
from masthead.supporters.services.cleanup import supporters_cleanup
from masthead.supporters.services.contributions import (
    contribution_checkout,
    contribution_checkout_apply,
    contribution_idempotency_keys,
    contribution_mark_not_received,
    contribution_mark_received,
    contribution_payment_page,
    contribution_provider_data_save,
    contribution_renewal_record,
    contribution_start,
    contribution_submission_claim,
    contribution_submission_release,
    contribution_submission_wait,
    contribution_succeed,
    recurring_start,
)
from masthead.supporters.services.events import payment_event_apply, unmatched_events_apply
from masthead.supporters.services.notices import (
    receipt_send,
    receipts_retry,
    renewal_notices_send,
)
from masthead.supporters.services.recurring import (
    recurring_cancel,
    recurring_reference_lock,
    recurring_resume,
    recurring_state_apply,
    recurring_state_of,
    recurring_update,
)
from masthead.supporters.services.reminders import (
    reminder_cancel,
    reminder_create,
    reminder_for_token,
    reminders_send_due,
)

__all__ = [
    "audit_record",
    "contribution_checkout",
    "contribution_checkout_apply",
    "contribution_idempotency_keys",
    "contribution_mark_not_received",
    "contribution_mark_received",
    "contribution_payment_page",
    "contribution_provider_data_save",
    "contribution_renewal_record",
    "contribution_start",
    "contribution_submission_claim",
    "contribution_submission_release",
    "contribution_submission_wait",
    "contribution_succeed",
    "payment_event_apply",
    "receipt_send",
    "receipts_retry",
    "recurring_cancel",
    "recurring_reference_lock",
    "recurring_resume",
    "recurring_start",
    "recurring_state_apply",
    "recurring_state_of",
    "recurring_update",
    "reminder_cancel",
    "reminder_create",
    "reminder_for_token",
    "reminders_send_due",
    "renewal_notices_send",
    "signin_link_create",
    "signin_link_peek",
    "signin_redeem",
    "signin_request",
    "supporters_cleanup",
    "unmatched_events_apply",
]
