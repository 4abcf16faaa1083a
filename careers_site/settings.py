"""Settings for the careers advice site, read from the environment.

See docs/settings.md for every variable, its default and its meaning.
"""

from ipaddress import ip_network
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from careers_site.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or (["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
ADMIN_PATH = env_str("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Careers advice"

INSTALLED_APPS = [
    "microcredentials.apps.StaffAdminConfig",  # django.contrib.admin with our staff site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "reversion",
    "axes",
    "csp",
    # Two-factor sign-in for staff (microcredentials/staff/two_factor.py): passkeys, authenticator apps and
    # single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Background work (email, scheduled jobs): Django's tasks API, queued in the database, run by `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
    "microcredentials",
]

MIDDLEWARE = [
    # First, so every answer (cached pages and refusals included) gets X-Request-ID and is timed for /metrics.
    "careers_site.http.request_id.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Security headers sit above WhiteNoise so that static files get them too.
    "careers_site.http.security.browser_policy_middleware",
    "careers_site.http.security.content_security_policy_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Answers /healthz and /readyz for probes that use the container's address (before host validation);
    # below the security headers, so it measures a plain view through the site's stack (the benchmark's floor).
    "careers_site.http.health.health_check_middleware",
    # Everything above also applies to cached pages; everything below is skipped for them. The page cache checks
    # the Host header itself (as CommonMiddleware would) before it answers; a reader's GET needs nothing of CSRF.
    "careers_site.pagecache.middleware.PerRequestFragmentsMiddleware",
    "careers_site.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Answer 413 from Content-Length before anything (CSRF's check included) reads an oversized body.
    "careers_site.http.security.request_size_limit_middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "careers_site.http.outage.DatabaseUnavailableMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A session with a password but no second factor counts as signed out, except on the steps that finish it.
    "microcredentials.staff.two_factor.second_factor_required_middleware",
    # Reads request.user, so below the outage middleware (which answers if the session cannot be read).
    "careers_site.http.security.signed_in_responses_private_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "careers_site.http.security.method_not_allowed_page_middleware",
    "careers_site.http.security.AdminToFieldMiddleware",
]

ROOT_URLCONF = "careers_site.urls"
WSGI_APPLICATION = "careers_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microcredentials.pages.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The search's statement is prepared on first use (microcredentials.search.query); the ORM's cursors never
    # prepare. Behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.22,
    # or without max_prepared_statements), set DJANGO_DB_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        0 if env_bool("DJANGO_DB_PREPARED_STATEMENTS", True) else None
    )

REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    # Answers as an empty cache while Redis is down (careers_site/redis_cache.py); short timeouts, so a Redis
    # that hangs rather than refuses costs a request at most half a second before the breaker opens.
    CACHES = {
        "default": {
            "BACKEND": "careers_site.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Search results pages, cached per query in each process (their keys carry the shared content generation).
# Kept apart, so a flood of made-up searches can only push out other searches: never the pages or the
# content generation in the default cache.
# Rate-limit counts (page feedback) are in no cache at all: they are rows in the database (RateLimitCount,
# microcredentials/feedback/ratelimit.py). A cache may evict any entry when it fills, and while an alert is live
# every new path a visitor makes up stores a fragment in the default cache, so counts kept there were pushed out
# by a flood of made-up paths, and the limit started again. In the database a count is shared by every worker
# and app server, with or without Redis, and only its own window ends it.
CACHES["search"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "search-pages",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# Public pages: how long browsers and CDNs may keep them. Our own cache is invalidated on every change.
PUBLIC_CACHE_SECONDS = env_int("DJANGO_PUBLIC_CACHE_SECONDS", 60)
# Remembers which alerts a reader hid; the page cache treats it as harmless (the alert is filled per request).
ALERT_DISMISS_COOKIE = "hidden_alerts"
# The page cache knows no feature: these name, by dotted path, the parts of a page filled for each request (a
# placeholder in the template, and the function that fills it) and when public pages next change by themselves.
PAGECACHE_FRAGMENTS = {"<!--site-alert-hole-->": "microcredentials.contact_centre.alerts.site_alert_html"}
PAGECACHE_NEXT_CHANGE = "microcredentials.pages.schedule.next_scheduled_change"
PAGECACHE_APPLY_DUE = "microcredentials.editing.publishing.publish_due_drafts"
# Each process writes the searches it counted in one batch this many seconds after the first (0: at once, in the
# request). Batching keeps a write off every cached search: see microcredentials/search/insights.py.
SEARCH_COUNT_WRITE_SECONDS = env_int("DJANGO_SEARCH_COUNT_WRITE_SECONDS", 10)
# The contact centre's region (an ISO 3166-2:NZ code such as WGN or AUK), for its anniversary day among the public
# holidays the centre closes on; unset, only the national holidays count.
CONTACT_CENTRE_REGION = env_str("CONTACT_CENTRE_REGION")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-nz"
FORMAT_MODULE_PATH = ["careers_site.formats"]  # dates typed day first, as New Zealanders write them
TIME_ZONE = "Pacific/Auckland"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded images: in the local folder MEDIA_ROOT, or, when DJANGO_MEDIA_S3_BUCKET is set, in S3-compatible object
# storage shared by every app server (django-storages and boto3; see docs/deployment.md#uploaded-images-media).
# Either way the app itself serves them at MEDIA_URL + "uploads/<name>", reading through the default storage, so
# any app server serves an image another one stored. boto3 finds the credentials itself: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, or a role the machine or container has.
MEDIA_S3_BUCKET = env_str("DJANGO_MEDIA_S3_BUCKET")
MEDIA_S3_ENDPOINT_URL = env_str("DJANGO_MEDIA_S3_ENDPOINT_URL")  # unset: Amazon S3 itself
# A CDN's (or the bucket's website) host name: new uploads then link to https://<it>/uploads/<name>.
MEDIA_S3_CUSTOM_DOMAIN = env_str("DJANGO_MEDIA_S3_CUSTOM_DOMAIN")
if (MEDIA_S3_ENDPOINT_URL or MEDIA_S3_CUSTOM_DOMAIN) and not MEDIA_S3_BUCKET:
    raise ImproperlyConfigured(
        "DJANGO_MEDIA_S3_ENDPOINT_URL and DJANGO_MEDIA_S3_CUSTOM_DOMAIN need DJANGO_MEDIA_S3_BUCKET as well."
    )
if MEDIA_S3_ENDPOINT_URL and not MEDIA_S3_ENDPOINT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_S3_ENDPOINT_URL must start with https:// (or http://), not {MEDIA_S3_ENDPOINT_URL!r}."
    )
if "/" in MEDIA_S3_CUSTOM_DOMAIN:
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_S3_CUSTOM_DOMAIN is a host name such as media.example.govt.nz, not {MEDIA_S3_CUSTOM_DOMAIN!r}."
    )
# Where pages may show images from besides the site itself (the Content Security Policy's img-src).
MEDIA_IMG_ORIGINS = [f"https://{MEDIA_S3_CUSTOM_DOMAIN}"] if MEDIA_S3_CUSTOM_DOMAIN else []
MEDIA_STORAGE: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_S3_BUCKET:
    from botocore.config import Config as BotocoreConfig

    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL or None,
            # Keys as in the local folder (uploads/<name>), so `aws s3 sync media/ s3://<bucket>/` moves them.
            "location": "",
            # Random names are never reused: a clash gets a new name rather than replacing an image in use.
            "file_overwrite": False,
            # No ACL: objects stay as private as the bucket (and ACLs are off on new Amazon S3 buckets).
            "default_acl": None,
            # url() is used only with a custom domain (which ignores this); anything else that asks for an address
            # gets a signed one that expires, never a bare link to a private bucket.
            "querystring_auth": True,
            "querystring_expire": 3600,
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN or None,
            # What the app sends with an upload (endpoints.UPLOAD_CACHE_CONTROL), for a CDN that reads the bucket.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            # A slow or unreachable store fails a request within seconds, rather than holding a worker for minutes.
            "client_config": BotocoreConfig(
                connect_timeout=5, read_timeout=15, retries={"mode": "standard", "max_attempts": 3}
            ),
        },
    }
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "careers_site.static_storage.StaticFilesStorage"
    },
}
# whitenoise serves hash-named files with a one-year, immutable Cache-Control by itself.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request limits: bodies beyond these answer 413 (careers_site.http.security) before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# A multipart body may also carry one editor's image upload (MARKDOWNX_UPLOAD_MAX_SIZE) and its framing.
MULTIPART_REQUEST_MAX_SIZE = 6 * 1024 * 1024

