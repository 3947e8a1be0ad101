"""Emails carry citizens' names and phone numbers: by default they are written as files, never to a console;
and their links open the portal that sent them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings; print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"


def _email_settings(**extra: str) -> list[str]:
    return _settings(PRINT, **extra)


def _settings(code: str, **extra: str) -> list[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
        "DATABASE_URL": "postgres://nobody@127.0.0.1/not-used",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        **extra,
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_without_email_url_each_message_is_a_file_under_var_mail():
    assert _email_settings() == ["django.core.mail.backends.filebased.EmailBackend", str(ROOT / "var" / "mail")]


def test_email_url_wins():
    assert _email_settings(EMAIL_URL="smtp+tls://u:p@smtp.example.gov.vn:587")[0] == (
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_links_in_emails_name_the_port_make_run_serves():
    # Given `make run` on another port (WEB_PORT) and no PORTAL_BASE_URL, the links of its emails (written under
    # var/mail/) open that port; an explicit PORTAL_BASE_URL wins
    base_url = "from django.conf import settings; print(settings.PORTAL_BASE_URL)"
    assert _settings(base_url) == ["http://127.0.0.1:8000"]
    assert _settings(base_url, WEB_PORT="8123") == ["http://127.0.0.1:8123"]
    assert _settings(base_url, WEB_PORT="8123", PORTAL_BASE_URL="https://mttq.example.gov.vn") == [
        "https://mttq.example.gov.vn"
    ]
