"""THE client address of a request, for every throttle, django-axes and the logs (ADR 0114).

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies the client is the address the outermost trusted proxy saw:
the ``TRUSTED_PROXY_COUNT``-th entry from the right of ``X-Forwarded-For`` (entries further left were
written by the client and prove nothing). Without trusted proxies ``X-Forwarded-For`` is ignored and the
address is ``REMOTE_ADDR``: a header anyone can write must not pick the throttle's bucket.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from .throttles import SharedCounterRateMixin


def client_address(request) -> str:
    meta = request.META
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR", "") or "unknown"


def client_address_for_axes(request) -> str | None:
    """``client_address`` for django-axes, which stores it in an ``inet`` column: None when the request has
    no address at all (a login made in code, ``Client.force_login``)."""
    address = client_address(request)
    return None if address == "unknown" else address


class ClientAddressIdentMixin:
    """DRF throttles identify an anonymous caller by ``client_address`` (DRF's own ``get_ident`` reads
    ``X-Forwarded-For`` unless ``NUM_PROXIES`` is set, and the portal configures proxies in one place)."""

    def get_ident(self, request):
        return client_address(request)


class AnonAddressRateThrottle(ClientAddressIdentMixin, SharedCounterRateMixin, AnonRateThrottle):
    """The anonymous rate (``OPEN311_ANON_RATE``) per client address, one round trip per request."""
