"""Emails carry citizens' names and phone numbers: by default they are written as files, never to a console."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings; print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"


def _email_settings(**extra: str) -> list[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
        "DATABASE_URL": "postgres://nobody@127.0.0.1/not-used",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_without_email_url_each_message_is_a_file_under_var_mail():
    assert _email_settings() == ["django.core.mail.backends.filebased.EmailBackend", str(ROOT / "var" / "mail")]


def test_email_url_wins():
    assert _email_settings(EMAIL_URL="smtp+tls://u:p@smtp.example.gov.vn:587")[0] == (
        "django.core.mail.backends.smtp.EmailBackend"
    )
