"""Hostile input never breaks a page (property-based, with Hypothesis).

Whatever arrives (odd paths, broken query strings, forged headers, junk form bodies),
every URL answers with a status a client caused (ACCEPTABLE_STATUSES), never a 500,
and never echoes the input back unescaped. That holds for readers, and for signed-in staff
on every staff form and endpoint: each admin form is sent as the page fills it in, with
hostile values in some of its fields, and the editor's and the admin's own endpoints get
any body and any query string.

When a feature adds a URL or a form, add one line to PUBLIC_URLS or FORM_ENDPOINTS (readers),
or STAFF_FORMS, STAFF_ENDPOINTS or STAFF_PAGES (staff).
"""

import datetime
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
import reversion
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from microcredentials.editing import previews
from microcredentials.models import (
    AdvicePage,
    BestBet,
    ClosedDay,
    ContactDetails,
    OpeningHours,
    Redirect,
    SearchCount,
    SiteAlert,
    Synonym,
)
from tests.signing_in import sign_in

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
    "/.well-known/security.txt",
    "/updates.atom",
    "/plan-your-career/micro-credentials/feed/",
    "/follow/unsubscribe/not-a-token/",  # answers a cross-site POST on purpose: RFC 8058's one-click unsubscribe
]

# Every form or POST endpoint readers can reach, with the field names it reads. One line per form.
# (The staff's forms and endpoints are in STAFF_FORMS and STAFF_ENDPOINTS, below.)
FORM_ENDPOINTS = [
    (f"{ADMIN}login/", ["username", "password", "next"]),
    ("/alerts/dismiss/", ["key", "next"]),
    ("/follow/1/", ["email", "website"]),
    ("/follow/confirm/not-a-token/", ["confirm"]),
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
            sign_in(_form_clients[key], user)
    return _form_clients[key]


@pytest.fixture(autouse=True)
def _fresh_form_clients() -> None:
    _form_clients.clear()


# Staff: every admin form and staff endpoint, as a signed-in superuser (who may use them all). "{page}" and the
# like are filled in from the `staff_objects` fixture.
PAGE_ADMIN = f"{ADMIN}microcredentials/advicepage/"
# (the page with the form, where it posts to): one line per staff form. The page's own fields are sent as it
# fills them in, with hostile values in some of them.
STAFF_FORMS = [
    (f"{PAGE_ADMIN}add/", None),
    (f"{PAGE_ADMIN}{{page}}/change/", None),
    (f"{ADMIN}microcredentials/topic/add/", None),
    (f"{ADMIN}microcredentials/topic/{{topic}}/change/", None),
    (f"{ADMIN}microcredentials/sitealert/add/", None),
    (f"{ADMIN}microcredentials/sitealert/{{alert}}/change/", None),
    (f"{ADMIN}microcredentials/sitealert/add/", f"{ADMIN}microcredentials/sitealert/preview/"),
    (f"{ADMIN}microcredentials/sitealert/{{alert}}/change/", f"{ADMIN}microcredentials/sitealert/preview/"),
    (f"{ADMIN}microcredentials/openinghours/add/", None),
    (f"{ADMIN}microcredentials/openinghours/{{hours}}/change/", None),
    (f"{ADMIN}microcredentials/contactdetails/{{contact}}/change/", None),
    (f"{ADMIN}microcredentials/closedday/add/", None),
    (f"{ADMIN}microcredentials/redirect/add/", None),
    (f"{ADMIN}microcredentials/redirect/{{redirect}}/change/", None),
    (f"{ADMIN}microcredentials/synonym/add/", None),
    (f"{ADMIN}microcredentials/synonym/{{synonym}}/change/", None),
    (f"{ADMIN}microcredentials/bestbet/add/", None),
    (f"{ADMIN}microcredentials/bestbet/{{best_bet}}/change/", None),
]
# POST endpoints for staff, with the field names they read. One line per endpoint.
STAFF_ENDPOINTS = [
    ("/markdownx/markdownify/", ["content"]),
    ("/markdownx/upload/", ["image"]),
    (f"{ADMIN}microcredentials/sitealert/preview/", ["kind", "message", "level", "show_from", "show_until"]),
    (f"{PAGE_ADMIN}{{page}}/preview/", ["title", "summary", "body"]),
    (f"{PAGE_ADMIN}{{page}}/preview-links/", []),
    (f"{PAGE_ADMIN}{{page}}/preview-links/{{link}}/revoke/", []),
    (f"{PAGE_ADMIN}{{page}}/history/{{version}}/restore/", []),
    (f"{PAGE_ADMIN}", ["action", "_selected_action", "select_across", "index"]),
    (f"{PAGE_ADMIN}{{page}}/unpublish/", ["confirmed", "send_readers_to"]),
    (f"{ADMIN}two-step/", ["code", "next"]),
    (f"{ADMIN}two-step/app/", ["code", "next"]),
    (f"{ADMIN}two-step/recovery-codes/", ["next"]),
    (f"{ADMIN}webauthn/registration/begin/", []),
    (f"{ADMIN}webauthn/registration/complete/", ["id", "rawId", "response", "type"]),
    (f"{ADMIN}webauthn/authentication/begin/", []),
    (f"{ADMIN}webauthn/authentication/complete/", ["id", "rawId", "response", "type"]),
]
# Staff pages read with GET, with the query parameters they read. One line per page.
STAFF_PAGES = [
    (ADMIN, []),
    (PAGE_ADMIN, ["q", "o", "p", "e", "status__exact", "topic__id__exact", "all"]),
    (f"{PAGE_ADMIN}{{page}}/change/", ["_changelist_filters", "_popup", "_to_field"]),
    (f"{PAGE_ADMIN}{{page}}/preview/", []),
    (f"{PAGE_ADMIN}{{page}}/history/", []),
    (f"{PAGE_ADMIN}{{page}}/history/compare/", ["from", "to"]),
    (f"{PAGE_ADMIN}{{page}}/unpublish/", []),
    (f"{ADMIN}two-step/", ["next"]),
    (f"{ADMIN}two-step/add/", ["next"]),
    (f"{ADMIN}two-step/app/", ["next"]),
    (f"{ADMIN}microcredentials/sitealert/", ["q", "o", "kind__exact", "level__exact"]),
    (f"{ADMIN}microcredentials/pagefeedback/", ["q", "o", "useful__exact", "created_at__year"]),
    (f"{ADMIN}microcredentials/pagefeedback/summary/", []),
    (f"{ADMIN}admin/logentry/", ["q", "o", "action_flag__exact", "action_time__year"]),
    (f"{ADMIN}microcredentials/closedday/", ["q", "o"]),
    (f"{ADMIN}microcredentials/searchcount/", ["days"]),
    (f"{ADMIN}microcredentials/searchcount/nothing-found/", ["days"]),
    (f"{ADMIN}microcredentials/synonym/", ["q", "o"]),
    (f"{ADMIN}microcredentials/bestbet/", ["q", "o"]),
    ("/preview/{token}/", []),
]


STAFF_PATH_PREFIXES = [PAGE_ADMIN, f"{PAGE_ADMIN}1/", f"{ADMIN}microcredentials/sitealert/", "/markdownx/", "/preview/"]


class FormFields(HTMLParser):
    """What a browser sends from the page's main form: its fields as filled in, and its submit buttons' names."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[str] = []
        self._text: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self._options: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        name, kind = attr.get("name", ""), attr.get("type", "text")
        if tag == "input" and name and kind == "submit":
            self.buttons.append(name)
        elif tag == "input" and name and kind in ("checkbox", "radio"):
            if "checked" in attr:
                self.fields.append((name, attr.get("value", "on")))
        elif tag == "input" and name and kind not in ("file", "button", "image", "reset"):
            self.fields.append((name, attr.get("value", "")))
        elif tag == "textarea" and name:
            self._text = (name, [])
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append(attr.get("value", ""))
            if "selected" in attr:
                self.fields.append((self._select, attr.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._text:
            self.fields.append((self._text[0], "".join(self._text[1])))
            self._text = None
        elif tag == "select" and self._select is not None:
            if self._select not in dict(self.fields) and self._options:
                self.fields.append((self._select, self._options[0]))
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._text:
            self._text[1].append(data)


@pytest.fixture
def chief(db: None) -> User:
    return User.objects.create_superuser("chief", password="a-long-test-password")


@pytest.fixture
def staff_objects(shipped_content: AdvicePage, chief: User) -> dict[str, object]:
    """One of everything the staff forms change, and the ids their addresses need."""
    page = shipped_content
    with reversion.create_revision():
        page.save()
    version = reversion.models.Version.objects.get_for_object(page).first()
    assert version is not None
    alert = SiteAlert.objects.create(kind=SiteAlert.Kind.GENERAL, message="Phones are busy.", show_from=timezone.now())
    redirect = Redirect.objects.create(old_path="/old-address/", page=page)
    link = previews.share(page, chief)
    ClosedDay.objects.create(day=datetime.date(2026, 12, 29), reason="the Christmas break")
    contact = ContactDetails.objects.first() or ContactDetails.objects.create()
    hours = OpeningHours.objects.first()
    assert hours is not None, "the opening hours come with the migrations"
    synonym = Synonym.objects.create(term="short course", search_for="micro-credential")
    best_bet = BestBet.objects.create(query="student loan", page=page)
    SearchCount.objects.create(query="zebrafish", day=timezone.localdate(), count=3, result_count=0)
    return {
        "page": page.pk,
        "topic": page.topic_id,
        "alert": alert.pk,
        "redirect": redirect.pk,
        "link": link.pk,
        "token": link.token,
        "version": version.pk,
        "contact": contact.pk,
        "hours": hours.pk,
        "synonym": synonym.pk,
        "best_bet": best_bet.pk,
    }


def form_as_filled_in(client: Client, url: str) -> FormFields:
    """The admin form on `url` as it comes, read afresh for each example: a page's form carries the version it
    was opened at, so one read before another example saved the page would only meet the edit-conflict check."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    html = response.content.decode()
    main = re.search(r'<form[^>]*id="\w+_form".*?</form>', html, re.DOTALL)
    parser = FormFields()
    parser.feed(main[0] if main else html)
    return parser


# Each form's field and button names, as its first read in the test found them: what Hypothesis draws from must not
# change between examples (an example that saves can change what the form shows next time).
_form_shapes: dict[str, tuple[list[str], list[str]]] = {}


@pytest.fixture(autouse=True)
def _fresh_form_shapes() -> None:
    _form_shapes.clear()


@pytest.mark.django_db
@pytest.mark.parametrize(("form_url", "post_url"), STAFF_FORMS, ids=[f"{a}->{b or 'itself'}" for a, b in STAFF_FORMS])
@given(data=st.data())
def test_staff_forms_survive_hostile_values_in_any_of_their_fields(
    staff_objects: dict[str, object],
    chief: User,
    settings: object,
    tmp_path: object,
    form_url: str,
    post_url: str | None,
    data: st.DataObject,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    client = form_client(False, chief)
    url = form_url.format(**staff_objects)
    form = form_as_filled_in(client, url)
    names, buttons = _form_shapes.setdefault(
        url, (sorted({name for name, _ in form.fields}) or ["x"], list(form.buttons))
    )
    hostile = data.draw(st.dictionaries(st.sampled_from(names), hostile_text, min_size=1, max_size=4))
    extra = data.draw(st.dictionaries(hostile_text, hostile_text, max_size=2))
    fields: dict[str, list[str]] = {}
    for name, value in form.fields:
        fields.setdefault(name, []).append(value)
    for name, value in (hostile | extra).items():
        fields[name] = [value, *data.draw(st.lists(hostile_text, max_size=1))]  # sometimes given twice
    button = data.draw(st.one_of(st.none(), st.sampled_from(buttons))) if buttons else None
    if button:
        fields[button] = ["1"]
    target = (post_url or form_url).format(**staff_objects)
    as_multipart = data.draw(st.booleans())
    if as_multipart:
        response = client.post(target, fields)
    else:
        body = "&".join(f"{quote(name)}={quote(value)}" for name, values in fields.items() for value in values)
        response = client.post(target, body, content_type="application/x-www-form-urlencoded")
    assert_handled(response, f"POST {target} with {sorted(hostile)} hostile")


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "fields"), STAFF_ENDPOINTS, ids=[url for url, _ in STAFF_ENDPOINTS])
@given(data=st.data(), cross_site=st.booleans())
def test_staff_endpoints_survive_any_body(
    staff_objects: dict[str, object],
    chief: User,
    settings: object,
    tmp_path: object,
    url: str,
    fields: list[str],
    data: st.DataObject,
    cross_site: bool,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    client = form_client(cross_site, chief)
    target = url.format(**staff_objects)
    body, content_type = data.draw(form_bodies(fields or ["x"]))
    response = client.generic("POST", target, body, content_type=content_type, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert_handled(response, f"POST {target} as {content_type[:40]!r}")
    if cross_site:
        assert response.status_code in {403, 413}, "every staff form refuses a post from another site"


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "keys"), STAFF_PAGES, ids=[url for url, _ in STAFF_PAGES])
@given(data=st.data())
def test_staff_pages_survive_any_query_string(
    staff_objects: dict[str, object], chief: User, url: str, keys: list[str], data: st.DataObject
) -> None:
    client = form_client(False, chief)
    known = st.sampled_from(keys) if keys else hostile_text
    pairs = data.draw(st.lists(st.tuples(st.one_of(known, hostile_text), hostile_text), max_size=5))
    add_a_number: bool = data.draw(st.booleans())
    if keys and add_a_number:  # a known key with a plausible value (a version id, a page number)
        pairs.append((data.draw(st.sampled_from(keys)), str(data.draw(st.integers(-1, 10**12)))))
    query = "&".join(f"{quote(key)}={quote(value)}" for key, value in pairs)
    target = url.format(**staff_objects)
    assert_handled(client.get(target, QUERY_STRING=query), f"GET {target}?{query[:80]}")


