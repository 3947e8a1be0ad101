"""Compiled translation catalogues are build products (docs/adr/0101-catalogues-compiled-at-start.md).

The sources are ``locale/*/LC_MESSAGES/django.po``; the ``.mo`` files are not committed. The Docker build
and `make run` / `make test` compile them with ``compilemessages`` (gettext's msgfmt); any other start (a
plain ``manage.py runserver`` on a fresh clone, a worker) compiles the missing or stale ones here, in pure
Python (polib), when the portal's app is ready, before any page is translated.
"""

import logging
import os
from pathlib import Path

import polib

logger = logging.getLogger(__name__)


def stale_catalogues(locale_paths) -> list[Path]:
    """The .po files whose .mo is missing or older than the .po."""
    stale = []
    for locale_path in locale_paths:
        for po in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append(po)
    return stale


def compile_stale_catalogues(locale_paths) -> list[Path]:
    """Compile every missing or stale catalogue; return the .mo files written.

    Each file is written beside its source under a temporary name and renamed, so that processes starting
    together (gunicorn workers, Celery) never read a half-written catalogue. A read-only tree (an image
    whose build compiled them already) is logged, not fatal.
    """
    written = []
    for po in stale_catalogues(locale_paths):
        mo = po.with_suffix(".mo")
        temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        try:
            polib.pofile(str(po)).save_as_mofile(str(temporary))
            os.replace(temporary, mo)
        except OSError as error:
            logger.warning("Could not compile %s (%s); run `manage.py compilemessages`.", po, error)
            continue
        written.append(mo)
    if written:
        # Translations already loaded by an earlier app's ready() would keep the old (or no) catalogue.
        from django.utils.translation.reloader import translation_file_changed

        translation_file_changed(sender=None, file_path=written[0])
    return written
