"""Hostile input never breaks a page (property-based, with Hypothesis).

Whatever arrives (odd paths, broken query strings, forged headers, junk form bodies),
every URL answers with a status a client caused (ACCEPTABLE_STATUSES), never a 500,
and never echoes the input back unescaped.

When a feature adds a URL or a form, add one line to PUBLIC_URLS or FORM_ENDPOINTS.
"""

from typing import Any
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from hypothesis import given
from hypothesis import strategies as st

from microcredentials.models import AdvicePage

ADMIN = f"/{settings.ADMIN_PATH}"

# Every public URL. One line per URL; pages that do not exist are here on purpose.
PUBLIC_URLS = [
    "/",
    "/plan-your-career/",
    "/plan-your-career/micro-credentials/",
    "/plan-your-career/no-such-page/",
    "/no-such-topic/",
    "/healthz",
    "/readyz",
    "/contact/",
    f"{ADMIN}login/",
    "/static/css/site.css",
]

# Every form or POST endpoint, with the field names it reads. One line per form.
# (The editor's /markdownx/markdownify/ ["content"] and /markdownx/upload/ ["image"] join this list
# once the editing branch's staff-only versions replace markdownx's own views, which answer 500.)
FORM_ENDPOINTS = [
    (f"{ADMIN}login/", ["username", "password", "next"]),
    ("/alerts/dismiss/", ["key", "next"]),
]

ACCEPTABLE_STATUSES = {400, 403, 404, 405, 413}
# Reflected anywhere raw, this would be a cross-site scripting hole.
PROBE = "<probe-7f3e>"
NASTY = [
    "\x00", "%00", "%", "%%", "%ZZ", "%C3%28", "%E2%82", "%ff%fe", "%2e%2e%2f", "../../etc/passwd", "..%2f..%2f",
    "x" * 10_000, "Tēnā koe, ngā mihi nui", "日本語のテキスト", "مرحبا بالعالم", "🙂" * 50, "\ufeff\u202e\u200b",
    PROBE, f'"><script>alert(1)</script>{PROBE}', f"'{PROBE}", "\r\nSet-Cookie: hacked=1", "%0d%0aX-Injected:%201",
    "' OR '1'='1", "{{ 7*7 }}", "{% debug %}", "${jndi:ldap://x}", "javascript:alert(1)", "//evil.example/",
]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.text(max_size=40).map(lambda text: text + PROBE),
)
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data; boundary=\x00",
    "application/json",
    "text/plain; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
]
HEADERS = [
    "HTTP_COOKIE", "HTTP_USER_AGENT", "HTTP_ACCEPT_LANGUAGE", "HTTP_REFERER", "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_ACCEPT_ENCODING",
    "HTTP_ACCEPT", "HTTP_X_REQUESTED_WITH", "HTTP_ORIGIN", "CONTENT_TYPE", "CONTENT_LENGTH",
]  # fmt: skip
COOKIES = ["sessionid=" + "x" * 10_000, "csrftoken=" + "y" * 5_000 + "; sessionid=%00", "a" * 4_096 + "=1;" * 500]