@pytest.mark.django_db
@given(
    path=st.builds(
        lambda prefix, segments: prefix + "/".join(segments),
        st.sampled_from(
            [PAGE_ADMIN, f"{PAGE_ADMIN}1/", f"{ADMIN}microcredentials/sitealert/", "/markdownx/", "/preview/"]
        ),
        st.lists(hostile_text.map(lambda text: quote(text, safe="")), max_size=3),
    ),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
)
def test_any_staff_path_and_method_is_answered_cleanly(
    staff_objects: dict[str, object], chief: User, path: str, method: str
) -> None:
    assert_handled(form_client(False, chief).generic(method, path), f"{method} {path[:80]} as staff")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{PAGE_ADMIN}{{page}}/change/", "related_pages"),
        (f"{ADMIN}microcredentials/redirect/{{redirect}}/change/", "page"),
    ],
)
def test_an_autocomplete_field_with_a_value_that_is_not_a_number_is_refused_cleanly(
    staff_objects: dict[str, object], chief: User, url: str, field: str
) -> None:
    """Django's autocomplete widget looked "abc" up as a key and answered 500 (lib/admin_bases.py)."""
    client = form_client(False, chief)
    target = url.format(**staff_objects)
    fields = dict(form_as_filled_in(client, target).fields) | {field: "abc"}
    assert_handled(client.post(target, fields), f"POST {target} with {field}=abc")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1", "9999"])
def test_a_year_the_activity_log_cannot_show_is_refused_like_any_bad_filter(chief: User, year: str) -> None:
    """Django's date hierarchy answered 500 for these years (microcredentials/lib/changelists.py)."""
    client = form_client(False, chief)
    response = client.get(f"{ADMIN}admin/logentry/", {"action_time__year": year})
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}admin/logentry/?e=1"
    assert client.get(f"{ADMIN}admin/logentry/", {"action_time__year": "2026"}).status_code == 200
