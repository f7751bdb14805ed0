"""CivicDesk settings: one module, read from the environment only.

Defaults run straight after a clone (SQLite in ./var, console email, DEBUG off).
Every variable is listed in the README's Configuration section.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.env import env, env_bool, env_int, env_list, env_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("CIVICDESK_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _default_secret_key() -> str:
    """A per-install random key kept in var/, so every worker process shares it."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY") or _default_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Links in emails, feeds and the API are built from SITE_URL; unset, it follows PORT (as `make run` and
# `manage.py serve` listen on it).
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")
# How many reverse proxies stand in front of the app servers: rate limits count the client address that the
# outermost trusted proxy saw (X-Forwarded-For), never one the client typed itself. 0 = use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Rate limits (civicdesk/throttle): on unless switched off for a private test install.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)

INSTALLED_APPS = [
    "modeltranslation",
    # The admin site requires staff to have passed two-factor sign-in (accounts.admin_site).
    "civicdesk.accounts.admin_site.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "civicdesk.core",
    # Rate limits: below every app that counts something against them.
    "civicdesk.throttle",
    "civicdesk.accounts",
    "civicdesk.audit",
    "civicdesk.jurisdictions",
    "civicdesk.search",
    # Editorial workflow shared by the information hub's content apps (issue 14): below every one of them.
    "civicdesk.editorial",
    "civicdesk.catalog",
    "civicdesk.servicerequests",
    "civicdesk.triage",
    "civicdesk.intake",
    "civicdesk.open311",
    "civicdesk.staff",
    "civicdesk.notifications",
    "civicdesk.subscriptions",
    "civicdesk.alerts",
    "civicdesk.notices",
    "civicdesk.inbound",
    "civicdesk.datasets",
    # "Was it fixed?": below transparency and reports, which show its aggregates.
    "civicdesk.feedback",
    "civicdesk.transparency",
    "civicdesk.reports",
    "civicdesk.insights",
    "civicdesk.opendata",
    "civicdesk.publicmap",
    # Surveys and forms (issue 13): the reusable form engine, then surveys built on it.
    "civicdesk.formengine",
    "civicdesk.surveys",
    "civicdesk.meetings",
    "civicdesk.newsletter",
    # Engagement (issue 13): moderation of residents' posts, then what uses it.
    "civicdesk.moderation",
    "civicdesk.forums",
    "civicdesk.comments",
    # Issue 14, information hub (in this order).
    "civicdesk.content",
    "civicdesk.documents",
    "civicdesk.directory",
    # City onboarding (issue 20): boundary import and the go-live checklist; reads every app above.
    "civicdesk.onboarding",
    # City onboarding (issue 20): configuration as files and catalogue migration; nothing imports it.
    "civicdesk.cityconfig",
    # Integrations (issue 16): the embeddable portal (pages framed by a city's own site); nothing imports it.
    "civicdesk.embed",
    # Staff single sign-on with OpenID Connect (issue 16, docs/sso.md): last; accounts calls it through hooks.
    "civicdesk.sso",
    # Connectors to work-order systems (issue 16): forwards requests and applies updates; nothing imports it.
    "civicdesk.connectors",
    # Issue 19: reports by text message, email and social direct messages; nothing imports it.
    "civicdesk.conversations",
    # Bills and payments (issue 17): the ledger, providers, the pay flow.
    "civicdesk.payments",
    # permits and licences (issue 18): application types, applying, review, decisions, issued permits
    "civicdesk.applications",
    # Inspections (issue 18): inspectors' availability, bookings by applicants, results on a phone.
    "civicdesk.inspections",
    "civicdesk.records",
]

MIDDLEWARE = [
    # First, so a request refused for overload costs almost nothing (see civicdesk/core/overload.py).
    "civicdesk.core.overload.LoadSheddingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (civicdesk/core/security.py), static files included.
    "civicdesk.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files come compressed already) and above everything that writes the body.
    # Django's GZip pads responses at random against BREACH-style guessing of secrets in the page.
    "django.middleware.gzip.GZipMiddleware",
    # /embed/<jurisdiction>/...: frameable by the jurisdiction's allowed sites, with cookies of its own; below the
    # CSP middleware (which reads its per-response frame-ancestors), above sessions, locale and CSRF (see
    # civicdesk/embed/middleware.py and docs/embed.md).
    "civicdesk.embed.middleware.EmbedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "civicdesk.accounts.middleware.StaffSessionMiddleware",
    # Cache-Control: private, no-store on pages with personal data (civicdesk/core/privacy.py).
    "civicdesk.core.privacy.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "civicdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicdesk.core.context_processors.city_context",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_secret("DATABASE_URL", f"sqlite:///{VAR_DIR / 'civicdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers queue on busy_timeout instead of failing.
    # synchronous=FULL: an acknowledged report survives power loss (see README).
    # Connections are kept between requests (DB_CONN_MAX_AGE, as on PostgreSQL): a new SQLite connection
    # parses the whole schema (over 800 tables and indexes) at its first statement, about 3 ms, which a page
    # answered 304 or a submission would otherwise pay on every request (docs/performance.md). Each kept
    # connection holds at most SQLITE_CACHE_MB of pages: one per gunicorn thread.
    # Django's backend, with the writers of one process queueing for SQLite's write lock in turn rather than
    # on SQLite's sleeping busy handler (civicdesk/lib/queued_sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "civicdesk.lib.queued_sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            f"PRAGMA synchronous={env('SQLITE_SYNCHRONOUS', 'FULL')};"
            "PRAGMA foreign_keys=ON;"
            f"PRAGMA cache_size=-{env_int('SQLITE_CACHE_MB', 16) * 1024};"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # The triage index (sr_triage) carries the request's kind as a non-key column on PostgreSQL; SQLite has none
    # and builds it without, as intended (servicerequests/models.py). Django's warning about it would otherwise
    # be printed by every `migrate`, `make run` included.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_SIDE_BINDING", True):
    # Values are sent apart from the statement (server-side binding), so psycopg can prepare a statement a
    # connection has run DB_PREPARE_THRESHOLD times: PostgreSQL then skips parsing and planning it again. The
    # public pages' validators and a submission's statements are the same few texts over and over. Binding on
    # the server alone took the home and tracking pages from 27-42% to 40-55% of the trivial endpoint's rate
    # (a 300,000-request run; docs/performance.md, bench/RESULTS.md). Turn it off behind a pooler in transaction
    # mode that does not track prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# A password reset link works for this many seconds (and only once).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)
LOGIN_REDIRECT_URL = "accounts:my_requests"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
# Staff sessions end after this many minutes without a request (residents keep SESSION_COOKIE_AGE).
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
# This many failed passwords for one email, or failed codes for one user, within the window locks sign-in.
SIGN_IN_MAX_FAILURES = env_int("SIGN_IN_MAX_FAILURES", 5)
# The lockout window in minutes: failures older than this no longer count.
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
# The issuer name authenticator apps show beside the staff member's email.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "CivicDesk")
# django-otp's own per-device throttle is off: accounts.SignInFailure counts failures across servers
# and tells the person when to try again.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "en"
# Arabic is written right to left: base.html sets dir="rtl" from Django's bidi list and css/rtl.css mirrors
# the layout (docs/languages.md). Adding a language adds `_xx` columns to every model registered with
# django-modeltranslation: run makemigrations after changing this list.
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("ar", _("Arabic"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "civicdesk" / "locale"]
# Our own date and number formats per language, over Django's (civicdesk/formats/ar: Western digits, "." decimals).
FORMAT_MODULE_PATH = ["civicdesk.formats"]
TIME_ZONE = env("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static files and media -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "civicdesk" / "static"]
_NODE = BASE_DIR / "node_modules"
for _prefix, _path in [
    *[(f"vendor/uswds/{sub}", _NODE / "@uswds" / "uswds" / "dist" / sub) for sub in ("css", "js", "img", "fonts")],
    ("vendor/leaflet", _NODE / "leaflet" / "dist"),
]:
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": env("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    # STATICFILES_BACKEND: the plain storage serves static files without collectstatic's manifest (tests, and
    # the smoke test of `make bench`, whose server otherwise needs collectstatic first).
    "staticfiles": {
        "BACKEND": env("STATICFILES_BACKEND", (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ))
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads: photos and videos a resident may attach to one report.
MAX_PHOTOS_PER_REQUEST = 5
# Photos kept between attempts of the report form are deleted after this many hours (purge_pending_uploads).
PENDING_UPLOAD_MAX_AGE_HOURS = env_int("PENDING_UPLOAD_MAX_AGE_HOURS", 24)
MAX_PHOTO_BYTES = env_int("MAX_PHOTO_BYTES", 15 * 1024 * 1024)
MAX_PHOTO_PIXELS = env_int("MAX_PHOTO_PIXELS", 50_000_000)
MAX_VIDEO_BYTES = env_int("MAX_VIDEO_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Document library (civicdesk/documents, docs/documents.md): the largest file, the text kept per version, and the
# zip limits a .docx/.xlsx/.odt/.ods must pass before anything in it is unpacked (zip bombs).
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 25 * 1024 * 1024)
DOCUMENT_TEXT_MAX_CHARS = env_int("DOCUMENT_TEXT_MAX_CHARS", 200_000)
DOCUMENT_MAX_ZIP_MEMBERS = env_int("DOCUMENT_MAX_ZIP_MEMBERS", 2000)
DOCUMENT_MAX_UNCOMPRESSED_BYTES = env_int("DOCUMENT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)

# --- Email ----------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Unset: "<city name> 311 <no-reply@<SITE_URL's host, or the city pack's email_domain>>", filled in at
# start-up by civicdesk.core.apps (the city pack is not importable from here).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Replies to notifications go to reply+<token>@INBOUND_EMAIL_DOMAIN; empty leaves Reply-To out.
INBOUND_EMAIL_DOMAIN = env("INBOUND_EMAIL_DOMAIN", "")

# --- City -----------------------------------------------------------------
CITY_PACK = env("CITY_PACK", "civicdesk.cities.default.DefaultCity")
# "none" switches tiles off: maps still show outlines and pins (offline or air-gapped installs).
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_URL = "" if MAP_TILE_URL.lower() == "none" else MAP_TILE_URL
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

# --- Security -------------------------------------------------------------
# HTTPS=true is production behind TLS: `manage.py check --deploy` passes cleanly.
HTTPS = env_bool("HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
# HSTS whenever the site is served over HTTPS (HTTPS=true, or an https SITE_URL behind a TLS proxy with
# TRUST_X_FORWARDED_PROTO); browsers only take it from a response that came over HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS",
                              31536000 if HTTPS or SITE_URL.startswith("https://") else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites (the map tile server, links) learn only that a visitor came from this site, never the page
# (tracking numbers, confirmation tokens); tile servers' usage policies ask for that Referer.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Payment providers' hosted checkout pages, which the pay form's redirect leads to: CSP form-action also governs
# the redirect that follows a form, and browsers block it otherwise. Stripe Checkout's page is on
# checkout.stripe.com; with the local Stripe stand-in add its address (docs/payments-stripe.md).
PAYMENT_CHECKOUT_ORIGINS = env_list("PAYMENT_CHECKOUT_ORIGINS", ["https://checkout.stripe.com"])
# Content-Security-Policy (django-csp; the middleware adds MAP_TILE_URL's host to img-src): nothing
# inline, nothing external but the checkout pages above. See docs/durability.md, "Security headers".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: is Leaflet's blank image, set on tiles whose loading it cancels when the map moves.
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *PAYMENT_CHECKOUT_ORIGINS],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy: the report form's "use my location" needs geolocation on this site; nothing else.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    **{feature: [] for feature in ("accelerometer", "camera", "display-capture", "gyroscope", "magnetometer",
                                   "microphone", "midi", "payment", "usb", "serial", "hid",
                                   "xr-spatial-tracking")},
}
X_FRAME_OPTIONS = "DENY"
# Sites allowed to frame a survey's embeddable card (/surveys/<slug>/embed/), comma-separated origins such as
# https://www.riverbend.gov; empty: nothing may frame it (docs/surveys.md).
SURVEY_EMBED_ORIGINS = env_list("SURVEY_EMBED_ORIGINS", [])
SESSION_COOKIE_HTTPONLY = True

# --- bench ----------------------------------------------------------------
# BENCH_ENDPOINTS=true mounts /bench/noop and /bench/insert (civicdesk/core/bench_urls.py), the ceilings
# `make bench` compares real endpoints with. Only the benchmark's own server sets it.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
# Rendered public pages without forms (home, notices, the report form's first step) each process keeps, by ETag,
# to send the next visitor without rendering (civicdesk/core/conditional.py, docs/caching.md). 0 keeps none.
PAGE_STORE_MB = env_int("PAGE_STORE_MB", 8)
# Seconds each process keeps small configuration tables (routing rules, emergency phrases, statuses, calendars,
# boundaries, connectors) at most; a change is seen at once by the process that made it, and by the others
# within CONFIG_GENERATION_CHECK_SECONDS, when they next read the change count (core.ConfigGeneration)
# (civicdesk/lib/config_cache.py, docs/performance.md). The expiry is the backstop for writes that bypass model
# signals. Tests default to 0 (no caching) so each test sees only its own world.
CONFIG_CACHE_SECONDS = env_int("CONFIG_CACHE_SECONDS", 0 if env_bool("TESTING", False) else 300)
CONFIG_GENERATION_CHECK_SECONDS = float(env("CONFIG_GENERATION_CHECK_SECONDS", "1"))

# --- alerts ---
# Area subscriptions (civicdesk/alerts): limits per email address, confirmation link lifetime, and the
# local time (TIME_ZONE) `manage.py serve` sends the daily digests at ("" or "off": serve sends none).
AREA_ALERTS_MAX_PER_EMAIL = env_int("AREA_ALERTS_MAX_PER_EMAIL", 10)
AREA_ALERTS_MAX_PENDING_PER_DAY = env_int("AREA_ALERTS_MAX_PENDING_PER_DAY", 5)
AREA_ALERTS_CONFIRM_DAYS = env_int("AREA_ALERTS_CONFIRM_DAYS", 7)
AREA_DIGEST_AT = env("AREA_DIGEST_AT", "07:00")

# --- notifications ---
# Transports by channel (dotted paths of civicdesk.notifications.transports.Transport subclasses).
NOTIFICATION_TRANSPORTS = {
    "email": env("EMAIL_TRANSPORT", "civicdesk.notifications.transports.email.EmailTransport"),
    "sms": env("SMS_TRANSPORT", "civicdesk.notifications.transports.sms.DevelopmentSms"),
    "webhook": env("WEBHOOK_TRANSPORT", "civicdesk.notifications.transports.webhook.WebhookTransport"),
}
# Attempts per delivery before it is marked failed; transient failures wait RETRY_BASE * 2^(attempt-1) s.
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
# How long a worker owns the deliveries it claimed; renewed after every message. Must exceed the slowest
# single send (EMAIL_TIMEOUT, TWILIO_TIMEOUT, WEBHOOK_TIMEOUT) by a margin.
NOTIFICATIONS_LEASE_SECONDS = env_int("NOTIFICATIONS_LEASE_SECONDS", 300)
# Deliveries per send task, and per claim inside a task.
NOTIFICATIONS_CHUNK_SIZE = env_int("NOTIFICATIONS_CHUNK_SIZE", 500)
NOTIFICATIONS_CLAIM_SIZE = env_int("NOTIFICATIONS_CLAIM_SIZE", 50)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
# Connectors to work-order systems (docs/connectors.md). Attempts per forwarded request before it becomes a
# dead letter; failed attempts wait RETRY_BASE * 2^(attempt-1) s (at most RETRY_MAX), +/- JITTER percent.
CONNECTORS_MAX_ATTEMPTS = env_int("CONNECTORS_MAX_ATTEMPTS", 8)
CONNECTORS_RETRY_BASE_SECONDS = env_int("CONNECTORS_RETRY_BASE_SECONDS", 30)
CONNECTORS_RETRY_MAX_SECONDS = env_int("CONNECTORS_RETRY_MAX_SECONDS", 3600)
CONNECTORS_RETRY_JITTER = env_int("CONNECTORS_RETRY_JITTER_PERCENT", 20) / 100
# How long an attempt may run before another worker takes it over as lost; must exceed the connectors'
# HTTP timeout (10 s) plus CONNECTORS_TOKEN_POLLS seconds by a margin.
CONNECTORS_LEASE_SECONDS = env_int("CONNECTORS_LEASE_SECONDS", 60)
# Seconds an Open311 send waits for a token to turn into a service_request_id before retrying later.
CONNECTORS_TOKEN_POLLS = env_int("CONNECTORS_TOKEN_POLLS", 5)
# Calls a work-order system may make to its inbound update endpoint per minute (docs/abuse-limits.md).
CONNECTORS_INBOUND_PER_MINUTE = env_int("CONNECTORS_INBOUND_PER_MINUTE", 120)
# Twilio (SMS_TRANSPORT=civicdesk.notifications.transports.sms.TwilioSms).
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_secret("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE = env("TWILIO_API_BASE", "https://api.twilio.com").rstrip("/")
TWILIO_TIMEOUT = env_int("TWILIO_TIMEOUT", 15)

# Reports by text message, email and social direct messages (civicdesk/conversations, docs/conversations.md).
CONVERSATIONS_REPORT_EMAILS = [a.lower() for a in env_list("CONVERSATIONS_REPORT_EMAILS", [])]
CONVERSATIONS_JURISDICTION = env("CONVERSATIONS_JURISDICTION", "")
CONVERSATIONS_IDLE_MINUTES = env_int("CONVERSATIONS_IDLE_MINUTES", 30)
CONVERSATIONS_PER_NUMBER_PER_DAY = env_int("CONVERSATIONS_PER_NUMBER_PER_DAY", 5)
CONVERSATIONS_MESSAGES_PER_NUMBER_PER_MINUTE = env_int("CONVERSATIONS_MESSAGES_PER_NUMBER_PER_MINUTE", 8)
CONVERSATIONS_MESSAGES_PER_MINUTE = env_int("CONVERSATIONS_MESSAGES_PER_MINUTE", 600)
CONVERSATIONS_EMAILS_PER_SENDER_PER_DAY = env_int("CONVERSATIONS_EMAILS_PER_SENDER_PER_DAY", 10)
CONVERSATIONS_EMAIL_AUTO_FILE_CONFIDENCE = float(env("CONVERSATIONS_EMAIL_AUTO_FILE_CONFIDENCE", "0.8"))
CONVERSATIONS_RETENTION_DAYS = env_int("CONVERSATIONS_RETENTION_DAYS", 90)
# Fetches MMS pictures: TwilioMediaFetcher in production (Twilio's own links only, with the account's
# credentials); the development fetcher reads any http(s) link and is for development and tests only.
CONVERSATIONS_MEDIA_FETCHER = env("CONVERSATIONS_MEDIA_FETCHER",
                                  "civicdesk.conversations.media.DevelopmentMediaFetcher")
CONVERSATIONS_MEDIA_TIMEOUT = env_int("CONVERSATIONS_MEDIA_TIMEOUT", 10)
# Social platforms' direct messages: adapters by name (see civicdesk/conversations/social.py).
CONVERSATIONS_SOCIAL_ADAPTERS = {"meta": "civicdesk.conversations.social.MetaMessenger"}
META_APP_SECRET = env_secret("META_APP_SECRET", "")
META_VERIFY_TOKEN = env_secret("META_VERIFY_TOKEN", "")
META_PAGE_ACCESS_TOKEN = env_secret("META_PAGE_ACCESS_TOKEN", "")
META_MEDIA_HOSTS = env_list("META_MEDIA_HOSTS", ["fbcdn.net", "fbsbx.com", "cdninstagram.com"])
META_GRAPH_API_BASE = env("META_GRAPH_API_BASE", "https://graph.facebook.com/v19.0").rstrip("/")

# --- abuse limits (docs/abuse-limits.md) ---
# Phone numbers (civicdesk/lib/phones.py): the country a number typed without "+" is read in; stored as E.164.
PHONE_REGION = env("PHONE_REGION", "US").upper()
# Text messages: countries they may go to, and the defaults of the staff-editable SMS budget (Admin → SMS budget).
SMS_ALLOWED_COUNTRIES = [c.upper() for c in env_list("SMS_ALLOWED_COUNTRIES", [PHONE_REGION])]
SMS_HOURLY_BUDGET = env_int("SMS_HOURLY_BUDGET", 500)
SMS_PER_NUMBER_PER_HOUR = env_int("SMS_PER_NUMBER_PER_HOUR", 10)
# Verification codes per hour: to one number, and asked for from one client address (per account: 5).
SMS_CODES_PER_NUMBER_PER_HOUR = env_int("SMS_CODES_PER_NUMBER_PER_HOUR", 3)
SMS_CODES_PER_CLIENT_PER_HOUR = env_int("SMS_CODES_PER_CLIENT_PER_HOUR", 10)
# Web reports per client address per hour, and from everyone together per hour (0: no limit).
REPORTS_PER_CLIENT_PER_HOUR = env_int("REPORTS_PER_CLIENT_PER_HOUR", 20)
REPORTS_PER_HOUR = env_int("REPORTS_PER_HOUR", 5000)
# Acknowledgements ("we received your report") to one email address or phone number per hour.
ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR = env_int("ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR", 5)
# Accounts: sign-ups per client per hour; confirmation emails per address and per client per hour.
SIGNUPS_PER_CLIENT_PER_HOUR = env_int("SIGNUPS_PER_CLIENT_PER_HOUR", 5)
VERIFICATION_EMAILS_PER_ADDRESS_PER_HOUR = env_int("VERIFICATION_EMAILS_PER_ADDRESS_PER_HOUR", 3)
VERIFICATION_EMAILS_PER_CLIENT_PER_HOUR = env_int("VERIFICATION_EMAILS_PER_CLIENT_PER_HOUR", 10)
# Staff import (civicdesk/onboarding, docs/onboarding.md): invitation and new-seat emails one admin may send a
# day, and the whole site a day; how many days an invitation link works.
STAFF_INVITATIONS_PER_ADMIN_PER_DAY = env_int("STAFF_INVITATIONS_PER_ADMIN_PER_DAY", 500)
STAFF_INVITATIONS_PER_DAY = env_int("STAFF_INVITATIONS_PER_DAY", 2000)
STAFF_INVITATION_DAYS = env_int("STAFF_INVITATION_DAYS", 7)
# Failed sign-ins from one client address per hour, whatever accounts they name.
SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR = env_int("SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR", 30)
# "This affects me too": per client address on one request per day, and per client per hour overall.
SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY = env_int("SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY", 3)
SUPPORTS_PER_CLIENT_PER_HOUR = env_int("SUPPORTS_PER_CLIENT_PER_HOUR", 30)
# "Was it fixed?" (civicdesk/feedback, docs/feedback.md): answers and changes from one client address per hour,
# on one request per hour (everyone together), and by one phone number per hour; questions to one address a day.
FEEDBACK_ANSWERS_PER_CLIENT_PER_HOUR = env_int("FEEDBACK_ANSWERS_PER_CLIENT_PER_HOUR", 20)
FEEDBACK_ANSWERS_PER_REQUEST_PER_HOUR = env_int("FEEDBACK_ANSWERS_PER_REQUEST_PER_HOUR", 30)
FEEDBACK_SMS_ANSWERS_PER_NUMBER_PER_HOUR = env_int("FEEDBACK_SMS_ANSWERS_PER_NUMBER_PER_HOUR", 10)
FEEDBACK_QUESTIONS_PER_ADDRESS_PER_DAY = env_int("FEEDBACK_QUESTIONS_PER_ADDRESS_PER_DAY", 5)
# Forums and public comments (docs/forums.md): posts, supports and flags per account and per client address.
FORUM_POSTS_PER_ACCOUNT_PER_HOUR = env_int("FORUM_POSTS_PER_ACCOUNT_PER_HOUR", 10)
FORUM_POSTS_PER_ACCOUNT_PER_DAY = env_int("FORUM_POSTS_PER_ACCOUNT_PER_DAY", 50)
FORUM_POSTS_PER_CLIENT_PER_HOUR = env_int("FORUM_POSTS_PER_CLIENT_PER_HOUR", 30)
FORUM_VOTES_PER_ACCOUNT_PER_HOUR = env_int("FORUM_VOTES_PER_ACCOUNT_PER_HOUR", 30)
FORUM_VOTES_PER_CLIENT_PER_HOUR = env_int("FORUM_VOTES_PER_CLIENT_PER_HOUR", 60)
FORUM_FLAGS_PER_ACCOUNT_PER_DAY = env_int("FORUM_FLAGS_PER_ACCOUNT_PER_DAY", 20)
FORUM_FLAGS_PER_CLIENT_PER_DAY = env_int("FORUM_FLAGS_PER_CLIENT_PER_DAY", 40)
# Accounts younger than this post links and images as plain text.
FORUM_NEW_ACCOUNT_DAYS = env_int("FORUM_NEW_ACCOUNT_DAYS", 7)
# Site search (docs/search.md), per client address: suggestions as you type and answers under a report's
# description per minute (cached answers are not counted), followed answers counted per hour, and searches
# without results logged for editors per hour (beyond them the search still works; it is just not counted).
SEARCH_SUGGESTIONS_PER_CLIENT_PER_MINUTE = env_int("SEARCH_SUGGESTIONS_PER_CLIENT_PER_MINUTE", 60)
SEARCH_ANSWERS_PER_CLIENT_PER_MINUTE = env_int("SEARCH_ANSWERS_PER_CLIENT_PER_MINUTE", 30)
SEARCH_FOLLOWS_PER_CLIENT_PER_HOUR = env_int("SEARCH_FOLLOWS_PER_CLIENT_PER_HOUR", 30)
SEARCH_MISSES_PER_CLIENT_PER_HOUR = env_int("SEARCH_MISSES_PER_CLIENT_PER_HOUR", 30)
# A search that finds fewer results than this (but some) is logged for editors as "found only a few".
SEARCH_FEW_RESULTS = env_int("SEARCH_FEW_RESULTS", 3)

# --- category suggestions (civicdesk/triage/suggest.py, docs/triage.md) ---
# Newest descriptions read per kind when training (bounds time and memory at any history size), the least
# confidence a suggestion needs to be shown, the described requests a language needs for a model of its own,
# and "Is this about…?" look-ups as the words are typed, per client address per minute.
TRIAGE_ROWS_PER_KIND = env_int("TRIAGE_ROWS_PER_KIND", 2000)
TRIAGE_SUGGESTION_FLOOR_PERCENT = env_int("TRIAGE_SUGGESTION_FLOOR_PERCENT", 15)
TRIAGE_MIN_LANGUAGE_ROWS = env_int("TRIAGE_MIN_LANGUAGE_ROWS", 300)
# The staff console's "This may be a …" shows only from this confidence up.
TRIAGE_MISCATEGORISED_PERCENT = env_int("TRIAGE_MISCATEGORISED_PERCENT", 60)
KIND_SUGGESTIONS_PER_CLIENT_PER_MINUTE = env_int("KIND_SUGGESTIONS_PER_CLIENT_PER_MINUTE", 30)

# --- inbound ---
# Residents' replies by email and SMS (civicdesk/inbound, docs/inbound.md). INBOUND_EMAIL_DOMAIN (Email
# section) names the reply domain. The mail webhook /inbound/email/ exists only with a secret; it refuses
# signatures older (or newer) than INBOUND_WEBHOOK_MAX_AGE seconds. Messages over INBOUND_EMAIL_MAX_BYTES
# are refused (SMTP 552, HTTP 413); a request takes at most INBOUND_MAX_REPLIES_PER_HOUR replies an hour.
INBOUND_WEBHOOK_SECRET = env_secret("INBOUND_WEBHOOK_SECRET", "")
INBOUND_WEBHOOK_MAX_AGE = env_int("INBOUND_WEBHOOK_MAX_AGE", 300)
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
INBOUND_MAX_REPLIES_PER_HOUR = env_int("INBOUND_MAX_REPLIES_PER_HOUR", 20)

# --- overload ---
# Load shedding (civicdesk/core/overload.py, docs/durability.md). Each app server process serves at most
# OVERLOAD_MAX_IN_FLIGHT requests at once and refuses more with 503 + Retry-After; `manage.py serve` runs
# WEB_THREADS threads per gunicorn worker, more than that, so refusing never waits. 0 switches the limit off.
WEB_THREADS = env_int("WEB_THREADS", 8)
# Default: all but a quarter of the threads (6 of 8), so a spare thread can always refuse at once.
OVERLOAD_MAX_IN_FLIGHT = env_int("OVERLOAD_MAX_IN_FLIGHT", max(1, WEB_THREADS - max(1, WEB_THREADS // 4)))
# Seconds a refused client is told to wait (Retry-After is this plus up to as much again, spreading retries).
OVERLOAD_RETRY_AFTER = env_int("OVERLOAD_RETRY_AFTER", 2)
# Behind a proxy that sets X-Request-Start: refuse requests that queued longer than this (0: never look).
OVERLOAD_MAX_QUEUE_SECONDS = env_int("OVERLOAD_MAX_QUEUE_SECONDS", 0)
# `manage.py serve` writes its children's states here for /healthz (it sets this for its children; empty
# elsewhere: /healthz then reports no supervised processes). See docs/durability.md.
SERVE_STATUS_FILE = env("SERVE_STATUS_FILE", "")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # How long a write waits for SQLite's lock before giving up with a 503: bounded, and shorter than
    # the time a client or proxy waits for an answer.
    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("SQLITE_BUSY_TIMEOUT", 20)

# Staff single sign-on with OpenID Connect (civicdesk/sso, docs/sso.md): off unless an issuer and a client id are set.
SSO_OIDC_PROVIDER_NAME = env("SSO_OIDC_PROVIDER_NAME", "your organisation")
SSO_OIDC_ISSUER = env("SSO_OIDC_ISSUER", "")
# Where the provider's endpoints are read from; the issuer's /.well-known/openid-configuration by default.
SSO_OIDC_DISCOVERY_URL = env("SSO_OIDC_DISCOVERY_URL", "")
SSO_OIDC_CLIENT_ID = env("SSO_OIDC_CLIENT_ID", "")
SSO_OIDC_CLIENT_SECRET = env_secret("SSO_OIDC_CLIENT_SECRET", "")
# Endpoints set by hand instead of discovery (each overrides the discovered one when set).
SSO_OIDC_AUTHORIZATION_ENDPOINT = env("SSO_OIDC_AUTHORIZATION_ENDPOINT", "")
SSO_OIDC_TOKEN_ENDPOINT = env("SSO_OIDC_TOKEN_ENDPOINT", "")
SSO_OIDC_JWKS_ENDPOINT = env("SSO_OIDC_JWKS_ENDPOINT", "")
SSO_OIDC_SCOPES = env("SSO_OIDC_SCOPES", "openid email profile")
# The ID token claim holding the person's groups or roles (a list of strings, or one string).
SSO_OIDC_GROUPS_CLAIM = env("SSO_OIDC_GROUPS_CLAIM", "groups")
# Treat the `email` claim as verified when the provider sends no `email_verified` (Microsoft Entra ID).
SSO_OIDC_TRUST_EMAIL = env_bool("SSO_OIDC_TRUST_EMAIL", False)
# Create an account at the first sign-in of someone unknown (also per jurisdiction in the staff console).
SSO_CREATE_ACCOUNTS = env_bool("SSO_CREATE_ACCOUNTS", False)
# Single sign-on starts and refusals per client address per hour (0: no limit).
SSO_SIGN_INS_PER_CLIENT_PER_HOUR = env_int("SSO_SIGN_INS_PER_CLIENT_PER_HOUR", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # The stripe library logs whole API answers (customers' names and emails) at DEBUG: never below WARNING.
    "loggers": {"django.db.backends": {"level": "INFO"}, "stripe": {"level": "WARNING"}},
}

if env_bool("TESTING", False):
    # Tests create many users; the production hasher is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test client builds the middleware afresh, and whitenoise would then index all of
    # STATIC_ROOT (10,000 files after collectstatic, about a second) every time; look up per request.
    WHITENOISE_AUTOREFRESH = True

# Payments (civicdesk/payments, docs/payments.md): provider name → adapter class; PAYMENT_PROVIDER takes new
# online payments ("sandbox" for development and demos, "stripe" in production).
PAYMENT_PROVIDERS = {
    "sandbox": "civicdesk.payments.providers.sandbox.SandboxProvider",
    "stripe": "civicdesk.payments.providers.stripe.StripeProvider",
}
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "sandbox")
# The daily reconciliation (docs/payments-operations.md) lists an online payment no payout included after this
# many days.
PAYMENTS_PAYOUT_WITHIN_DAYS = env_int("PAYMENTS_PAYOUT_WITHIN_DAYS", 7)
# The sandbox provider works only with DEBUG on, unless this is true (a demo site; the tests).
PAYMENTS_SANDBOX_ALLOWED = env_bool("PAYMENTS_SANDBOX_ALLOWED", False)
# The HMAC key the sandbox signs its webhooks with (any long random string; derived from SECRET_KEY if unset).
PAYMENTS_SANDBOX_WEBHOOK_SECRET = env("PAYMENTS_SANDBOX_WEBHOOK_SECRET", "") or ("sandbox-webhooks:" + SECRET_KEY)
# How long a sandbox bank debit stays pending before it succeeds.
PAYMENTS_SANDBOX_BANK_DELAY_SECONDS = env_int("PAYMENTS_SANDBOX_BANK_DELAY_SECONDS", 20)
# Where the sandbox's task posts its webhooks (default: this site's own webhook address).
PAYMENTS_SANDBOX_WEBHOOK_URL = env("PAYMENTS_SANDBOX_WEBHOOK_URL", "")
# Guest "find my bill" look-ups: per client address per hour, per account number per hour, and overall per hour.
PAYMENTS_LOOKUPS_PER_CLIENT_PER_HOUR = env_int("PAYMENTS_LOOKUPS_PER_CLIENT_PER_HOUR", 10)
PAYMENTS_LOOKUPS_PER_ACCOUNT_PER_HOUR = env_int("PAYMENTS_LOOKUPS_PER_ACCOUNT_PER_HOUR", 5)
PAYMENTS_LOOKUPS_PER_HOUR = env_int("PAYMENTS_LOOKUPS_PER_HOUR", 2000)
# Payments started per client address per hour (each one calls the provider).
PAYMENTS_STARTS_PER_CLIENT_PER_HOUR = env_int("PAYMENTS_STARTS_PER_CLIENT_PER_HOUR", 20)
# Autopay (docs/payments-autopay.md): enrolments and cancellations per client address per hour; the days after a
# soft failure (insufficient funds) at which a debit is tried again, one per retry (so 1,3 = three attempts at most).
PAYMENTS_AUTOPAY_CHANGES_PER_CLIENT_PER_HOUR = env_int("PAYMENTS_AUTOPAY_CHANGES_PER_CLIENT_PER_HOUR", 10)
PAYMENTS_AUTOPAY_RETRY_DAYS = [int(d) for d in env("PAYMENTS_AUTOPAY_RETRY_DAYS", "1,3").split(",") if d.strip()]
# Stripe (PAYMENT_PROVIDER=stripe; docs/payments-stripe.md): the secret API key and the webhook endpoint's signing
# secret (both also as *_FILE). STRIPE_API_BASE points the official library at another server: the local
# stand-in (civicdesk/payments/testing/stripe_standin.py) in tests and development.
STRIPE_SECRET_KEY = env_secret("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_secret("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
STRIPE_TIMEOUT = env_int("STRIPE_TIMEOUT", 20)
# Retries of a failed connection or a 409/5xx answer by the library, each with the same Idempotency-Key.
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
# Seconds a webhook's signed timestamp may be old (Stripe's libraries default to 300) against replays.
STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)
