"""Who is acting in this request, for the audit entries that framework code writes.

Users, groups and permissions are changed by Wagtail's and Django's own views and commands,
which know nothing of our audit log; the receivers in ``receivers.py`` record those changes
and ask this module who made them. A context variable, not a global: each request (and each
thread or task) sees only its own.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("masthead_audit_request", default=None)


def acting_user():
    """The signed-in user of the current request, or None (a command, a task, a reader)."""
    request = _request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)  # resolved only now, and only when a change is logged
    return user if user is not None and user.is_authenticated else None


class AuditActorMiddleware:
    """Remembers the request for the duration of the view. Place it after
    ``AuthenticationMiddleware``; it touches neither the session nor the user by itself, so
    public pages stay free of cookies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
