"""Production settings: secrets are required (a missing one stops the boot), HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env

for required in ("DJANGO_SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "TRACKING_SECRET_KEYS", "PORTAL_BASE_URL"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production.")
# The address in every email's and SMS's link and the passkeys' origin: without it they would name the
# development server (http://127.0.0.1:8000), and a passkey needs HTTPS.
if not os.environ["PORTAL_BASE_URL"].startswith("https://"):
    raise ImproperlyConfigured("PORTAL_BASE_URL must be the portal's https:// address in production.")

DEBUG = False
if not env.bool("MFA_ENFORCED", default=True):
    raise ImproperlyConfigured("MFA_ENFORCED cannot be turned off in production.")
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Cookies bound to this exact host over HTTPS only (the "__Host-" prefix forbids Domain and requires Secure, Path=/).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-django_language"
LANGUAGE_COOKIE_PATH = "/"
# One JSON object per log line for the log collector (python-json-logger), with the request id.
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")  # noqa: F405
