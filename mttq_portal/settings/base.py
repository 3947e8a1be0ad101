"""Settings shared by every environment, read from the environment with safe local defaults.

The embedded default (no variables set) runs on SQLite with Celery tasks executed inline, so
``make run`` needs no services. Every variable is listed in ``.env.example`` and in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The province this portal serves (official code from the `vietnam-provinces` package). 11 = Điện Biên.
PORTAL_PROVINCE_CODE = env.int("PORTAL_PROVINCE_CODE", default=11)
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
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
    "organizations",
    "feedback",
    "programs",
    "targets",
    "reports",
]

MIDDLEWARE = [
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes must be last: it turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): locked out after repeated failures for the username from the same address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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

# Email: EMAIL_URL such as smtp+tls://user:pass@host:587, consolemail://, filemail:///path.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
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

# Celery. With no broker configured, tasks run inline (the embedded default).
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
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}
# Dashboards read summary tables refreshed by a set-based job (reports, ADR 0006).
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
        "anon": "120/minute",
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

# Content-Security-Policy (django-csp 4): everything is served from this origin; no CDN at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Notifications (feedback.services.notifications): the outbox in the database, delivered by Celery.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
# Below the broker's visibility timeout (2 h), or Redis would hand a delayed task to a second worker.
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=30 * 60)
# A claim older than this belongs to a dead worker (longer than the task time limit).
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", default=600)
# The sweeper queues pending rows that were never queued, or queued longer ago than this.
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=300)
# Submissions whose after-commit work did not run within this time are re-planned (within the window).
NOTIFICATIONS_SUBMIT_GRACE_SECONDS = env.int("NOTIFICATIONS_SUBMIT_GRACE_SECONDS", default=120)
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
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {"task": "feedback.notifications_sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["feedback-chase-deadlines"] = {
    "task": "feedback.chase_deadlines",
    "schedule": crontab(minute="*/15"),
}
CELERY_BEAT_SCHEDULE["feedback-daily-digest"] = {
    "task": "feedback.daily_digest",
    "schedule": crontab(hour=7, minute=15, day_of_week="mon-sat"),
}
CELERY_BEAT_SCHEDULE["feedback-retention"] = {
    "task": "feedback.anonymise_closed_items",
    "schedule": crontab(hour=2, minute=30),
}