# Security headers and cookies.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Health probes come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Where to report a vulnerability, in /.well-known/security.txt: an email address or a mailto:/https: URI.
# Unset: security@ the domain of SITE_URL (careers_site/http/security_txt.py).
SECURITY_CONTACT = env_str("DJANGO_SECURITY_CONTACT")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# "__Host-" names: a browser keeps such a cookie only if it is Secure, came over HTTPS, has Path=/ and no Domain,
# so neither a sibling subdomain nor anyone on a plain-HTTP connection can set or overwrite the session or the
# CSRF cookie. Used when every request arrives over HTTPS (secure cookies and the SSL redirect both on, as in
# production); a production-settings run over plain HTTP on 127.0.0.1 (tests, benchmarks) keeps the plain names,
# which its clients can read back without HTTPS. Both paths stay "/" and neither cookie names a Domain.
COOKIE_PREFIX = "__Host-" if SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE and SECURE_SSL_REDIRECT else ""
SESSION_COOKIE_NAME = f"{COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{COOKIE_PREFIX}csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_AGE = 60 * 60  # staff sessions end after an hour without activity
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"  # as the CSP's frame-ancestors 'none'
# Nothing on the site is framed, the admin included: its pop-ups are windows and the Markdown
# preview is fetched into the page, not framed.
CSRF_FAILURE_VIEW = "careers_site.http.errors.csrf_failure"
# Powerful browser features the site never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
} | {"publickey-credentials-get": ["self"]}  # fmt: skip (staff sign in with passkeys, on the site itself only)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *MEDIA_IMG_ORIGINS],  # uploaded images on the media domain, when there is one
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Two-factor sign-in. Passkeys belong to the host name the staff use (the relying party), checked against the
# request's own origin (microcredentials/staff/two_factor.py's helper); they need a domain name, not an address,
# so sign in at http://localhost:8000 rather than 127.0.0.1 to add one locally.
OTP_WEBAUTHN_RP_NAME = "Careers advice: staff"
OTP_WEBAUTHN_HELPER_CLASS = "microcredentials.staff.two_factor.OwnOriginWebAuthnHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "microcredentials.staff.two_factor.relying_party_id"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second step, after the password
# The library checks that OTP_WEBAUTHN_ALLOWED_ORIGINS is set; ours are worked out per request instead.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
OTP_TOTP_ISSUER = "Careers advice"
LOGIN_REDIRECT_URL = "admin:index"

