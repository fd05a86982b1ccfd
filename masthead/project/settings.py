"""Django settings for Masthead. Every value comes from the environment through ``config``.

One file for every deployment: production behaviour is switched on by variables
(``DATABASE_URL``, ``REDIS_URL``, an https ``MASTHEAD_BASE_URL``…), never by another module.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils.csp import CSP

from masthead.project import config

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# --- Where things live -----------------------------------------------------------------------

DATA_DIR = Path(config.env_str("MASTHEAD_DATA_DIR", "var")).resolve()
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Collected assets. A container image collects them when it is built, outside the data volume.
STATIC_ROOT = config.env_directory("MASTHEAD_STATIC_ROOT") or DATA_DIR / "static"
STATIC_URL = "/static/"

# --- Core ------------------------------------------------------------------------------------

DEBUG = config.env_bool("DEBUG", False)
SECRET_KEY = config.secret_key("SECRET_KEY", DATA_DIR)
# Keys replaced by SECRET_KEY: signatures made with them are still accepted.
SECRET_KEY_FALLBACKS = config.secret_key_fallbacks("MASTHEAD_SECRET_KEY_FALLBACKS")
BASE_URL = config.env_origin("MASTHEAD_BASE_URL", "http://127.0.0.1:8000")
_base = urlsplit(BASE_URL)
BASE_URL_IS_HTTPS = _base.scheme == "https"
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", [_base.hostname, "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = [BASE_URL]
TIME_ZONE = config.env_time_zone("TIME_ZONE", "UTC")
USE_TZ = True
# Reader-facing words come from each app's locale/<code>/LC_MESSAGES/django.po (compiled .mo
# files are committed). The first language is the default; English alone is today's site.
LANGUAGES = config.env_languages(
    "MASTHEAD_LANGUAGES", [config.env_str("LANGUAGE_CODE", "en") or "en"]
)
LANGUAGE_CODE = LANGUAGES[0][0]
USE_I18N = True

ROOT_URLCONF = "masthead.project.urls"
WSGI_APPLICATION = "masthead.project.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "masthead.project",
    "masthead.core",
    "masthead.audit",
    "masthead.accounts",
    "masthead.publishing",
    "masthead.newsletters",
    "masthead.supporters",
    "masthead.appeals",
    "masthead.figures",
    "masthead.payments",
    "masthead.distribution",
    "masthead.channels",
    "masthead.imports",
    "wagtail.contrib.forms",
    # wagtail.contrib.redirects, .snippets, .documents and .images, without the REST API they
    # would build at every start (masthead/project/apps.py).
    "masthead.project.apps.RedirectsConfig",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    # Editors' "Translate" action, offered for pages once there is a locale to translate into.
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "masthead.project.apps.SnippetsConfig",
    "masthead.project.apps.DocumentsConfig",
    "masthead.project.apps.ImagesConfig",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
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
    # The language of the edition the path is in (/ru/…), before anything reads it.
    "masthead.core.editions.EditionLanguageMiddleware",
    "masthead.core.memo.MemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then no admin page for a session without a second factor.
    "django_otp.middleware.OTPMiddleware",
    "masthead.accounts.middleware.SecondFactorMiddleware",
    "masthead.audit.actor.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # WordPress's /?p=123 addresses land on the front page (200), which Wagtail's redirects
    # never see: answered from the same redirects table.
    "masthead.imports.middleware.OldQueryAddressMiddleware",
]
# What ``core.lean`` keeps in front of the views it answers in the WSGI layer (the beacon):
# the headers every answer carries and the host check. The rest of MIDDLEWARE gives nothing
# to a view that reads no session, user, page, language or cached entry.
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "masthead.core.security.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            # Django's file cache, listing its directory to cull once in a while rather than
            # on every write (core.file_cache).
            "BACKEND": "masthead.core.file_cache.FileCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

PAGE_CACHE_ENABLED = config.env_bool("MASTHEAD_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = config.env_int("MASTHEAD_PAGE_CACHE_SECONDS", 600, minimum=1)

# --- Background work -------------------------------------------------------------------------

# "database" (the default): the queue in the database, run by `masthead worker`. "rq": Redis
# queues run by `masthead rqworker --job-class django_tasks_rq.Job default` (needs REDIS_URL;
# `masthead worker` then keeps only the schedule and the heartbeat). Or a backend's dotted path.
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
_task_backend = config.env_str("MASTHEAD_TASK_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS.get(_task_backend, _task_backend),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["rq"]:
    if not REDIS_URL:
        raise config.ConfigError("MASTHEAD_TASK_BACKEND", "the rq backend needs REDIS_URL")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}

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
# On only when every subdomain is served over https (see deploy/production.env.example).
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = config.env_bool("SECURE_HSTS_PRELOAD", False)
# The app answers plain http with a redirect to https, but for the health check that load
# balancers and the container runtime make over plain http from the inside.
SECURE_SSL_REDIRECT = config.env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# /healthz answers 503 when no worker has beaten for this many seconds (one beats every 10 s).
WORKER_HEARTBEAT_MAX_AGE = config.env_int("MASTHEAD_WORKER_HEARTBEAT_MAX_AGE", 60, minimum=15)
_behind_proxy = config.env_bool("MASTHEAD_BEHIND_PROXY", False)
# Proxies whose X-Forwarded-For is believed (nginx on this host, a CDN's ranges): the client is
# the first address, from the right, that is not one of them. MASTHEAD_BEHIND_PROXY alone (the
# older setting) trusts nginx on the same host, so existing deployments keep working.
TRUSTED_PROXIES = config.env_networks(
    "MASTHEAD_TRUSTED_PROXIES", ["127.0.0.0/8", "::1/128"] if _behind_proxy else []
)
# Public forms (core.public_forms): readers without an address (the onion service) share one
# budget per form, this many times one client's limit.
PUBLIC_FORMS_ONION_BUDGET = config.env_int("MASTHEAD_ONION_BUDGET", 20, minimum=1)
# Posts of one email address per hour to the signup and reminder forms, whatever the client.
PUBLIC_FORMS_POSTS_PER_EMAIL = config.env_int("MASTHEAD_POSTS_PER_EMAIL_PER_HOUR", 5, minimum=1)
# X-Forwarded-Proto is believed only with a proxy in front (one that sets it, as ours does).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _behind_proxy or TRUSTED_PROXIES else None
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
        else "masthead.core.staticfiles.CachedManifestStaticFilesStorage"
    },
}
# Media (uploaded images, documents) on S3-compatible storage, shared by every machine: set
# the bucket and its credentials. Unset: files under MASTHEAD_DATA_DIR/media.
MEDIA_S3_BUCKET = config.env_str("MASTHEAD_MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    # A CDN in front of the bucket (https://media.example.org/path): image URLs point there.
    _media_s3_url = (
        config.env_url("MASTHEAD_MEDIA_S3_URL", "").rstrip("/")
        if config.env_str("MASTHEAD_MEDIA_S3_URL")
        else ""
    )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": config.env_str("MASTHEAD_MEDIA_S3_ENDPOINT") or None,
            "region_name": config.env_str("MASTHEAD_MEDIA_S3_REGION") or None,
            "access_key": config.env_str("MASTHEAD_MEDIA_S3_KEY_ID") or None,
            "secret_key": config.env_str("MASTHEAD_MEDIA_S3_SECRET") or None,
            # Public images at plain, cacheable URLs; a file never replaces another.
            "querystring_auth": False,
            "file_overwrite": False,
            "custom_domain": _media_s3_url.partition("://")[2] or None,
            "url_protocol": f"{urlsplit(_media_s3_url).scheme or 'https'}:",
            "object_parameters": {"CacheControl": "public, max-age=86400"},
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
# More than one language: one edition per language, each a page tree of its own (Wagtail's
# localisation), the default at the root and the others under /<code>/ (core.editions).
WAGTAIL_I18N_ENABLED = len(LANGUAGES) > 1
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
if WAGTAIL_I18N_ENABLED:
    INSTALLED_APPS.append("wagtail.locales")  # Settings → Locales, where editions are added
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"}
}
PASSWORD_REQUIRED_TEMPLATE = "publishing/password_required.html"  # noqa: S105 - a template

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Every account is staff: 12 characters at least, and none of Django's 20,000 common
    # passwords (a list bundled with Django: the check needs no network).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Security audit log ---------------------------------------------------------------------

# Days the security audit log keeps an entry; the worker deletes older ones every day.
AUDIT_DAYS = config.env_int("MASTHEAD_AUDIT_DAYS", 365, minimum=1)

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

# Editions go through their own mailer (an ESP for bulk, say, while confirmations use SMTP);
# by default the same one as everything else.
MAILERS["newsletters"] = config.env_mailer("MASTHEAD_NEWSLETTER_EMAIL_URL", "") or dict(
    MAILERS["default"]
)
NEWSLETTER_MAILER = "newsletters"
# django-anymail: ANYMAIL_POSTMARK_SERVER_TOKEN=… becomes ANYMAIL["POSTMARK_SERVER_TOKEN"].
ANYMAIL = config.env_prefixed("ANYMAIL_")
# The send engine, per worker process: messages per second (0 = as fast as the server takes
# them) over this many SMTP connections; how many tasks share one send.
NEWSLETTER_RATE = config.env_float("MASTHEAD_NEWSLETTER_RATE", 0.0)
NEWSLETTER_CONCURRENCY = config.env_int("MASTHEAD_NEWSLETTER_CONCURRENCY", 8, minimum=1)
NEWSLETTER_SEND_TASKS = config.env_int("MASTHEAD_NEWSLETTER_SEND_TASKS", 1, minimum=1)
NEWSLETTER_BATCH = 200
NEWSLETTER_LEASE_SECONDS = config.env_int("MASTHEAD_NEWSLETTER_LEASE_SECONDS", 120, minimum=5)
NEWSLETTER_RETRY_DELAYS = [60, 300, 1800, 7200, 21600]  # seconds; then the address fails
NEWSLETTER_CONFIRM_MAX_AGE = 7 * 24 * 3600
NEWSLETTER_CONFIRM_INTERVAL = 3600  # at most one confirmation email per address per hour
NEWSLETTER_SIGNUP_RATE = (config.env_int("MASTHEAD_SIGNUP_RATE_LIMIT", 10, minimum=1), 600)
NEWSLETTER_UNSUBSCRIBE_MAILTO = config.env_str("MASTHEAD_NEWSLETTER_UNSUBSCRIBE_MAILTO")
# Where images in emails load from: a CDN origin that is not blocked where readers are (it
# must serve /media/ as the site does). The web versions of editions use the site's own.
EMAIL_MEDIA_ORIGIN = (
    config.env_origin("MASTHEAD_EMAIL_MEDIA_ORIGIN", BASE_URL)
    if config.env_str("MASTHEAD_EMAIL_MEDIA_ORIGIN")
    else BASE_URL
)
# More origins public forms accept posts from (core.public_forms adds the API origins and the
# mirrors and onion address editors keep in the admin).
PUBLIC_ORIGINS = config.public_origins("MASTHEAD_PUBLIC_ORIGINS", BASE_URL)
_dkim_key = config.env_pem("MASTHEAD_DKIM_PRIVATE_KEY")
_dkim_selector = config.env_str("MASTHEAD_DKIM_SELECTOR")
_dkim_domain = config.env_str("MASTHEAD_DKIM_DOMAIN")
if bool(_dkim_key) != bool(_dkim_selector):
    raise config.ConfigError(
        "MASTHEAD_DKIM_SELECTOR" if _dkim_key else "MASTHEAD_DKIM_PRIVATE_KEY",
        "DKIM needs both MASTHEAD_DKIM_PRIVATE_KEY and MASTHEAD_DKIM_SELECTOR",
    )
NEWSLETTER_DKIM = (
    {
        "private_key": _dkim_key,
        "selector": _dkim_selector,
        "domain": _dkim_domain or DEFAULT_FROM_EMAIL.rpartition("@")[2],
    }
    if _dkim_key
    else None
)
if (
    NEWSLETTER_DKIM
    and MAILERS["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
):
    # Confirmation and test emails are signed too.
    MAILERS["default"]["BACKEND"] = "masthead.newsletters.email.dkim_backend.DkimSmtpBackend"

# --- Reader revenue: supporters and payments (issue 4) ---------------------------------------
# Payment providers, as dotted paths to PaymentProvider classes, in the order readers see them
# (the first is preselected). Each is offered only when it is configured (Stripe: keys; the test
# provider: only while editors have test mode on; offline methods: instructions set by editors).
# Adding one = one new package listed here.
PAYMENT_PROVIDERS = config.env_list(
    "MASTHEAD_PAYMENT_PROVIDERS",
    [
        "masthead.payments.stripe.StripeProvider",
        "masthead.payments.test.TestProvider",
        "masthead.payments.offline.BankTransferProvider",
        "masthead.payments.offline.CryptoProvider",
    ],
)
# Stripe: keys only from the environment. Test keys (sk_test_…) label every screen TEST MODE.
STRIPE_SECRET_KEY = config.env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = config.env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = config.env_str("STRIPE_WEBHOOK_SECRET")
if STRIPE_SECRET_KEY and not STRIPE_SECRET_KEY.startswith(("sk_", "rk_")):
    raise config.ConfigError("STRIPE_SECRET_KEY", "expected a key starting with sk_ or rk_")
if STRIPE_SECRET_KEY and not (STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET):
    raise config.ConfigError(
        "STRIPE_WEBHOOK_SECRET" if STRIPE_PUBLISHABLE_KEY else "STRIPE_PUBLISHABLE_KEY",
        "needed too when STRIPE_SECRET_KEY is set (card payments and renewals rely on it)",
    )
# Where the Stripe API and Stripe.js live: the tests point both at localstripe.
STRIPE_API_BASE = config.env_origin("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_JS_URL = config.env_url("STRIPE_JS_URL", "https://js.stripe.com/v3/")
# How Stripe bills a changed amount mid-period; empty sends nothing (Stripe's default).
STRIPE_PRORATION_BEHAVIOR = config.env_choice(
    "STRIPE_PRORATION_BEHAVIOR", "none", ["none", "create_prorations", "always_invoice", ""]
)
# The public forms (contributions, reminders, sign-in links) go through core.public_forms.
# The request header in which a CDN names the reader's country (two letters), for the
# per-country notices editors set on the support page. Empty: no notices are shown.
SUPPORT_COUNTRY_HEADER = config.env_str("MASTHEAD_COUNTRY_HEADER", "CF-IPCountry")
# Per client (a keyed hash, never the address) and hour: public form posts, and payment
# attempts (card-testing protection). Blocked attempts are counted in the admin.
SUPPORT_FORM_POSTS_PER_HOUR = config.env_int("MASTHEAD_SUPPORT_FORM_POSTS_PER_HOUR", 60, minimum=1)
PAYMENT_ATTEMPTS_PER_HOUR = config.env_int("MASTHEAD_PAYMENT_ATTEMPTS_PER_HOUR", 10, minimum=1)
# Days before an annual renewal that the supporter gets a notice.
SUPPORT_RENEWAL_NOTICE_DAYS = config.env_int("MASTHEAD_RENEWAL_NOTICE_DAYS", 14, minimum=1)

# --- Appeals (issue 5) -----------------------------------------------------------------------

# How long browsers and CDNs may keep /appeals/active.json. Edits reach readers within this.
APPEALS_FILE_MAX_AGE = config.env_int("MASTHEAD_APPEALS_FILE_MAX_AGE", 300, minimum=0)
# Counter events (views, clicks…) accepted per client and window; keyed by a salted hash.
APPEALS_COUNT_LIMIT = config.env_int("MASTHEAD_APPEALS_COUNT_LIMIT", 300, minimum=1)
APPEALS_COUNT_WINDOW = config.env_int("MASTHEAD_APPEALS_COUNT_WINDOW", 600, minimum=1)
# Days that "Remind me later" hides appeals in the browser that asked.
APPEALS_SNOOZE_DAYS = config.env_int("MASTHEAD_APPEALS_SNOOZE_DAYS", 30, minimum=1)

# --- Figures (issue 17) ---------------------------------------------------------------------

# Days that daily readership and conversion rows are kept before they are merged into months.
FIGURES_DAYS = config.env_int("MASTHEAD_FIGURES_DAYS", 730, minimum=1)
# Beacon hits accepted per client and window (keyed by a hash, like every public form).
FIGURES_HIT_LIMIT = config.env_int("MASTHEAD_FIGURES_HIT_LIMIT", 600, minimum=1)
FIGURES_HIT_WINDOW = config.env_int("MASTHEAD_FIGURES_HIT_WINDOW", 600, minimum=1)
# Seconds a web process adds hits up in memory before writing them to the daily table.
FIGURES_FLUSH_SECONDS = config.env_float("MASTHEAD_FIGURES_FLUSH_SECONDS", 2.0, minimum=0.05)

# --- Distribution: static output, mirrors, onion (issue 6) ---

# Where `masthead build` writes the site and where publishing keeps it up to date. Unset: no
# static output is maintained (the app still serves every page itself).
STATIC_OUTPUT_DIR = config.env_directory("MASTHEAD_STATIC_OUT")
# Optional second copy with relative links, for sub-paths, file:// and offline bundles.
STATIC_PORTABLE_OUTPUT_DIR = config.env_directory("MASTHEAD_STATIC_PORTABLE_OUT")
# Where the dynamic features (newsletter signup, contributions, reminders) are reachable from
# static copies, tried in order. The canonical origin by default.
API_ORIGINS = config.env_origin_list("MASTHEAD_API_ORIGINS", [BASE_URL])
# Pages may post to, and probe, those origins.
for _directive in ("form-action", "connect-src"):
    SECURE_CSP[_directive] = [*SECURE_CSP[_directive], *(o for o in API_ORIGINS if o != BASE_URL)]
# Parallel render processes for `masthead build` (default: one per core).
STATIC_BUILD_JOBS = config.env_int("MASTHEAD_STATIC_BUILD_JOBS", 0, minimum=0)
# Articles per part of the search index. Parts are numbered from the oldest, like listing
# pages: a publish indexes the newest part again (up to twice this many pages), not all.
SEARCH_PART_SIZE = config.env_int("MASTHEAD_SEARCH_PART_SIZE", 2000, minimum=1)
# Page ids per part of the sitemap (sitemap.xml is the index of the parts): an edit renders
# its page's part again, not every page's address. At most 50,000, a sitemap's limit.
SITEMAP_PART_SIZE = config.env_int("MASTHEAD_SITEMAP_PART_SIZE", 1000, minimum=1, maximum=50_000)

# --- Staff accounts: second factor, sign-in throttling (issue 12) ---

# required: no admin session on a password alone. optional: development only (warned at start).
ADMIN_2FA = config.env_choice("MASTHEAD_ADMIN_2FA", "required", ["required", "optional"])
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "django_otp_webauthn.backends.WebAuthnBackend",  # sign-in with a passkey alone
]
WAGTAILADMIN_USER_LOGIN_FORM = "masthead.accounts.forms.SignInForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "masthead.accounts.forms.PasswordResetForm"  # noqa: S105
# Failed sign-ins (passwords and second-factor codes) per account, in windows of this many
# seconds; the account then waits for the window to pass. Counted in the cache, by a keyed
# hash of the username, whatever address the attempts come from.
SIGNIN_FAILURE_LIMIT = config.env_int("MASTHEAD_SIGNIN_FAILURE_LIMIT", 10, minimum=1)
SIGNIN_FAILURE_WINDOW = config.env_int("MASTHEAD_SIGNIN_FAILURE_WINDOW", 900, minimum=60)
# Per client network too, when a trusted proxy names a real one (several staff may share it).
SIGNIN_NETWORK_FAILURE_LIMIT = config.env_int(
    "MASTHEAD_SIGNIN_NETWORK_FAILURE_LIMIT", 50, minimum=1
)
# "Remember this device": days a browser may skip the second factor (0: never; at most 30).
TRUSTED_DEVICE_DAYS = config.env_int("MASTHEAD_TRUSTED_DEVICE_DAYS", 30, minimum=0)
if TRUSTED_DEVICE_DAYS > 30:
    raise config.ConfigError("MASTHEAD_TRUSTED_DEVICE_DAYS", "at most 30 days")
# One lock-out rule (ours, above), not django-otp's per-device back-off as well.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Passkeys belong to a domain name (the relying party): they work on an https origin or on
# http://localhost, never on a bare IP address. Elsewhere the admin offers TOTP only.
PASSKEYS_ENABLED = (BASE_URL_IS_HTTPS or _base.hostname == "localhost") and not (
    _base.hostname.replace(".", "").isdigit() or ":" in _base.hostname
)
OTP_WEBAUTHN_RP_ID = _base.hostname
OTP_WEBAUTHN_RP_NAME = WAGTAIL_SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = [BASE_URL]
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "masthead.accounts.passkeys"
if not PASSKEYS_ENABLED:
    SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E031"]  # http origin: passkeys are off, see above


# --- Channels: Telegram, Mastodon, Bluesky (issue 15) ----------------------------------------
# A channel is on when its variables are set: each article is then posted to it once, when it
# is first published (see masthead/channels/services.py). The plain names are the accounts of
# the default language (the first of MASTHEAD_LANGUAGES). An article in another language goes
# to that language's accounts: the same names with its code appended (..._RU), read into
# CHANNEL_ACCOUNTS; a language without its own account on a channel is not posted there. The
# bot, the Bot API server and the PDS serve every language.
def _channel_account(suffix: str) -> dict[str, str]:
    """One language's accounts (``suffix``: "" for the default language, "_RU" for ru)."""
    mastodon = f"MASTHEAD_MASTODON_URL{suffix}"
    return {
        "TELEGRAM_CHAT_ID": config.env_str(f"MASTHEAD_TELEGRAM_CHAT_ID{suffix}"),
        "MASTODON_URL": config.env_url(mastodon, "") if config.env_str(mastodon) else "",
        "MASTODON_TOKEN": config.env_str(f"MASTHEAD_MASTODON_TOKEN{suffix}"),
        "BLUESKY_HANDLE": config.env_str(f"MASTHEAD_BLUESKY_HANDLE{suffix}").lstrip("@"),
        "BLUESKY_APP_PASSWORD": config.env_str(f"MASTHEAD_BLUESKY_APP_PASSWORD{suffix}"),
    }


