"""The one guard of every public form: where a post may come from, and how many it may make.

Public pages are the same for every reader and are also served as files (mirrors, the onion
service, object storage, an offline copy), so their forms carry no CSRF token (DESIGN.md).
They act on no session, and each post goes through ``public_post_check`` instead:

Origin
    A post is accepted from the site's own origins (``allowed_origins``: ``MASTHEAD_BASE_URL``,
    ``MASTHEAD_API_ORIGINS``, ``MASTHEAD_PUBLIC_ORIGINS`` and whatever the registered sources
    add, such as the mirrors and onion address editors keep in the admin) and from the origin
    the request was addressed to (a page this app served on a host in ``ALLOWED_HOSTS``).
    Without ``Origin`` (old browsers) the origin of ``Referer`` counts; with neither the post
    is refused: every browser of the last years sends one of the two with a form post, and a
    script that sends neither can as easily send a right one, so allowing it would add nothing
    but a second path to keep limited.
    ``Origin: null`` is what a page opened from disk (the offline copy posts its forms from
    ``file://``) and a sandboxed frame send. It is accepted only for forms that the offline
    copy carries and whose effect a later step bounds (``PublicForm.offline``: a newsletter
    signup is confirmed by email, a contribution is paid on the app's own page, a reminder is
    one email limited per address, and so is a request for a sign-in link). It is refused
    for the rest (the payment step, using a sign-in link, personal links, counters), which
    are only ever posted from the app's own pages, so that another site's sandboxed frames
    cannot make their visitors post them (card testing from thousands of browsers).

Rate
    Each post is counted per client (``core.throttle``: a keyed hash of the client's network
    as a trusted proxy reports it, kept in the shared cache for one window, never the
    address). Readers without an address (the onion service; see
    ``throttle.trusted_client_network``) share one budget per form, ``MASTHEAD_ONION_BUDGET``
    times one client's limit: an abuser over Tor can use up one form's budget for every onion
    reader until the window ends, but not another form's, and not anybody else's. Where an
    email address is given the address is counted too (``public_subject_check``), whatever
    the client, since those who fill inboxes change addresses.
"""

from __future__ import annotations

import enum
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from masthead.core import throttle

logger = logging.getLogger(__name__)

# How long a process keeps the set of allowed origins. Saving a mirror empties it in the
# process that saved; the others see the change within this many seconds.
ORIGINS_CACHE_SECONDS = 5.0

# The bucket of every post that comes with no client address (onion), per form.
NO_ADDRESS = "no-address"


@dataclass(frozen=True)
class Rate:
    limit: int  # posts…
    window: int  # …per this many seconds
    # Counters posted by every page view: counted in each web process's memory, so the limit
    # holds per process (``core.throttle``), not with two shared cache writes a view.
    per_process: bool = False


@dataclass(frozen=True)
class PublicForm:
    """A form on a public page. Declared once by the app that owns it.

    ``rate`` gives the per-client limit (read when a post arrives, so settings can change in
    tests); ``offline`` says the offline copy (opened from disk) posts this form, which makes
    ``Origin: null`` acceptable for it (see the module docstring for which forms may say so).
    """

    name: str
    rate: Callable[[], Rate]
    offline: bool = False


class Refusal(enum.StrEnum):
    ORIGIN = "origin"  # from another site: 403
    RATE = "rate"  # too many: 429


# --- Allowed origins ---------------------------------------------------------------------------

OriginSource = Callable[[], Iterable[str]]
_sources: list[OriginSource] = []
_cached: tuple[float, frozenset[str]] | None = None
_lock = threading.Lock()


def register_origin_source(source: OriginSource) -> None:
    """Add origins the site is also served from, read when the cached set expires. Apps above
    core register here (distribution: the mirrors and the onion address from the admin). A
    source that fails is logged and skipped: forms keep working from the configured origins."""
    with _lock:
        if source not in _sources:
            _sources.append(source)
    allowed_origins_invalidate()


def allowed_origins_invalidate() -> None:
    """Read the sources again on the next post (call it when what a source returns changed)."""
    global _cached
    _cached = None


