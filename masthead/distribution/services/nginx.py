"""The nginx configuration for serving a built site, from the app's own settings.

The security headers are the ones the app sends (``SECURE_CSP``, ``PERMISSIONS_POLICY``…),
widened only by what a static copy needs: forms and the reachability probe may go to the
API origins, and the search page may run Pagefind's WebAssembly.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.utils.csp import CSP, build_policy

from masthead.distribution.selectors import APP_PREFIXES, mirror_settings
from masthead.distribution.services import policy

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "distribution" / "nginx"
MIME_TYPES = "/etc/nginx/mime.types"


def _policy(*, search: bool = False) -> str:
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    for directive in ("form-action", "connect-src"):
        policy[directive] += [o for o in settings.API_ORIGINS if o not in policy[directive]]
    if search:
        policy["script-src"].append(CSP.WASM_UNSAFE_EVAL)
    return build_policy(policy)


def _header_lines(headers: list[tuple[str, str]]) -> str:
    return "\n".join(f'        add_header {name} "{value}" always;' for name, value in headers)


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


def nginx_config(
    *,
    root: Path,
    listen: str = "80",
    server_names: list[str] | None = None,
    app: str = "",
    portable_root: Path | None = None,
    portable_prefix: str = "/offline/",
    onion_origin: str | None = None,
) -> str:
    """The ``server { … }`` block serving ``root``."""
    from urllib.parse import urlsplit

    if onion_origin is None:
        onion_origin = mirror_settings().onion_origin
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
        "search_headers": _header_lines(security_headers(search=True)),
        "page_headers": _header_lines(page_headers),
        "proxy": proxy,
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
