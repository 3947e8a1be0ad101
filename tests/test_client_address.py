"""One client address for every throttle and django-axes: X-Forwarded-For counts only behind the configured
number of trusted proxies."""

import pytest

from mttq_portal.client_address import AnonAddressRateThrottle, client_address


class Req:
    def __init__(self, remote, forwarded=""):
        self.META = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}


def test_the_address_is_the_one_the_outermost_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(Req("10.0.0.1", "6.6.6.6")) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "6.6.6.6"; the proxy appended the address it saw.
    assert client_address(Req("10.0.0.1", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(Req("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2")) == "1.2.3.4"
    assert client_address(Req("10.0.0.1", "")) == "10.0.0.1"


@pytest.mark.django_db
def test_random_forwarded_for_headers_do_not_escape_the_open311_throttle(client, settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setattr(AnonAddressRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})

    codes = [
        client.get("/open311/v2/services.json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)
    ]

    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_the_proxy_a_guesser_does_not_lock_out_every_officer(client, settings, officer_a, officer_b):
    # Given the documented reverse proxy, and a guesser at one address failing on officer A's account
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": officer_a.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            **proxy,
        )

    # When the guesser tries again, and officer B logs in from another address behind the same proxy
    guesser = client.post(
        "/accounts/login/",
        {"username": officer_b.username, "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    client.logout()
    officer = client.post(
        "/accounts/login/",
        {"username": officer_b.username, "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        **proxy,
    )

    # Then the guesser's own address is locked (per address, across accounts), the proxy's is not: officer B
    # logs in. (Officer A's account itself is locked across addresses by design, ADR 0122, and its owner told.)
    assert guesser.status_code == 429
    assert officer.status_code == 302
