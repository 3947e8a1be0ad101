#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read only the code, never the database: they run on a fresh clone before any database is set
# up (the Makefile's catalogue targets do the same). Every other command needs DATABASE_URL (ADR 0102).
OFFLINE_COMMANDS = {"makemigrations", "check", "compilemessages", "makemessages", "help", "version"}
OFFLINE_DATABASE_URL = "postgres://offline-command@127.0.0.1/not-used"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.base")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings, which refuse a missing DATABASE_URL)
    except ImproperlyConfigured as error:
        command = sys.argv[1] if len(sys.argv) > 1 else "help"
        if command not in OFFLINE_COMMANDS or os.environ.get("DATABASE_URL"):
            sys.stderr.write(f"{error}\n")
            sys.exit(2)
        os.environ["DATABASE_URL"] = OFFLINE_DATABASE_URL
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
