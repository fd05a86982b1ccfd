"""Which of the site's origins a link names when the reader is to act there.

The main domain (``MASTHEAD_BASE_URL``) is the canonical address of every page, and it may be
the one that is blocked where readers are. What needs the app (a form that posts, a sign-in
link, a supporter's own page) is reached on the **API origin**: the first of
``MASTHEAD_API_ORIGINS``, which is the main domain when that is unset. Static copies post
their forms there, and emails that ask the reader to do something link there.
"""

from __future__ import annotations

from django.conf import settings


def api_origin() -> str:
    """The origin readers act on: ``https://api.example.org``, without a trailing slash."""
    origins = settings.API_ORIGINS
    return (origins[0] if origins else settings.BASE_URL).rstrip("/")
