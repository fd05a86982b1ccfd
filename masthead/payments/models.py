"""What the payments layer keeps: which webhook events it has processed, and the offline
methods' instructions. Contributions themselves live in the app above that registers the
event handler (``registry.event_handler_register``)."""

from django.db import models

from masthead.payments.offline.models import OfflinePaymentSettings

__all__ = ["OfflinePaymentSettings", "WebhookEvent"]


class WebhookEvent(models.Model):
    """One webhook event, recorded in the transaction that applied it, so that a duplicated
    or replayed delivery (same provider, same event id) changes nothing. The payload is not
    kept: it may carry personal data that the contribution records deliberately leave out."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Applied"
        UNCHANGED = "unchanged", "Nothing to change"
        STALE = "stale", "Older than what we know"
        UNMATCHED = "unmatched", "Unknown object"
        IGNORED = "ignored", "Not acted on"

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    provider_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")
        ]
        indexes = [models.Index(fields=["outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_type} {self.event_id}"
