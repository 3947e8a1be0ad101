"""Pluggable SMS backends, chosen by the ``SMS_BACKEND`` setting (like Django's email backends).

- ``feedback.sms.LoggingSmsBackend`` (default): writes the message to the log, sends nothing.
- ``feedback.sms.HttpGatewaySmsBackend``: POSTs JSON ``{"to", "text", "key"}`` to ``SMS_GATEWAY_URL`` with
  ``Authorization: Bearer SMS_GATEWAY_TOKEN``; any non-2xx answer or network error is a failure (retried).
- ``feedback.sms.MemorySmsBackend``: keeps messages in ``feedback.sms.outbox`` (tests).
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string
from unidecode import unidecode

logger = logging.getLogger(__name__)

outbox: list[dict] = []


class SmsError(Exception):
    pass


class BaseSmsBackend:
    def send(self, *, to: str, text: str, key: str) -> None:
        raise NotImplementedError

    @staticmethod
    def prepare(text: str) -> str:
        # Many Vietnamese gateways only accept unaccented text (or charge 70-character UCS-2 segments).
        if settings.SMS_ASCII_ONLY:
            text = unidecode(text)
        return text[: settings.SMS_MAX_LENGTH]


def masked_number(number: str) -> str:
    """A phone number for a log line: only the last 3 digits (enough to tell two messages apart)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return "***" + digits[-3:] if len(digits) > 3 else "***"


class LoggingSmsBackend(BaseSmsBackend):
    """Sends nothing; logs that a message would go, without the number or the text (personal data and
    lookup secrets must not reach the logs)."""

    def send(self, *, to: str, text: str, key: str) -> None:
        logger.info("SMS to %s (%s): %s characters", masked_number(to), key, len(self.prepare(text)))


class MemorySmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str, key: str) -> None:
        outbox.append({"to": to, "text": self.prepare(text), "key": key})


class HttpGatewaySmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str, key: str) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SmsError("SMS_GATEWAY_URL is not set")
        if not url.startswith(("https://", "http://")):
            raise SmsError("SMS_GATEWAY_URL must be an http(s) URL")
        body = json.dumps({"to": to, "text": self.prepare(text), "key": key}).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                # The gateway may use it to drop a duplicate after a retry.
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except OSError as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
