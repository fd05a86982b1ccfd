"""Masthead's configuration: every setting comes from the environment and is read here.

Each helper validates its variable and raises ``ConfigError`` naming it, so a wrong value
stops start-up with a message an operator can act on. Defaults run embedded: SQLite, local
files, an in-process cache, no server needed.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url


class ConfigError(Exception):
    """A configuration variable has a value Masthead cannot use."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    value = raw.lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _env_number(name, default, minimum=minimum, parse=int, kind="a whole number")
    if maximum is not None and value > maximum:
        raise ConfigError(name, f"must be at most {maximum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    return _env_number(name, default, minimum=minimum, parse=float, kind="a number")


def _env_number(name, default, *, minimum, parse, kind):
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise ConfigError(name, f"expected {kind}, got {raw!r}") from None
    if value != value or value < minimum:  # NaN or too small
        raise ConfigError(name, f"must be {kind} of at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_origin(name: str, default: str) -> str:
    """An origin such as ``https://example.org`` (scheme and host, optional port, no path)."""
    raw = env_str(name, default).rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(name, f"expected an origin like https://news.example.org, got {raw!r}")
    if parts.path or parts.query or parts.fragment:
        raise ConfigError(name, f"must be an origin without a path, got {raw!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ConfigError(name, f"has a malformed port: {raw!r}") from None
    return raw


def env_time_zone(name: str, default: str) -> str:
    raw = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            name, f"unknown time zone {raw!r} (use an IANA name such as Europe/Riga)"
        ) from None
    return raw


def env_database(name: str, default: str) -> dict:
    raw = env_str(name, default)
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(name, f"expected sqlite:///path or postgres://…, got scheme {scheme!r}")
    try:
        config = dj_database_url.parse(raw, conn_max_age=0)
    except (ValueError, KeyError) as exc:
        raise ConfigError(name, f"cannot parse {raw!r}: {exc}") from None
    if scheme == "sqlite":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise ConfigError(
                name, "an SQLite URL needs a file path, e.g. sqlite:///var/masthead.sqlite3"
            )
        config["OPTIONS"] = {
            # WAL lets the web server read while the worker writes; IMMEDIATE transactions
            # avoid the "database is locked" upgrade deadlock between them.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        if not config.get("NAME"):
            raise ConfigError(name, f"a PostgreSQL URL needs a database name: {raw!r}")
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def env_email(name: str, default: str) -> dict:
    """A ``MAILERS`` entry from ``smtp://user:pass@host:port?tls=1``, ``smtps://…``,
    ``console://`` or ``file:///dir``."""
    raw = env_str(name, default)
    parts = urlsplit(raw)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        if not parts.path:
            raise ConfigError(name, "a file:// URL needs a directory, e.g. file:///var/mail")
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": parts.path},
        }
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ConfigError(name, f"an SMTP URL needs a host, got {raw!r}")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(name, f"has a malformed port: {raw!r}") from None
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        use_tls = query.get("tls", "") in {"1", "true", "yes"}
        use_ssl = parts.scheme == "smtps" or query.get("ssl", "") in {"1", "true", "yes"}
        if use_tls and use_ssl:
            raise ConfigError(
                name, "choose either STARTTLS (tls=1) or implicit TLS (smtps://), not both"
            )
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or (465 if use_ssl else 25),
                "username": unquote(parts.username or "") or None,
                "password": unquote(parts.password or "") or None,
                "use_tls": use_tls,
                "use_ssl": use_ssl,
                "timeout": 30,
            },
        }
    raise ConfigError(name, f"expected smtp://, smtps://, console:// or file:///, got {raw!r}")


def env_redis(name: str) -> str:
    raw = env_str(name)
    if raw and urlsplit(raw).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(name, f"expected redis://host:port/db, got {raw!r}")
    return raw


def env_networks(name: str, default: list[str]) -> list[str]:
    """Comma-separated networks in CIDR notation (``10.0.0.0/8, 2001:db8::/32``); a bare address
    is one host. Host bits set (``10.0.0.1/8``) are refused: they usually mean a typo."""
    raw = env_str(name)
    if not raw:
        return list(default)
    networks = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=True)
        except ValueError as error:
            raise ConfigError(
                name, f"expected networks like 10.0.0.0/8 or 2001:db8::/32, got {item!r} ({error})"
            ) from None
        networks.append(str(network))
    return list(dict.fromkeys(networks))


def secret_key(name: str, data_dir: Path) -> str:
    """The key from the environment, or one generated once and kept in the data directory."""
    raw = env_str(name)
    if raw:
        if len(raw) < 32:
            raise ConfigError(name, "must be at least 32 characters long")
        return raw
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        # Exclusive create (two processes starting at once must end up with one key), with
        # owner-only permissions from the start: the key is never readable by others, not even
        # between creating the file and writing it.
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key)
    # Another process may have created the file and not yet written to it.
    for _attempt in range(50):
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.05)
    raise ConfigError(name, f"is unset and the generated key in {path} is empty")


def secret_key_fallbacks(name: str) -> list[str]:
    """Earlier keys, comma-separated, newest first: links signed with them (a newsletter's
    unsubscribe link, say) keep working after ``SECRET_KEY`` is rotated."""
    keys = env_list(name, [])
    for position, key in enumerate(keys, start=1):
        if len(key) < 32:
            raise ConfigError(name, f"key {position} is shorter than 32 characters")
    return keys


