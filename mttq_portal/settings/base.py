"""Settings shared by every environment, read from the environment with safe local defaults.

PostgreSQL is the only database (DATABASE_URL is required). With neither DATABASE_URL nor REDIS_URL set,
the URLs of the embedded servers that `make run` started (``var/embedded.env``, written by
``python -m mttq_portal.embedded start``) are used, so every ``manage.py`` command reaches them.
Every variable is listed in ``.env.example`` and in the README.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Variables set in the environment (or .env) always win; the embedded stack's file only fills the gap.
if not (os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL")):
    environ.Env.read_env(BASE_DIR / "var" / "embedded.env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me")
# Keys of the citizens' tracking-secret hashes, newest first (ADR 0124); apart from SECRET_KEY so that one can
# rotate. Add a new key in front to rotate; remove an old one only when no item's hash names it.
TRACKING_SECRET_KEYS = env.list("TRACKING_SECRET_KEYS", default=["insecure-local-tracking-key-change-me"])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The province this portal serves (official code from the `vietnam-provinces` package). 11 = Điện Biên.
PORTAL_PROVINCE_CODE = env.int("PORTAL_PROVINCE_CODE", default=11)
# By default the address of `make run`'s web process (WEB_PORT), so that its emails' links open.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default=f"http://127.0.0.1:{env('WEB_PORT', default='8000')}")
# The province's bounding box "south,west,north,east"; empty: the known box of PORTAL_PROVINCE_CODE
# (organizations.geography). Pins outside it are refused.
PORTAL_PROVINCE_BBOX = env("PORTAL_PROVINCE_BBOX", default="")
# Map tiles (Leaflet, vendored): a province may point this at its own tile server. The tile origin is added
# to the Content-Security-Policy's img-src below.
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")

INSTALLED_APPS = [
    # First: compiles missing translation catalogues before any other app translates (ADR 0101).
    "mttq_portal.apps.PortalConfig",
    "mttq_portal.admin.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "health_check",
    "django_prometheus",
    "organizations",
    "feedback",
    "programs",
    "targets",
    "reports",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "mttq_portal.observability.RequestIdMiddleware",
    "mttq_portal.db_routing.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mttq_portal.middleware.VietnameseFirstLocaleMiddleware",
    "mttq_portal.middleware.ApiNoStoreMiddleware",
    "mttq_portal.middleware.StrictUtf8FormMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organizations.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organizations.middleware.MfaEnforcementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes must be last but for the metrics: it turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mttq_portal.urls"
WSGI_APPLICATION = "mttq_portal.wsgi.application"
ASGI_APPLICATION = "mttq_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mttq_portal.context_processors.portal",
            ],
        },
    },
]

if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Start the embedded PostgreSQL and Valkey with `make run` (or "
        "`.venv/bin/python -m mttq_portal.embedded start`), or set DATABASE_URL to a PostgreSQL database."
    )
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL URL (postgres://...): no other database works.")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# "transaction" behind a pgbouncer in transaction pooling (docs/adr/0171): each transaction may run on another
# server connection, so nothing may outlive one. The portal keeps no session state (SET LOCAL, transaction
# advisory locks, no prepared statements with psycopg2); Django's server-side cursors (``.iterator()``) would,
# so they are turned off. "session" (the default): a direct connection or session pooling.
DATABASE_POOL_MODE = env("DATABASE_POOL_MODE", default="session")
if DATABASE_POOL_MODE not in ("session", "transaction"):
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be 'session' or 'transaction'.")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOL_MODE == "transaction"
# A streaming read replica for dashboards, report files, exports, the report API and Open311 reads
# (mttq_portal/db_routing.py, docs/adr/0165). Unset: everything reads the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30.0)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=5.0)
# After a request that may have written, the browser's reads stay on the primary this long.
DATABASE_PIN_SECONDS = env.int("DATABASE_PIN_SECONDS", default=15)
DATABASE_REPLICA_PATHS = env.list(
    "DATABASE_REPLICA_PATHS", default=["/bao-cao/", "/api/v1/reports/", "/open311/", "/qua-han/"]
)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOL_MODE == "transaction"
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["replica"].get("OPTIONS", {}), "connect_timeout": 2}
    DATABASE_ROUTERS = ["mttq_portal.db_routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The second factor (django-otp, ADR 0121): required of administrators, provincial roles and anyone who may
# export personal data; asked again before sensitive actions when the last check is older than
# MFA_REAUTH_SECONDS. MFA_ENFORCED=false turns the requirement off (a development switch, never production).
MFA_ENFORCED = env.bool("MFA_ENFORCED", default=True)
MFA_REAUTH_SECONDS = env.int("MFA_REAUTH_SECONDS", default=5 * 60)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Cổng MTTQ")
OTP_WEBAUTHN_RP_ID = env("OTP_WEBAUTHN_RP_ID", default=PORTAL_BASE_URL.split("://", 1)[-1].split(":")[0].split("/")[0])
OTP_WEBAUTHN_RP_NAME = env("OTP_WEBAUTHN_RP_NAME", default="Cổng MTTQ")
# A passkey is a second factor after the password (the login view and its lock-out stay the only way in).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[PORTAL_BASE_URL])
# Browsers treat http://localhost as a secure context, so passkeys work on a local run; production is HTTPS.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E031"] if PORTAL_BASE_URL.startswith("http://") else []
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Vietnamese patterns the English list misses (matkhau, 123456a@, anhyeuem, repeated syllables).
    {"NAME": "organizations.passwords.VietnameseCommonPasswordValidator"},
    {"NAME": "organizations.passwords.RepeatedPatternValidator"},
]
# Password reset links are valid for one hour (OWASP ASVS 2.5.x); Django's default is three days.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# An invitation link to a new staff account (organizations.invitations) works once, within this many seconds.
INVITATION_TIMEOUT = env.int("INVITATION_TIMEOUT", default=7 * 24 * 3600)

# Staff sessions (ADR 0123): logged out after SESSION_IDLE_TIMEOUT seconds without a request and at the latest
# SESSION_ABSOLUTE_LIFETIME seconds after login, whatever the activity. The session key rotates at login and
# whenever privileges change (a second factor verified, a membership granted or revoked).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_COOKIE_SAMESITE = "Lax"

# The security event log (organizations.SecurityEvent, ADR 0120) keeps rows this long, then a nightly run
# removes older ones (the only DELETE its trigger allows).
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=3 * 365)
FORMAT_MODULE_PATH = ["mttq_portal.formats"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-landing"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes), ADR 0122: failures are counted per account across every address and per
# address across every account, so neither a password sprayed over many usernames nor one account tried from
# rotating addresses gets more than AXES_FAILURE_LIMIT tries per cool-off. The address is the one the trusted
# proxies saw (TRUSTED_PROXY_COUNT), by the same rule as the citizens' rate limits.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "mttq_portal.request_ip.request_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The one client-address function (TRUSTED_PROXY_COUNT), as every throttle uses.
AXES_CLIENT_IP_CALLABLE = "mttq_portal.client_address.client_address_for_axes"

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the static root and are served only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# Citizen intake (feedback/services/intake.py, docs/adr/0011-0013).
# The version of the privacy notice shown with the consent boxes; stored with every consent.
PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", default="2026-01")
# Open311 GeoReport v2 (feedback/open311/, docs/adr/0022-open311.md).
OPEN311_JURISDICTION_ID = env("OPEN311_JURISDICTION_ID", default=f"vn-{PORTAL_PROVINCE_CODE}")
OPEN311_CONTACT = env("OPEN311_CONTACT", default="Ủy ban MTTQ Việt Nam tỉnh")
# requests.json answers a page of this many (a client asks for up to 1000 with page_size, then page=2 ...).
OPEN311_PAGE_SIZE = env.int("OPEN311_PAGE_SIZE", default=100)
# Anonymous reads of Open311 (and other anonymous API reads), per client address.
OPEN311_ANON_RATE = env("OPEN311_ANON_RATE", default="120/minute")
FEEDBACK_MAX_ATTACHMENTS = env.int("FEEDBACK_MAX_ATTACHMENTS", default=5)
FEEDBACK_MAX_ATTACHMENT_BYTES = env.int("FEEDBACK_MAX_ATTACHMENT_MB", default=10) * 1024 * 1024
# Days after closing during which the citizen may dispute the result (which reopens the item).
FEEDBACK_DISPUTE_DAYS = env.int("FEEDBACK_DISPUTE_DAYS", default=30)
# Rate limits per client address, held in the shared cache: "count/seconds".
FEEDBACK_SUBMIT_RATE = env("FEEDBACK_SUBMIT_RATE", default="10/3600")
FEEDBACK_LOOKUP_FAILURE_RATE = env("FEEDBACK_LOOKUP_FAILURE_RATE", default="10/900")
FEEDBACK_LOOKUP_CODE_FAILURE_RATE = env("FEEDBACK_LOOKUP_CODE_FAILURE_RATE", default="5/900")
# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted for the client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Email: EMAIL_URL such as smtp+tls://user:pass@host:587, consolemail://, filemail:///path. The default
# writes each message to a file under var/mail/ rather than the console: messages carry citizens' names and
# phone numbers, which never go to a log (a terminal's scroll-back is one).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
if not env("EMAIL_URL", default=""):
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(BASE_DIR / "var" / "mail")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MTTQ Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache: the shared Redis when REDIS_URL is set (rate limits must hold across web processes).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # A cache outage must not turn a submission into a 500.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. The broker is CELERY_BROKER_URL, or else REDIS_URL: with either set, tasks are queued for a worker
# (`make run` and docker-compose run one), never run inline. Only with neither set (a DATABASE_URL-only
# setup) do tasks run inline in the calling process. The test settings run them inline (eager) on purpose.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Reliability: tasks are idempotent, so acknowledge after running and re-queue when a worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Longer than any countdown or ETA we use, or Redis would hand a reserved task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The web fails fast on a dead broker (the outbox catches the rest); workers and beat wait for it with
# backoff, this many attempts (0 = forever; mttq_portal/celery.py, docs/adr/0160).
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
CELERY_WORKER_BROKER_MAX_RETRIES = env.int("CELERY_WORKER_BROKER_MAX_RETRIES", default=0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Queues by kind of work, so workers can be added per queue on other hosts (docs/adr/0164). A worker
# started without -Q consumes the default queue only; `make worker` consumes all of them.
CELERY_SPLIT_QUEUES = env.bool("CELERY_SPLIT_QUEUES", default=True)
CELERY_QUEUE_NAMES = {"notifications": "notifications", "chase": "chase", "reports": "reports"}
CELERY_TASK_ROUTES = (
    {
        "feedback.item_submitted_plan": {"queue": "notifications"},
        "feedback.submissions_plan": {"queue": "notifications"},
        "feedback.notification_deliver": {"queue": "notifications"},
        "feedback.notifications_deliver_batch": {"queue": "notifications"},
        "feedback.notifications_fan_out": {"queue": "notifications"},
        "feedback.notifications_sweep": {"queue": "notifications"},
        "feedback.chase_deadlines": {"queue": "chase"},
        "feedback.daily_digest": {"queue": "chase"},
        "feedback.anonymise_closed_items": {"queue": "chase"},
        "programs.send_milestone_reminders": {"queue": "chase"},
        "reports.tasks.refresh_summaries": {"queue": "reports"},
        "targets.rollup_compliance": {"queue": "reports"},
    }
    if CELERY_SPLIT_QUEUES
    else {}
)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}
# Dashboards read summary tables refreshed by a set-based job (reports, ADR 0021).
CELERY_BEAT_SCHEDULE["reports-refresh-summaries"] = {"task": "reports.tasks.refresh_summaries", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["reports-rebuild-summaries-nightly"] = {
    "task": "reports.tasks.refresh_summaries",
    "schedule": 24 * 3600.0,
    "kwargs": {"full": True},
}
# Daily at 07:00 (Asia/Ho_Chi_Minh): milestone reminders 14 and 3 days before, once each.
CELERY_BEAT_SCHEDULE["programs-milestone-reminders"] = {
    "task": "programs.send_milestone_reminders",
    "schedule": crontab(hour=7, minute=0),
}
# Files held across a failed form submission (feedback/held_uploads.py): abandoned sets removed hourly.
CELERY_BEAT_SCHEDULE["feedback-held-uploads-sweep"] = {"task": "feedback.held_uploads_sweep", "schedule": 3600.0}
# Targets: the compliance rollup every night at 01:30 (Asia/Ho_Chi_Minh).
CELERY_BEAT_SCHEDULE["targets-nightly-rollup"] = {
    "task": "targets.rollup_compliance",
    "schedule": crontab(hour=1, minute=30),
}

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Per-organisation keys for other systems (organizations/tokens.py); staff use the session.
        "organizations.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["organizations.tokens.TokenScopePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "mttq_portal.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mttq_portal.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["organizations.tokens.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": OPEN311_ANON_RATE,
        "user": "600/minute",
        "api_token": env("API_TOKEN_RATE", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MTTQ Portal API",
    "DESCRIPTION": "Feedback items, programmes, targets and reports of the provincial Fatherland Front portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "programs.models.ActivityKind.choices",
        "MilestoneKindEnum": "programs.models.MilestoneKind.choices",
        "ItemStatusEnum": "feedback.models.Status.choices",
        "ItemTypeEnum": "feedback.models.ItemType.choices",
        "ExtensionStatusEnum": "feedback.models.ExtensionStatus.choices",
    },
}

from mttq_portal.maps import tile_origins  # noqa: E402 (needs MAP_TILE_URL only)

# Content-Security-Policy (django-csp 4): everything is served from this origin; no CDN at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *tile_origins(MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Logs: one JSON object per line (python-json-logger) with the request id, or plain lines for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "mttq_portal.observability.RequestIdFilter"},
        "routine_ticks": {"()": "mttq_portal.observability.RoutineTicksFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "routine_ticks"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
# The Celery worker keeps this logging configuration instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Health and metrics (mttq_portal/health.py, mttq_portal/observability.py, docs/adr/0163).
READINESS_BEAT_MAX_AGE_SECONDS = env.int("READINESS_BEAT_MAX_AGE_SECONDS", default=600)
READINESS_OUTBOX_MAX_AGE_SECONDS = env.int("READINESS_OUTBOX_MAX_AGE_SECONDS", default=900)
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; empty: /metrics is a 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False

# Notifications (feedback.services.notifications): the outbox in the database, delivered by Celery.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
# Below the broker's visibility timeout (2 h), or Redis would hand a delayed task to a second worker.
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=30 * 60)
# Workers renew the claims of the rows they hold every HEARTBEAT seconds; a claim not renewed for TIMEOUT
# seconds belongs to a dead worker and the sweeper frees it (feedback/services/claims.py, docs/adr/0161).
NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS = env.int("NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS", default=10)
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", default=45)
NOTIFICATIONS_SWEEP_SECONDS = env.float("NOTIFICATIONS_SWEEP_SECONDS", default=30.0)
# The sweeper queues pending rows no worker holds that were never queued, or queued longer ago than this
# (a message lost by a broker without persistence).
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=300)
# Who is told about a new submission is planned by a worker, not in the citizen's request (ADR 0167): beat
# runs the planner every PLAN seconds over the submissions of the last SWEEP_HOURS not yet planned (ADR 0174).
NOTIFICATIONS_PLAN_SUBMISSIONS_IN_WORKER = env.bool("NOTIFICATIONS_PLAN_SUBMISSIONS_IN_WORKER", default=True)
NOTIFICATIONS_PLAN_SECONDS = env.float("NOTIFICATIONS_PLAN_SECONDS", default=2.0)
NOTIFICATIONS_SUBMIT_SWEEP_HOURS = env.int("NOTIFICATIONS_SUBMIT_SWEEP_HOURS", default=48)
NOTIFICATIONS_STAFF_LANGUAGE = env("NOTIFICATIONS_STAFF_LANGUAGE", default="vi")

# SMS: a pluggable backend (feedback.sms). The HTTP gateway is configured by URL and token.
SMS_BACKEND = env("SMS_BACKEND", default="feedback.sms.LoggingSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
SMS_ASCII_ONLY = env.bool("SMS_ASCII_ONLY", default=True)
SMS_MAX_LENGTH = env.int("SMS_MAX_LENGTH", default=459)

# Deadline chase (đôn đốc), in working days of the Vietnamese calendar.
DEADLINE_REMINDER_WORKING_DAYS = env.int("DEADLINE_REMINDER_WORKING_DAYS", default=2)
DEADLINE_ESCALATE_AFTER_WORKING_DAYS = env.int("DEADLINE_ESCALATE_AFTER_WORKING_DAYS", default=3)
DEADLINE_BOARD_AFTER_WORKING_DAYS = env.int("DEADLINE_BOARD_AFTER_WORKING_DAYS", default=10)
DEADLINE_CHASE_ON_DAYS_OFF = env.bool("DEADLINE_CHASE_ON_DAYS_OFF", default=False)
DIGEST_MAX_LINES = env.int("DIGEST_MAX_LINES", default=30)
# Personal data of closed items is anonymised this long after closing (statistics stay).
RETENTION_ANONYMISE_AFTER_DAYS = env.int("RETENTION_ANONYMISE_AFTER_DAYS", default=730)

# The beat schedule (django-celery-beat copies it into the database, where administrators can edit it).
CELERY_BEAT_SCHEDULE["notifications-plan-submissions"] = {
    "task": "feedback.submissions_plan",
    "schedule": NOTIFICATIONS_PLAN_SECONDS,
}
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {
    "task": "feedback.notifications_sweep",
    "schedule": NOTIFICATIONS_SWEEP_SECONDS,
}
CELERY_BEAT_SCHEDULE["feedback-chase-deadlines"] = {
    "task": "feedback.chase_deadlines",
    "schedule": crontab(minute="*/15"),
}
CELERY_BEAT_SCHEDULE["feedback-daily-digest"] = {
    "task": "feedback.daily_digest",
    "schedule": crontab(hour=7, minute=15, day_of_week="mon-sat"),
}
CELERY_BEAT_SCHEDULE["organizations-security-log-retention"] = {
    "task": "organizations.purge_security_events",
    "schedule": crontab(hour=2, minute=45),
}
CELERY_BEAT_SCHEDULE["feedback-retention"] = {
    "task": "feedback.anonymise_closed_items",
    "schedule": crontab(hour=2, minute=30),
}
