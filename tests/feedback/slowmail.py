"""A file-based mail backend that leaves a marker and pauses before writing (the kill -9 test kills the
worker during the pause, so the message being sent is the one a dead worker leaves claimed)."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends import filebased


class SlowFileEmailBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        markers = os.environ.get("SLOW_MAIL_MARKERS")
        if markers:
            Path(markers, uuid.uuid4().hex).touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        return super().send_messages(email_messages)