def env_url(name: str, default: str) -> str:
    """An http(s) URL such as ``https://js.stripe.com/v3/`` (a path is allowed)."""
    raw = env_str(name, default)
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(name, f"expected an http(s) URL, got {raw!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ConfigError(name, f"has a malformed port: {raw!r}") from None
    return raw


def env_languages(name: str, default: list[str]) -> list[tuple[str, str]]:
    """Language codes Django knows (``en,ru``), the first being the default: (code, name) pairs."""
    from django.conf.locale import LANG_INFO

    codes = [code.lower() for code in env_list(name, default)]
    unknown = [code for code in codes if code not in LANG_INFO or "fallback" in LANG_INFO[code]]
    if unknown:
        raise ConfigError(name, f"unknown language code {unknown[0]!r} (use codes such as en,ru)")
    if len(set(codes)) != len(codes):
        raise ConfigError(name, "a language is listed twice")
    return [(code, LANG_INFO[code]["name"]) for code in codes]


def language_suffix(code: str) -> str:
    """What a variable for one language ends with: ``_RU`` for ru, ``_PT_BR`` for pt-br."""
    return "_" + code.upper().replace("-", "_")


def language_variables_check(names: list[str], *, languages: list[str]) -> None:
    """A variable of ``names`` with a language's code appended must name one of
    ``languages`` other than the first (the default language's is the plain name): a code
    the site does not publish in, or a typo, would otherwise be ignored without a word."""
    others = {language_suffix(code) for code in languages[1:]}
    default = language_suffix(languages[0]) if languages else ""
    for variable in sorted(os.environ):
        for name in names:
            if not variable.startswith(name + "_") or not env_str(variable):
                continue
            suffix = variable[len(name) :]
            if suffix == default:
                raise ConfigError(variable, f"the default language's is the plain name: use {name}")
            if suffix not in others:
                code = suffix[1:].lower().replace("_", "-")
                raise ConfigError(
                    variable,
                    f"{code!r} is not a language of MASTHEAD_LANGUAGES ({', '.join(languages)})",
                )


def env_choice(name: str, default: str, choices: list[str]) -> str:
    raw = env_str(name, default)
    if raw not in choices:
        raise ConfigError(name, f"expected one of {', '.join(choices)}, got {raw!r}")
    return raw


def public_origins(name: str, base_url: str) -> list[str]:
    """The origins public forms accept posts from: the canonical origin, then those listed in
    the variable (mirrors, an onion address), comma-separated, each validated as an origin."""
    origins = [base_url.rstrip("/")]
    for item in env_list(name, []):
        parts = urlsplit(item.rstrip("/"))
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(
                name, f"expected origins like https://mirror.example.org, got {item!r}"
            )
        if parts.path or parts.query or parts.fragment:
            raise ConfigError(name, f"each entry must be an origin without a path, got {item!r}")
        try:
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            raise ConfigError(name, f"has a malformed port: {item!r}") from None
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin not in origins:
            origins.append(origin)
    return origins


def env_origin_list(name: str, default: list[str]) -> list[str]:
    """Space- or comma-separated origins (``https://a.example https://b.example``), in order."""
    raw = env_str(name)
    if not raw:
        return list(default)
    origins = []
    for item in raw.replace(",", " ").split():
        parts = urlsplit(item.rstrip("/"))
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(name, f"expected origins like https://api.example.org, got {item!r}")
        if parts.path or parts.query or parts.fragment:
            raise ConfigError(name, f"each entry must be an origin without a path, got {item!r}")
        origins.append(item.rstrip("/"))
    return list(dict.fromkeys(origins))


def env_directory(name: str) -> Path | None:
    """An absolute directory path, or None when the variable is unset. Created if missing."""
    raw = env_str(name)
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(name, f"{raw!r} exists and is not a directory")
    return path


# --- Helpers added for newsletters (issue 3) ------------------------------------------------

ANYMAIL_ESPS = {
    "amazon_ses",
    "brevo",
    "mailersend",
    "mailgun",
    "mailjet",
    "mailtrap",
    "mandrill",
    "postal",
    "postmark",
    "resend",
    "scaleway",
    "sendgrid",
    "sparkpost",
    "unisender_go",
}


def env_mailer(name: str, default: str) -> dict | None:
    """Like ``env_email``, plus ``anymail://<esp>`` for an email service provider through
    django-anymail (its credentials come from ``ANYMAIL_*`` variables). None when unset."""
    raw = env_str(name, default)
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme == "anymail":
        esp = (parts.hostname or parts.path.strip("/")).lower()
        if esp not in ANYMAIL_ESPS:
            raise ConfigError(
                name, f"unknown provider {esp!r}; one of: {', '.join(sorted(ANYMAIL_ESPS))}"
            )
        return {"BACKEND": f"anymail.backends.{esp}.EmailBackend"}
    return env_email(name, raw)


def env_prefixed(prefix: str) -> dict[str, str]:
    """Every variable starting with ``prefix``, keyed by the rest of its name."""
    return {
        key[len(prefix) :]: value.strip()
        for key, value in os.environ.items()
        if key.startswith(prefix) and len(key) > len(prefix) and value.strip()
    }


def env_pem(name: str) -> bytes:
    """A PEM private key given inline or as a path to a file; empty when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return b""
    if not raw.startswith("-----BEGIN"):
        path = Path(raw)
        if not path.is_file():
            raise ConfigError(name, f"expected a PEM key or a path to one; no file at {raw!r}")
        raw = path.read_text(encoding="ascii", errors="replace").strip()
    raw = raw.replace("\\n", "\n")
    if "PRIVATE KEY-----" not in raw:
        raise ConfigError(name, "expected a PEM private key (-----BEGIN … PRIVATE KEY-----)")
    return raw.encode("ascii")
