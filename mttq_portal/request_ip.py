"""The client address of a request, for the security log and the login lock-out.

One rule decides which address is the client's behind the trusted proxies (``TRUSTED_PROXY_COUNT``);
this module only points at it, so every caller outside the feedback app uses the same rule.
"""

import ipaddress


def request_client_ip(request) -> str | None:
    """The client's address, or None when the request carries none that parses (a test client, a task)."""
    from feedback.ratelimit import client_ip

    raw = client_ip(request) if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