_default_account = _channel_account("")
TELEGRAM_BOT_TOKEN = config.env_str("MASTHEAD_TELEGRAM_BOT_TOKEN")
TELEGRAM_CHAT_ID = _default_account["TELEGRAM_CHAT_ID"]
TELEGRAM_API_URL = config.env_url("MASTHEAD_TELEGRAM_API_URL", "https://api.telegram.org")
MASTODON_URL = _default_account["MASTODON_URL"]
MASTODON_TOKEN = _default_account["MASTODON_TOKEN"]
BLUESKY_HANDLE = _default_account["BLUESKY_HANDLE"]
BLUESKY_APP_PASSWORD = _default_account["BLUESKY_APP_PASSWORD"]
BLUESKY_PDS_URL = config.env_url("MASTHEAD_BLUESKY_PDS_URL", "https://bsky.social")
# Language code → that language's accounts, for every language but the default.
CHANNEL_ACCOUNTS = {
    code: _channel_account(config.language_suffix(code)) for code, _name in LANGUAGES[1:]
}
config.language_variables_check(
    [f"MASTHEAD_{name}" for name in _default_account],
    languages=[code for code, _name in LANGUAGES],
)
_chat_ids = [f"MASTHEAD_TELEGRAM_CHAT_ID{config.language_suffix(c)}" for c in CHANNEL_ACCOUNTS]
if config.env_str("MASTHEAD_TELEGRAM_BOT_TOKEN") and not any(
    config.env_str(name) for name in ["MASTHEAD_TELEGRAM_CHAT_ID", *_chat_ids]
):
    raise config.ConfigError(
        "MASTHEAD_TELEGRAM_CHAT_ID", "needed too when MASTHEAD_TELEGRAM_BOT_TOKEN is set"
    )
