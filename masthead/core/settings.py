"""Django settings for Masthead. Every value comes from the environment through ``config``.

One file for every deployment: production behaviour is switched on by variables
(``DATABASE_URL``, ``REDIS_URL``, an https ``MASTHEAD_BASE_URL``…), never by another module.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils.csp import CSP

from masthead.core import config

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# --- Where things live -----------------------------------------------------------------------

DATA_DIR = Path(config.env_str("MASTHEAD_DATA_DIR", "var")).resolve()
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_URL = "/static/"

# --- Core ------------------------------------------------------------------------------------

DEBUG = config.env_bool("DEBUG", False)
SECRET_KEY = config.secret_key("SECRET_KEY", DATA_DIR)
BASE_URL = config.env_origin("MASTHEAD_BASE_URL", "http://127.0.0.1:8000")
_base = urlsplit(BASE_URL)
BASE_URL_IS_HTTPS = _base.scheme == "https"
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", [_base.hostname, "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = [BASE_URL]
TIME_ZONE = config.env_time_zone("TIME_ZONE", "UTC")
USE_TZ = True
LANGUAGE_CODE = config.env_str("LANGUAGE_CODE", "en")
USE_I18N = True

ROOT_URLCONF = "masthead.core.urls"
WSGI_APPLICATION = "masthead.core.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "masthead.core",
    "masthead.publishing",
    "masthead.newsletters",
    "masthead.supporters",
    "masthead.payments",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Outermost: a cached public page is answered before anything else runs. What it stores
    # already carries the headers set by the middleware below it.
    "masthead.core.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP middleware, so that the admin's policy it picks is the one sent.
    "masthead.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "masthead.core.context_processors.site",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------

DATABASES = {
    "default": config.env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'masthead.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    INSTALLED_APPS.append("django.contrib.postgres")  # Wagtail's PostgreSQL search index
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(DATA_DIR / "test.sqlite3")

# --- Cache -----------------------------------------------------------------------------------

REDIS_URL = config.env_redis("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "masthead",
        }
    }
else:
    # Files, not process memory: the web processes and the worker must see one cache, so
    # that a publish in one process invalidates cached pages in all of them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

PAGE_CACHE_ENABLED = config.env_bool("MASTHEAD_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = config.env_int("MASTHEAD_PAGE_CACHE_SECONDS", 600, minimum=1)

# --- Background work -------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": config.env_str("MASTHEAD_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Email -----------------------------------------------------------------------------------

MAILERS = {"default": config.env_email("EMAIL_URL", "console://")}
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", f"newsroom@{_base.hostname}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security --------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django only sends HSTS on requests that arrived over HTTPS.
SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 63072000 if BASE_URL_IS_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if config.env_bool("MASTHEAD_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = BASE_URL_IS_HTTPS
CSRF_COOKIE_SECURE = BASE_URL_IS_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Public pages: first-party everything, no inline script or style, nothing framed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# The Wagtail admin still relies on inline scripts and styles; it is only reached by staff
# who are signed in, so it gets its own, looser policy (still first-party only).
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-ancestors": [CSP.SELF],
    "frame-src": [CSP.SELF],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(self), usb=(), interest-cohort=(), browsing-topics=()"
)

# --- Static files ----------------------------------------------------------------------------

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Wagtail ---------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = config.env_str("MASTHEAD_SITE_NAME", "Masthead")
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no request to a third party from the admin either
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_FINDERS = []  # embeds never fetch from third parties; see publishing.blocks
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"webp": "webp", "avif": "avif"}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"}
}
PASSWORD_REQUIRED_TEMPLATE = "publishing/password_required.html"  # noqa: S105 - a template

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Logging ---------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Newsletters (issue 3) -------------------------------------------------------------------

# --- Reader revenue: supporters and payments (issue 4) ---------------------------------------
