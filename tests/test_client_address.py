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
def test_behind_the_proxy_a_guesser_locks_out_only_their_own_address(client, settings, officer_a):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": officer_a.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            **proxy,
        )

    guesser = client.post(
        "/accounts/login/",
        {"username": officer_a.username, "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    client.logout()
    officer = client.post(
        "/accounts/login/",
        {"username": officer_a.username, "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        **proxy,
    )

    assert guesser.status_code == 429
    assert officer.status_code == 302