for _chat_id in ["MASTHEAD_TELEGRAM_CHAT_ID", *_chat_ids]:
    if config.env_str(_chat_id) and not config.env_str("MASTHEAD_TELEGRAM_BOT_TOKEN"):
        raise config.ConfigError(
            "MASTHEAD_TELEGRAM_BOT_TOKEN", f"needed too when {_chat_id} is set"
        )
for _suffix in ["", *(config.language_suffix(code) for code in CHANNEL_ACCOUNTS)]:
    for _first, _second in (
        (f"MASTHEAD_MASTODON_URL{_suffix}", f"MASTHEAD_MASTODON_TOKEN{_suffix}"),
        (f"MASTHEAD_BLUESKY_HANDLE{_suffix}", f"MASTHEAD_BLUESKY_APP_PASSWORD{_suffix}"),
    ):
        if bool(config.env_str(_first)) != bool(config.env_str(_second)):
            _given, _missing = (_first, _second) if config.env_str(_first) else (_second, _first)
            raise config.ConfigError(_missing, f"needed too when {_given} is set")
# Seconds a worker holds a post while it calls the service; a post held longer than this by a
# worker that stopped is taken over (and reconciled, see services.py).
CHANNELS_LEASE_SECONDS = config.env_int("MASTHEAD_CHANNELS_LEASE_SECONDS", 300, minimum=5)
CHANNELS_RETRY_DELAYS = [30, 120, 600, 1800, 7200]  # seconds; then the post has failed
# httpx logs each request's URL, and the Bot API's carries the bot token.
LOGGING["loggers"]["httpx"] = {"level": "WARNING"}