def wsgi_text(text: str) -> str:
    """Text as a WSGI server hands it over: the raw bytes (UTF-8 here) decoded as Latin-1."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def assert_handled(response: object, label: str) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert 200 <= status < 400 or status in ACCEPTABLE_STATUSES, f"{label} answered {status}"
    body = getattr(response, "content", b"") if not getattr(response, "streaming", False) else b""
    assert PROBE.encode() not in body, f"{label} echoed the probe unescaped"
    for name, value in response.headers.items():  # type: ignore[attr-defined]
        assert PROBE not in value and "\n" not in value, f"{label} put input into the {name} header"


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    keys = st.one_of(st.sampled_from(["q", "page", "next", "utm_source", ""]), hostile_text)
    pairs = draw(st.lists(st.tuples(keys, hostile_text), max_size=6))
    pairs += pairs[: draw(st.integers(0, len(pairs)))]  # repeated parameters
    encode = draw(st.booleans())
    parts = [f"{quote(k) if encode else k}={quote(v) if encode else v}" for k, v in pairs]
    return wsgi_text(draw(st.sampled_from(["&", ";"])).join(parts))


@st.composite
def paths(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from([*PUBLIC_URLS, "/static/", f"{ADMIN}microcredentials/"]))
    segments = draw(st.lists(hostile_text, max_size=3))
    return prefix.rstrip("/") + "/" + "/".join(segments) + draw(st.sampled_from(["", "/"]))


@pytest.fixture
def anonymous() -> Client:
    """One client per test, shared by its examples: building a client (and its middleware) is the slow part."""
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_url_survives_every_nasty_value(shipped_content: AdvicePage, anonymous: Client, url: str) -> None:
    """The fixed list, in every place, at every URL: the cases that must never regress."""
    for value in NASTY:
        raw = wsgi_text(value)
        assert_handled(anonymous.get(url, QUERY_STRING=f"q={raw}&q={raw}&{raw}={raw}"), f"{url}?q={value[:40]!r}")
        assert_handled(anonymous.get(url + value), f"{url}{value[:40]!r}")
        assert_handled(
            anonymous.get(url, HTTP_USER_AGENT=raw, HTTP_REFERER=raw, HTTP_COOKIE=raw), f"headers {value[:40]!r}"
        )


@pytest.mark.django_db
@given(url=st.sampled_from(PUBLIC_URLS), query=query_strings())
def test_public_urls_survive_any_query_string(
    shipped_content: AdvicePage, anonymous: Client, url: str, query: str
) -> None:
    assert_handled(anonymous.get(url, QUERY_STRING=query), f"{url}?{query[:80]}")


@pytest.mark.django_db
@given(path=paths(), method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PROPFIND"]))
def test_any_path_and_method_is_answered_cleanly(
    shipped_content: AdvicePage, anonymous: Client, path: str, method: str
) -> None:
    assert_handled(anonymous.generic(method, path), f"{method} {path[:80]}")


@pytest.mark.django_db
@given(
    url=st.sampled_from(PUBLIC_URLS),
    headers=st.dictionaries(st.sampled_from(HEADERS), hostile_text.map(wsgi_text), max_size=4),
    cookie=st.one_of(st.none(), st.sampled_from(COOKIES)),
)
def test_public_urls_survive_hostile_headers_and_huge_cookies(
    shipped_content: AdvicePage, anonymous: Client, url: str, headers: dict[str, str], cookie: str | None
) -> None:
    if cookie is not None:
        headers["HTTP_COOKIE"] = cookie
    environ: dict[str, Any] = headers  # WSGI environ entries, not Client.get's own keyword arguments
    assert_handled(anonymous.get(url, **environ), f"{url} with {sorted(headers)}")


@pytest.mark.django_db
@given(host=st.one_of(hostile_text.map(wsgi_text), st.sampled_from(["evil.example", "testserver:99999", "[::1", ""])))
def test_any_host_header_gets_the_page_or_a_400_without_an_error_log(
    shipped_content: AdvicePage, anonymous: Client, caplog: pytest.LogCaptureFixture, host: str
) -> None:
    caplog.clear()
    response = anonymous.get("/", HTTP_HOST=host)
    assert response.status_code in {200, 400}, host
    assert_handled(response, f"Host {host[:80]!r}")
    assert not [record for record in caplog.records if record.levelname in {"ERROR", "CRITICAL"}]


upload_files = st.builds(
    SimpleUploadedFile,
    name=st.sampled_from(["photo.png", "x.html", "../../evil.png", "noextension", "ā.webp"]),
    content=st.one_of(st.binary(max_size=512), st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)),
    content_type=st.sampled_from(["image/png", "image/jpeg", "image/webp", "image/svg+xml", "text/html"]),
)


@st.composite
def form_bodies(draw: st.DrawFn, fields: list[str]) -> tuple[bytes, str]:
    """A form body: well-formed with hostile values, or raw bytes under a (possibly lying) content type."""
    names = st.one_of(st.sampled_from(fields), hostile_text)
    values: dict[str, object] = draw(st.dictionaries(names, hostile_text, max_size=5))
    kind = draw(st.sampled_from(["urlencoded", "multipart", "raw"]))
    if kind == "urlencoded":
        body = "&".join(f"{quote(k)}={quote(str(v))}" for k, v in values.items())
        return body.encode(), "application/x-www-form-urlencoded"
    if kind == "multipart":
        if draw(st.booleans()):
            values["image"] = draw(upload_files)
        return encode_multipart("BoUnDaRy", values), "multipart/form-data; boundary=BoUnDaRy"
    raw = draw(st.one_of(st.binary(max_size=2_000), hostile_text.map(lambda text: text.encode("utf-8", "replace"))))
    return raw, wsgi_text(draw(st.one_of(st.sampled_from(CONTENT_TYPES), hostile_text)))


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "staff"])
@pytest.mark.parametrize(("url", "fields"), FORM_ENDPOINTS, ids=[url for url, _ in FORM_ENDPOINTS])
@given(data=st.data(), cross_site=st.booleans())
def test_forms_survive_any_body(
    shipped_content: AdvicePage,
    staff_user: User,
    settings: object,
    tmp_path: object,
    url: str,
    fields: list[str],
    signed_in: bool,
    data: st.DataObject,
    cross_site: bool,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    AccessAttempt.objects.all().delete()  # each example starts before any sign-in lockout
    client = form_client(cross_site, staff_user if signed_in else None)
    body, content_type = data.draw(form_bodies(fields))
    response = client.generic("POST", url, body, content_type=content_type, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert_handled(response, f"POST {url} as {content_type[:40]!r}")
    if cross_site:
        assert response.status_code in {403, 413}, "every form refuses a post from another site"


_form_clients: dict[tuple[bool, int | None], Client] = {}


def form_client(cross_site: bool, user: User | None) -> Client:
    """A client per (origin, user) for the current test, reused across its examples.

    From another site it is a browser there: it has no CSRF token, and says where the post comes from.
    """
    key = (cross_site, user.pk if user else None)
    if key not in _form_clients:
        headers = {"origin": "https://elsewhere.example", "sec-fetch-site": "cross-site"} if cross_site else {}
        _form_clients[key] = Client(enforce_csrf_checks=cross_site, headers=headers)
        if user:
            _form_clients[key].force_login(user)
    return _form_clients[key]


@pytest.fixture(autouse=True)
def _fresh_form_clients() -> None:
    _form_clients.clear()
