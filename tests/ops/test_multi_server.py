"""Two app servers sharing PostgreSQL and Redis serve each other's changes at once."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest

from tests.services import gunicorn_server, manage, postgres_available, postgres_server, production_env, redis_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not postgres_available(), reason="PostgreSQL 15 server programs are not installed"),
]

ADVICE_PATH = "/plan-your-career/micro-credentials/"
PASSWORD = "a-long-test-password-for-staff"


class FormFields(HTMLParser):
    """The values a browser would submit for the first <form method="post"> on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        name = attr.get("name")
        if tag == "input" and name and attr.get("type") not in ("submit", "checkbox", "file"):
            self.fields[name] = attr.get("value", "")
        elif tag == "input" and name and attr.get("type") == "checkbox" and "checked" in attr:
            self.fields[name] = attr.get("value", "on")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attr:
            self.fields[self._select] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies to 127.0.0.1 over plain HTTP, as browsers do for loopback addresses."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return True


def browser() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar(policy=LoopbackIsSecure())
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def post(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    data = urllib.parse.urlencode(fields).encode()
    return opener.open(urllib.request.Request(url, data=data, headers={"Referer": url})).read().decode()


# Makes a recovery code for "editor" and prints it: the second step of signing in.
RECOVERY_CODE = (
    "from django.contrib.auth.models import User; from microcredentials.staff.two_factor import new_recovery_codes; "
    "print(new_recovery_codes(User.objects.get(username='editor'))[0])"
)


def log_in(opener: urllib.request.OpenerDirector, base: str, env: dict[str, str]) -> None:
    """Sign in as "editor" with the password, then a recovery code, through the real forms."""
    code = manage(env, "shell", "--no-imports", "-c", RECOVERY_CODE).strip()
    login_url = base + "/admin/login/?next=/admin/"
    fields = form_fields(opener.open(login_url).read().decode())
    fields.update(username="editor", password=PASSWORD)
    second_step = post(opener, login_url, fields)
    assert "To finish signing in" in second_step
    fields = form_fields(second_step) | {"code": code}
    assert "Log out" in post(opener, base + "/admin/two-step/?next=/admin/", fields)


def test_an_edit_through_one_server_is_served_fresh_by_the_other() -> None:
    with postgres_server() as database_url, redis_server() as redis_url:
        env = production_env(DATABASE_URL=database_url, REDIS_URL=redis_url, DJANGO_SUPERUSER_PASSWORD=PASSWORD)
        manage(env, "migrate", "--no-input")
        manage(env, "load_content")
        manage(env, "createsuperuser", "--no-input", "--username", "editor", "--email", "editor@example.org")
        page_id = manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from microcredentials.models import AdvicePage as P; print(P.objects.get(slug='micro-credentials').pk)",
        )
        with gunicorn_server(env, workers=1) as server_a, gunicorn_server(env, workers=1) as server_b:
            reader = browser()
            for base in (server_a, server_b):  # both servers now have the page in the shared cache
                assert "<h1>Micro-credentials</h1>" in reader.open(base + ADVICE_PATH).read().decode()

            editor = browser()
            log_in(editor, server_a, env)
            change_url = f"{server_a}/admin/microcredentials/advicepage/{page_id.strip()}/change/"
            fields = form_fields(editor.open(change_url).read().decode())
            fields["title"] = "Micro-credentials, edited on server A"
            post(editor, change_url, fields)

            fresh = reader.open(server_b + ADVICE_PATH).read().decode()
            assert re.search(r"<h1>Micro-credentials, edited on server A</h1>", fresh)
