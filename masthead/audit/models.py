"""The security audit log: who did what to which object, and when.

Written by every app for the events that matter when an account or an endpoint is attacked
(sign-ins, second factors, permissions, exports, sends, webhook configuration). It never holds
an IP address, a password, a code or a token: an entry names the acting user by id (and the
username they had then, so it still reads after the account is deleted), the action, and the
object it was about.
"""

from django.db import models


class SecurityAction(models.TextChoices):
    SIGNIN = "signin", "Signed in"
    SIGNIN_FAILED = "signin.failed", "Failed sign-in"
    LOCKED_OUT = "signin.locked_out", "Account locked out"
    SECOND_FACTOR_ADDED = "factor.added", "Second factor added"
    SECOND_FACTOR_REMOVED = "factor.removed", "Second factor removed"
    SECOND_FACTOR_RESET = "factor.reset", "Second factors reset by an administrator"
    SECOND_FACTOR_FAILED = "factor.failed", "Wrong second-factor code"
    RECOVERY_CODE_USED = "factor.recovery_code_used", "Recovery code used"
    PASSWORD_CHANGED = "password.changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password.reset_requested", "Password reset requested"
    USER_CREATED = "user.created", "User created"
    USER_CHANGED = "user.changed", "User changed"
    USER_DELETED = "user.deleted", "User deleted"
    GROUP_CHANGED = "group.changed", "Group or its permissions changed"
    PERMISSIONS_CHANGED = "permissions.changed", "Permissions or groups of a user changed"
    EXPORT = "export", "Data exported"
    EDITION_SENT = "edition.sent", "Newsletter edition sent"
    WEBHOOK_SECRET_MISSING = "webhook.secret_missing", "Webhook endpoint off: no secret"
    WEBHOOK_REFUSED = "webhook.refused", "Forged or malformed webhook refused"


class SecurityEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40, choices=SecurityAction.choices, db_index=True)
    # The user who acted (or whose account it was, for a failed sign-in). Not a foreign key:
    # the trace outlives the account.
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    # What it was about: "newsletters.edition", "42", "Friday, 4 December".
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        who = self.username or (f"user {self.user_id}" if self.user_id else "anonymous")
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.get_action_display()}"
