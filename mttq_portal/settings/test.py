"""Test settings: real PostgreSQL and Redis-compatible servers, fast password hashing, mail kept in memory.

The servers are those of DATABASE_URL / REDIS_URL (CI exports the machine's). With neither set, a throw-away
embedded PostgreSQL and Valkey start here, before Django connects, in a temporary folder, once for the
process (worker processes spawned by the tests inherit the URLs), and stop when it exits.
"""

from mttq_portal.embedded import ensure_test_stack

ensure_test_stack()

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks inline; the end-to-end tests start a real worker with eager mode off.
if "replica" in DATABASES:  # noqa: F405
    # The test database has no replica of its own: the alias reads the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Test workers consume one queue of their own; the queue split is tested with its own workers.
CELERY_SPLIT_QUEUES = env.bool("CELERY_SPLIT_QUEUES", default=False)
CELERY_TASK_ROUTES = CELERY_TASK_ROUTES if CELERY_SPLIT_QUEUES else {}  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "test"
AXES_FAILURE_LIMIT = 3
# Most tests log users in with force_login (no second factor); the MFA tests turn the requirement on.
MFA_ENFORCED = env.bool("MFA_ENFORCED", default=False)
if env("LOG_FORMAT", default="") != "json":
    LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The end-to-end tests use a mail backend readable across processes (a worker writes, the test reads).
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default=EMAIL_BACKEND)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "tmp" / "mail"))
SMS_BACKEND = env("SMS_BACKEND", default="feedback.sms.MemorySmsBackend")
# Static files come from the finders in tests; no collected STATIC_ROOT is needed (and none is warned about).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
