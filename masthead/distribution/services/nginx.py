"""The nginx configuration for serving a built site, from the app's own settings.

The security headers are the ones the app sends (``SECURE_CSP``, ``PERMISSIONS_POLICY``…),
widened only by what a static copy needs: forms and the reachability probe may go to the
API origins, and the search page may run Pagefind's WebAssembly.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.utils.csp import CSP, build_policy

from masthead.distribution import selectors
from masthead.distribution.selectors import APP_PREFIXES, mirror_settings
from masthead.distribution.services import policy
from masthead.publishing.models import KEY_FILE_DISPOSITION, KEY_FILE_TYPE

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "distribution" / "nginx"
MIME_TYPES = "/etc/nginx/mime.types"


def _policy(*, search: bool = False) -> str:
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    for directive in ("form-action", "connect-src"):
        policy[directive] += [o for o in settings.API_ORIGINS if o not in policy[directive]]
    if search:
        policy["script-src"].append(CSP.WASM_UNSAFE_EVAL)
    return build_policy(policy)


def _header_lines(headers: list[tuple[str, str]], *, indent: int = 8) -> str:
    return "\n".join(
        f'{" " * indent}add_header {name} "{value}" always;' for name, value in headers
    )


def security_headers(*, search: bool = False) -> list[tuple[str, str]]:
    headers = [
        ("Content-Security-Policy", _policy(search=search)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Permissions-Policy", settings.PERMISSIONS_POLICY),
    ]
    return [(name, value) for name, value in headers if value]


def source_page_headers() -> list[tuple[str, str]]:
    """The "Contact us securely" page's headers, as the app sends them (``core.security``)."""
    from masthead.core.security import SOURCE_PAGE_CSP, SOURCE_PAGE_HEADERS

    own = {"Content-Security-Policy": build_policy(SOURCE_PAGE_CSP), **SOURCE_PAGE_HEADERS}
    shared = [(name, value) for name, value in security_headers() if name not in own]
    return [*shared, *own.items()]


def nginx_config(
    *,
    root: Path,
    listen: str = "80",
    server_names: list[str] | None = None,
    app: str = "",
    portable_root: Path | None = None,
    portable_prefix: str = "/offline/",
    onion_origin: str | None = None,
    source_page_path: str | None = None,
    real_ip_from: list[str] | None = None,
    access_log: str = "",
) -> str:
    """The ``server { … }`` block serving ``root``. ``access_log``: a file this server logs
    requests to, in the ``masthead_private`` format (no address); "" inherits the
    ``http`` block's setting (the standalone config sets one). ``onion_origin`` and ``source_page_path``
    (the "Contact us securely" page) default to what is set in the admin; ``""`` for none.
    ``real_ip_from``: the networks of a CDN or load balancer in front of nginx, whose
    ``X-Forwarded-For`` nginx believes (default: ``MASTHEAD_TRUSTED_PROXIES`` but loopback)."""
    from urllib.parse import urlsplit

    if onion_origin is None:
        onion_origin = mirror_settings().onion_origin
    # One "Contact us securely" page per language edition (a path given replaces them all).
    if source_page_path is None:
        source_page_paths = selectors.source_page_paths()
    else:
        source_page_paths = [source_page_path] if source_page_path else []
    if any(not (p.startswith("/") and p.endswith("/")) for p in source_page_paths):
        raise ValueError("the source page's path must start and end with a slash")
    real_ip_networks = _real_ip_networks(real_ip_from)
    page_headers = []
    if onion_origin:
        page_headers.append(("Onion-Location", f"{onion_origin}$request_uri"))
    proxy = "\n".join(
        f"        {line}"
        for line in (
            "proxy_set_header Host $host;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Forwarded-For $remote_addr;",
            "proxy_redirect off;",
        )
    )
    if not portable_prefix.startswith("/") or not portable_prefix.endswith("/"):
        raise ValueError("the portable prefix must start and end with a slash, e.g. /offline/")
    names = server_names or [urlsplit(settings.BASE_URL).hostname]
    context = {
        "root": str(Path(root).resolve()),
        "listen": listen,
        "server_names": " ".join(names),
        "app": app.rstrip("/"),
        "app_prefixes": APP_PREFIXES if app else (),
        "headers": _header_lines(security_headers()),
        "nested_headers": _header_lines(security_headers(), indent=12),
        "search_headers": _header_lines(security_headers(search=True)),
        "search_paths": selectors.search_paths(),
        "feeds_paths": selectors.feeds_paths(),
        "page_headers": _header_lines(page_headers),
        "source_page_paths": source_page_paths,
        "source_page_headers": _header_lines(source_page_headers()),
        "source_key_type": KEY_FILE_TYPE,
        "source_key_disposition": KEY_FILE_DISPOSITION,
        "proxy": proxy,
        "access_log": access_log,
        "real_ip_from": real_ip_networks,
        "portable_root": str(Path(portable_root).resolve()) if portable_root else "",
        "portable_prefix": portable_prefix,
        "cache": {
            "static": policy.STATIC,
            "media": policy.MEDIA,
            "index": policy.INDEX,
            "page": policy.PAGE,
        },
    }
    return _render("server.conf", context)


def _real_ip_networks(given: list[str] | None) -> list[str]:
    """The CDN's networks for ``set_real_ip_from``. Never loopback: the onion service's Tor
    daemon connects from there and passes on whatever headers the reader sent."""
    if given is None:
        candidates = [
            n for n in settings.TRUSTED_PROXIES if not ipaddress.ip_network(n).is_loopback
        ]
    else:
        candidates = [n.strip() for item in given for n in item.split(",") if n.strip()]
    networks = []
    for candidate in candidates:
        try:
            network = ipaddress.ip_network(candidate, strict=True)
        except ValueError as exc:
            raise ValueError(f"--real-ip-from: {candidate!r} is not a network ({exc})") from None
        if network.is_loopback or network.is_unspecified or network.prefixlen == 0:
            raise ValueError(
                f"--real-ip-from: {candidate} would let anyone (or the onion service's readers) "
                "choose their own address; list only the CDN's networks"
            )
        networks.append(str(network))
    return list(dict.fromkeys(networks))


def nginx_standalone_config(
    *, server: str, prefix: Path, workers: int = 1, access_log=False
) -> str:
    """A whole ``nginx.conf`` around ``server``, with every path under ``prefix``."""
    return _render(
        "standalone.conf",
        {
            "server": server,
            "prefix": str(Path(prefix).resolve()),
            "workers": workers,
            "mime_types": MIME_TYPES,
            "access_log": access_log,
            "user": pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else "",
        },
    )


def _render(name: str, context: dict) -> str:
    engine = Engine(dirs=[str(TEMPLATES)], autoescape=False)
    return engine.get_template(name).render(Context(context, autoescape=False))
