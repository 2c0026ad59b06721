"""Who the client is (musaned/core/audit.py, ``client_ip``): the connection's address, or
behind ``MUSANED_TRUSTED_PROXY_COUNT`` proxies the address the first of them saw; what a
client writes into X-Forwarded-For itself never counts. tests/proxy/ does the same through
a real nginx."""

import pytest
from django.test import RequestFactory, override_settings

from musaned.core.audit import client_ip


def _ip(forwarded=None, remote="10.0.0.10"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_proxies_the_connection_is_the_client_whatever_the_header_says():
    assert _ip("198.51.100.7", remote="203.0.113.9") == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.7", "198.51.100.7"),  # nginx: X-Forwarded-For $remote_addr
        ("6.6.6.6, 198.51.100.7", "198.51.100.7"),  # $proxy_add_x_forwarded_for, forged head
        ("198.51.100.7:4431", "198.51.100.7"),  # a proxy that adds the port
        ("[2001:db8::7]:4431", "2001:db8::7"),
        ("2001:db8::7", "2001:db8::7"),
    ],
)
@override_settings(MUSANED_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_it_forwarded(forwarded, client):
    assert _ip(forwarded) == client


@override_settings(MUSANED_TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_what_the_first_one_saw():
    # The client forged "6.6.6.6"; the outer balancer saw 198.51.100.7 and nginx saw the balancer.
    assert _ip("6.6.6.6, 198.51.100.7, 10.0.0.5") == "198.51.100.7"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "198.51.100.7, "])
@override_settings(MUSANED_TRUSTED_PROXY_COUNT=1)
def test_a_missing_or_broken_header_counts_as_the_connection_itself(forwarded):
    """Safer to share the proxy's address than to take one the client could have written."""
    assert _ip(forwarded) == "10.0.0.10"


@override_settings(MUSANED_TRUSTED_PROXY_COUNT=2)
def test_fewer_entries_than_proxies_counts_as_the_connection_itself():
    assert _ip("198.51.100.7") == "10.0.0.10"


def test_django_axes_reads_the_client_the_same_way():
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.10", HTTP_X_FORWARDED_FOR="1.2.3.4")
    with override_settings(MUSANED_TRUSTED_PROXY_COUNT=1):
        assert get_client_ip_address(request) == "1.2.3.4"
    assert get_client_ip_address(request) == "10.0.0.10"