# Failed-login throttling (django-axes): see careers_site/http/lockout.py.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)  # for one username from one address
AXES_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_AXES_ADDRESS_FAILURE_LIMIT", 20)  # from one address, any usernames

# Publishing needs a second person: an editor submits a draft, and a reviewer who is not its author publishes it.
REQUIRE_REVIEW = env_bool("DJANGO_REQUIRE_REVIEW", False)
# Mail and scheduled jobs are never run in a request: they are queued in the database (one row, committed with the
# change that caused it) and run by the worker, `manage.py db_worker`. `make run` starts one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Email (review outcomes, page-change alerts): SMTP in production; `make run` (debug) prints each to the console.
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10  # seconds: a mail server that hangs holds up the background worker by this much at most
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Careers advice <no-reply@localhost>")
# How long a shared preview link works, unless it is revoked first.
PREVIEW_LINK_DAYS = env_int("DJANGO_PREVIEW_LINK_DAYS", 7)

# Content health (microcredentials/health/): the weekly link check and review digest, run by the worker.
# The checker never connects to private, loopback or link-local addresses unless this is on (tests only).
LINK_CHECK_ALLOW_PRIVATE = env_bool("DJANGO_LINK_CHECK_ALLOW_PRIVATE", False)
LINK_CHECK_TIMEOUT = env_int("DJANGO_LINK_CHECK_TIMEOUT", 10)  # seconds for each request
LINK_CHECK_HOST_DELAY = env_int("DJANGO_LINK_CHECK_HOST_DELAY_MS", 1000) / 1000  # between requests to one host
# "Mark reviewed" sets the next review date this many months ahead.
REVIEW_INTERVAL_MONTHS = env_int("DJANGO_REVIEW_INTERVAL_MONTHS", 6)
# Content checks other features add, run when a page is saved in the admin: they take the body's links.
CONTENT_CHECK_EXTENSIONS = ["microcredentials.health.links.broken_link_warnings"]
AXES_COOLOFF_TIME = 1  # hours
# A username and address together: someone guessing from elsewhere cannot lock a member of staff out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "careers_site.http.lockout.AddressCappedHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_LOCKOUT_CALLABLE = "careers_site.http.security.lockout_response"
# 403 rather than axes' 429: a refusal, like any other the site gives to a request it will not serve.
AXES_HTTP_RESPONSE_CODE = 403
# The address a lockout counts: REMOTE_ADDR, or behind N trusted proxies (load balancers) the
# X-Forwarded-For entry the outermost one added. Entries further left can be forged by the client.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "careers_site.http.security.client_ip_address"