def origin_setting_changed(*, setting: str, **kwargs) -> None:
    """Tests change the configured origins with ``override_settings``."""
    if setting in ("BASE_URL", "API_ORIGINS", "PUBLIC_ORIGINS"):
        allowed_origins_invalidate()


@functools.lru_cache(maxsize=1024)  # a few origins come with nearly every post
def origin_normalize(value: str) -> str:
    """``scheme://host[:port]``, lower case, default port dropped; "" when not an origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:  # "http://[", a port out of range: no origin at all
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)):
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def allowed_origins() -> frozenset[str]:
    """Every origin public forms accept posts from (see the module docstring)."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < ORIGINS_CACHE_SECONDS:
        return cached[1]
    configured = [settings.BASE_URL, *settings.API_ORIGINS, *settings.PUBLIC_ORIGINS]
    found = {origin_normalize(o) for o in configured}
    complete = True
    for source in list(_sources):
        try:
            found.update(origin_normalize(o) for o in source())
        except Exception:  # noqa: BLE001 - a database hiccup must not refuse every post
            complete = False
            logger.warning("Origin source %r failed; using the others", source, exc_info=True)
    found.discard("")
    origins = frozenset(found)
    if complete:
        _cached = (time.monotonic(), origins)
    return origins


def request_origin(request: HttpRequest) -> str | None:
    """Where the post says it comes from: ``Origin``, else the origin of ``Referer``; "null"
    for an opaque origin; None when the request names none."""
    origin = request.headers.get("Origin")
    if origin is not None:
        origin = origin.strip()
        return "null" if origin.lower() == "null" else origin_normalize(origin)
    referer = request.headers.get("Referer", "")
    if referer.strip():
        return origin_normalize(referer)
    return None


def _own_origin(request: HttpRequest) -> str:
    try:
        return origin_normalize(f"{request.scheme}://{request.get_host()}")
    except DisallowedHost:
        return ""


def origin_allowed(request: HttpRequest, *, form: PublicForm) -> bool:
    """The post comes from a page of this site (see the module docstring for the decision)."""
    origin = request_origin(request)
    if not origin:  # neither header, or one that names no origin
        return False
    if origin == "null":
        return form.offline
    return origin in allowed_origins() or origin == _own_origin(request)


def cors_headers_apply(*, request: HttpRequest, response: HttpResponse, form: PublicForm) -> None:
    """Let a page of another of our origins (a mirror, the offline copy) read the answer to
    a post it was allowed to make. No credentials are involved; the answer varies by Origin."""
    patch_vary_headers(response, ["Origin"])
    origin = request.headers.get("Origin", "").strip()
    if origin and origin_allowed(request, form=form):
        response["Access-Control-Allow-Origin"] = origin


# --- Rate limits -------------------------------------------------------------------------------


def public_post_check(*, request: HttpRequest, form: PublicForm) -> Refusal | None:
    """Check where the post comes from and count it for its client: None when it may go on."""
    if not origin_allowed(request, form=form):
        return Refusal.ORIGIN
    rate = form.rate()
    network = throttle.trusted_client_network(request)
    if network is None:
        # Everyone without an address shares one budget per form (module docstring).
        allowed = throttle.subject_allowed(
            subject=NO_ADDRESS,
            scope=f"form:{form.name}",
            limit=rate.limit * settings.PUBLIC_FORMS_ONION_BUDGET,
            window=rate.window,
            per_process=rate.per_process,
        )
    else:
        allowed = throttle.subject_allowed(
            subject=f"net:{network}",
            scope=f"form:{form.name}",
            limit=rate.limit,
            window=rate.window,
            per_process=rate.per_process,
        )
    return None if allowed else Refusal.RATE


def email_subject(email: str) -> str:
    """What an email address is counted as (the throttle hashes it with a secret key)."""
    return f"email:{email.strip().lower()}"


def public_subject_check(*, form: PublicForm, subject: str, rate: Rate) -> bool:
    """Count one post of ``form`` for ``subject`` (``email_subject(address)``, one checkout)
    whatever the client: False once it passed ``rate``."""
    return throttle.subject_allowed(
        subject=subject, scope=f"form:{form.name}:subject", limit=rate.limit, window=rate.window
    )
