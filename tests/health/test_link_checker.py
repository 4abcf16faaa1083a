"""The link checker against a real HTTP server on 127.0.0.1: every outcome, redirects followed hop by hop,
private addresses refused, one request at a time to a host, and an honest User-Agent."""

import socket

import pytest
from django.conf import LazySettings

from microcredentials.health import addresses
from microcredentials.health.checker import CheckPolicy, check_url, check_urls, policy_from_settings
from tests.health.conftest import CHECK_TIMEOUT, LinkServer


def test_a_page_that_answers_200_is_ok(link_server: LinkServer) -> None:
    result = check_url(link_server.url("/ok"))
    assert (result.status, result.status_code, result.final_url) == ("ok", 200, "")
    assert [seen.method for seen in link_server.requests] == ["HEAD"]


def test_a_301_is_redirected_with_the_final_address_each_hop_checked(link_server: LinkServer) -> None:
    result = check_url(link_server.url("/moved-twice"))
    assert (result.status, result.status_code) == ("redirected", 200)
    assert result.final_url == link_server.url("/ok")
    assert [seen.path for seen in link_server.requests] == ["/moved-twice", "/moved", "/ok"]


@pytest.mark.parametrize(("path", "code"), [("/missing", 404), ("/error", 500)])
def test_404_and_500_are_broken(link_server: LinkServer, path: str, code: int) -> None:
    result = check_url(link_server.url(path))
    assert (result.status, result.status_code, result.error) == ("broken", code, f"HTTP {code}")
    assert [seen.method for seen in link_server.requests] == ["HEAD", "GET"]  # GET gets its chance too


def test_a_redirect_to_a_missing_page_is_broken_and_names_where_it_ended(link_server: LinkServer) -> None:
    result = check_url(link_server.url("/moved-to-missing"))
    assert (result.status, result.status_code, result.final_url) == ("broken", 404, link_server.url("/missing"))


def test_a_redirect_loop_is_broken_after_a_few_hops(link_server: LinkServer) -> None:
    result = check_url(link_server.url("/loop"))
    assert result.status == "broken"
    assert "redirects" in result.error
    assert len(link_server.requests) == 6


def test_a_server_slower_than_the_timeout_is_broken(link_server: LinkServer) -> None:
    result = check_url(link_server.url("/slow"))
    assert result.status == "broken"
    assert result.error == f"No answer within {CHECK_TIMEOUT:g} seconds"


def test_a_server_that_refuses_head_is_asked_with_get(link_server: LinkServer) -> None:
    result = check_url(link_server.url("/no-head"))
    assert (result.status, result.status_code) == ("ok", 200)
    assert [seen.method for seen in link_server.requests] == ["HEAD", "GET"]


def test_the_server_is_told_who_is_asking(link_server: LinkServer, settings: LazySettings) -> None:
    settings.SITE_URL = "https://careers.example.govt.nz"
    check_url(link_server.url("/ok"))
    assert link_server.requests[0].user_agent == "CareersAdviceLinkChecker/1.0 (+https://careers.example.govt.nz/)"


def test_only_http_and_https_addresses_are_checked(link_server: LinkServer) -> None:
    for address in ("ftp://example.com/file", "file:///etc/passwd", "javascript:alert(1)"):
        result = check_url(address)
        assert result.status == "broken"
        assert result.error.startswith("Not checked")


def test_one_request_at_a_time_to_a_host_and_a_delay_between_them(link_server: LinkServer) -> None:
    policy = CheckPolicy(timeout=2, host_delay=0.1, allow_private=True, user_agent="test")
    results = check_urls([link_server.url(f"/busy?n={n}") for n in range(4)], policy)
    assert {result.status for result in results.values()} == {"ok"}
    assert link_server.most_at_once == 1
    starts = sorted(seen.started for seen in link_server.requests)
    ends = sorted(seen.ended for seen in link_server.requests)
    assert all(start - end >= 0.09 for start, end in zip(starts[1:], ends, strict=False))


# Private addresses: an editor's link must not make the server reach its own network.


def test_a_loopback_address_is_refused_when_private_addresses_are_not_allowed(
    link_server: LinkServer, settings: LazySettings
) -> None:
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    result = check_url(link_server.url("/ok"))
    assert result.status == "broken"
    assert result.error == "Not checked: 127.0.0.1 is on a private or local network (127.0.0.1)"
    assert link_server.requests == []  # nothing reached the server


@pytest.mark.parametrize("host", ["localhost", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"])
def test_other_spellings_of_the_loopback_address_are_refused_too(
    link_server: LinkServer, settings: LazySettings, host: str
) -> None:
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    result = check_url(link_server.url("/ok", host=host))
    assert result.status == "broken"
    assert result.error.startswith("Not checked:")
    assert link_server.requests == []


def test_a_redirect_to_a_private_address_is_refused(link_server: LinkServer) -> None:
    # "localhost" alone is allowed here, so the first hop reaches the server; its redirect to 127.0.0.1 must not.
    policy = CheckPolicy(
        timeout=CHECK_TIMEOUT, host_delay=0, allow_private=False, user_agent="t", private_hosts=frozenset({"localhost"})
    )
    result = check_url(link_server.url("/to-private", host="localhost"), policy)
    assert result.status == "broken"
    assert result.error.startswith("Not checked: 127.0.0.1 is on a private or local network")
    assert [seen.path for seen in link_server.requests] == ["/to-private"]


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1", "fe80::1",
     "fc00::1", "224.0.0.1", "::ffff:10.0.0.1", "240.0.0.1"],
)  # fmt: skip
def test_the_resolver_refuses_every_kind_of_private_or_special_address(address: str) -> None:
    with pytest.raises(addresses.RefusedAddress):
        addresses.resolve(address, 80, allow_private=False)


def test_the_resolver_refuses_a_name_if_any_of_its_addresses_is_private(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.4.4", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(addresses.RefusedAddress, match="10.0.0.5"):
        addresses.resolve("mixed.example", 80, allow_private=False)


def test_the_resolver_gives_a_public_address_to_connect_to(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:4860::8888", 80, 0, 0)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 80))]  # fmt: skip
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    assert addresses.resolve("public.example", 80, allow_private=False) == "8.8.8.8"


def test_private_addresses_are_refused_unless_the_setting_says_otherwise(settings: LazySettings) -> None:
    assert settings.LINK_CHECK_ALLOW_PRIVATE is False  # DJANGO_LINK_CHECK_ALLOW_PRIVATE unset, as deployed
    assert policy_from_settings().allows_private("127.0.0.1") is False