# django-markdownx: previews are rendered by our own sanitising renderer.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "microcredentials.pages.rendering.render_markdown_html"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"]
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_SERVER_CALL_LATENCY = 500

# Django uses the cached template loader whenever loaders are not set, so
# production templates are compiled once per process.

CLIENT_FAULTS = [
    "DisallowedHost",
    "RequestDataTooBig",
    "TooManyFieldsSent",
    "TooManyFilesSent",
    "SuspiciousMultipartForm",
    "DisallowedModelAdminToField",
]
# Logs: readable text, or with DJANGO_LOG_FORMAT=json one JSON object a line (careers_site/log_json.py); either
# way every line written while a request is answered carries its id, path, status and duration (log_filters.py).
# gunicorn.conf.py gives gunicorn's own access and error lines the same format.
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text").lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "careers_site.log_json.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_context", "redact_email_addresses"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "filters": {
        "request_context": {"()": "careers_site.log_filters.RequestContext"},
        "redact_email_addresses": {"()": "careers_site.log_filters.RedactEmailAddresses"},
        "client_fault": {"()": "careers_site.log_filters.ClientFaultAsWarning"},
        "outage_reported_by_app": {"()": "careers_site.log_filters.OutageReportedByApp"},
    },
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The site answers 503 only while the database is down: outage.py logs that once a minute, and
        # for /readyz the 503 itself is the answer its probe is looking for.
        "django.request": {"filters": ["outage_reported_by_app"]},
        # A bad Host header or an oversized form is probing, not a fault: a one-line warning, not an error.
        **{f"django.security.{name}": {"filters": ["client_fault"]} for name in CLIENT_FAULTS},
        # runserver's request lines, in the same format as everything else when it is JSON.
        **({"django.server": {"handlers": ["console"], "propagate": False}} if LOG_FORMAT == "json" else {}),
    },
}

# /metrics (careers_site/http/metrics_endpoint.py): for these networks, or anyone with the bearer token.
METRICS_ALLOWED_CIDRS = env_list("DJANGO_METRICS_ALLOWED_CIDRS") or ["127.0.0.0/8", "::1"]
for _cidr in METRICS_ALLOWED_CIDRS:
    try:
        ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_METRICS_ALLOWED_CIDRS holds {_cidr!r}, which is not an address or network such as 10.0.0.0/8."
        ) from None
METRICS_TOKEN = env_str("DJANGO_METRICS_TOKEN")

# Error reporting: only with SENTRY_DSN set is sentry_sdk initialised at all (careers_site/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN")
APP_RELEASE = env_str("APP_RELEASE")
if SENTRY_DSN:
    from careers_site.sentry import init_sentry

    init_sentry(SENTRY_DSN, release=APP_RELEASE, traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.01))
