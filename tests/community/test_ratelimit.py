"""Public rate limits count clients without keeping their address."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from evidentia.community.models import RateHit
from evidentia.community.services import ratelimit


def request(remote: str = "203.0.113.7", forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/public/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_connecting_address_counts(settings):
    settings.TRUSTED_PROXIES = 0
    assert ratelimit.client_network(request(forwarded="198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_saw_counts(settings):
    settings.TRUSTED_PROXIES = 1
    seen = request(remote="10.0.0.2", forwarded="192.0.2.55, 198.51.100.1")
    assert ratelimit.client_network(seen) == "198.51.100.1"  # the spoofable left part is not


def test_an_ipv6_client_is_counted_by_its_64_network(settings):
    one = ratelimit.client_network(request(remote="2001:db8:1:2::1"))
    other = ratelimit.client_network(request(remote="2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"


@pytest.mark.django_db
def test_no_address_is_stored_in_the_counters(settings):
    ratelimit.hit(request(), "report", 10, "reports")
    stored = RateHit.objects.get()
    assert "203.0.113.7" not in stored.bucket and len(stored.bucket) == 64


@pytest.mark.django_db
def test_the_limit_refuses_with_a_wait_and_the_emergency_number(settings):
    settings.PORTAL_EMERGENCY_NUMBER = "911"
    ratelimit.hit(request(), "report", 1, "reports")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit(request(), "report", 1, "reports")
    assert refused.value.retry_after > 0 and "911" in refused.value.message
