"""The site live on gunicorn and a throwaway PostgreSQL, and what readers see of it around a database outage.

Shared by bench/load.py (wrk) and tests/http/test_outage_live.py (Python threads). The
checks return lists of problems, empty when all is well, so both can report them.
"""

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.pg_cluster import Cluster, throwaway_cluster
from scripts.site_server import Server, gunicorn, prepare_site, production_env

ADVICE_PATH = "/plan-your-career/micro-credentials/"
ADVICE_HEADING = "<h1>Micro-credentials</h1>"
# Any query string other than a search's keeps a page out of the page cache, so this always needs the database.
UNCACHED_PATH = ADVICE_PATH + "?utm_source=check"
FRIENDLY_503 = "Sorry, this page is not available right now"
FEEDBACK_NOT_SENT = "Your feedback was not sent"
# Production's gunicorn.conf.py, on the loopback, without the access log (thousands of lines a second), and
# with max_requests off: it recycles workers by design every ~1,000 requests, which would hide a crash.
GUNICORN_ARGS = ("--config", "gunicorn.conf.py", "--max-requests", "0", "--access-logfile", "/dev/null")
# Readers reach the site through a load balancer that names them in X-Forwarded-For, so the feedback
# rate limit counts each reader, not the one address every request of a load run comes from.
SITE_ENV = {"DJANGO_TRUSTED_PROXY_COUNT": "1"}


@dataclass(frozen=True)
class LiveSite:
    cluster: Cluster
    server: Server
    log: Path
    database: str = "careers"

    @property
    def base(self) -> str:
        return self.server.base

    def sql(self, query: str) -> str:
        return self.cluster.run("psql", "-d", self.database, "-tAc", query).strip()

    def feedback_rows(self, up_to_id: int | None = None) -> int:
        """How many feedback rows there are (of those with id <= up_to_id, when given)."""
        where = f" WHERE id <= {int(up_to_id)}" if up_to_id is not None else ""
        return int(self.sql("SELECT count(*) FROM microcredentials_pagefeedback" + where))

    def feedback_snapshot(self) -> tuple[int, int]:
        """(the last feedback id, how many rows): one query, so both describe the same moment."""
        last_id, rows = self.sql("SELECT coalesce(max(id), 0), count(*) FROM microcredentials_pagefeedback").split("|")
        return int(last_id), int(rows)

    def feedback_comments(self) -> set[str]:
        return set(self.sql("SELECT comment FROM microcredentials_pagefeedback WHERE comment <> ''").splitlines())


@contextmanager
def live_site(workdir: Path, collect_static: bool = True, **extra_env: str) -> Iterator[LiveSite]:
    """A fresh cluster with the shipped content, served by 2 gunicorn workers; everything stopped afterwards."""
    with throwaway_cluster() as cluster:
        env = production_env(DATABASE_URL=cluster.createdb("careers"), **SITE_ENV, **extra_env)
        prepare_site(env, collect_static=collect_static)
        log = workdir / "gunicorn.log"
        with gunicorn(env, workers=2, args=GUNICORN_ARGS, log=log) as server:
            yield LiveSite(cluster=cluster, server=server, log=log)


# --- asking the site things ---------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Answer:
    """GET (or POST `form`) without following redirects; any status is an answer, not an exception."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return Answer(response.status, _lower(response.headers.items()), response.read().decode(errors="replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, _lower(error.headers.items()), error.read().decode(errors="replace"))


def _lower(headers: object) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FeedbackForm:
    """Where a reader's browser sends feedback, and the origin it says the post comes from (the page's own)."""

    action: str
    origin: str


def feedback_form(base: str) -> FeedbackForm:
    page = fetch(base + ADVICE_PATH)
    action = re.search(r'action="(/feedback/\d+/)"', page.body)
    if not action:
        raise RuntimeError(f"no feedback form on {ADVICE_PATH} ({page.status})")
    return FeedbackForm(action=action.group(1), origin=base)


def send_feedback(base: str, form: FeedbackForm, client: str, comment: str = "", as_json: bool = True) -> Answer:
    """Answer 'No' with `comment` (or 'Yes' without one) as the reader at address `client`."""
    fields = {"useful": "no" if comment else "yes", "comment": comment}
    headers = {"Origin": form.origin, "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": client}
    if as_json:
        headers["Accept"] = "application/json"
    return fetch(base + form.action, fields, headers)


def static_path(base: str) -> str:
    """The hashed URL of the site's CSS, as the advice page links to it."""
    found = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', fetch(base + ADVICE_PATH).body)
    if not found:
        raise RuntimeError("the advice page links to no hashed site.css")
    return found.group(1)


# --- during and after an outage ---------------------------------------------------


def outage_problems(base: str, form: FeedbackForm, client: str) -> list[str]:
    """With the database down: cached pages served, the rest a friendly 503, feedback refused clearly."""
    problems = answer_problems(fetch(base + ADVICE_PATH), 200, "cached advice page", ADVICE_HEADING)
    problems += answer_problems(fetch(base + "/"), 200, "cached home page")
    problems += answer_problems(fetch(base + "/healthz"), 200, "/healthz")
    problems += answer_problems(fetch(base + "/readyz"), 503, "/readyz")
    problems += answer_problems(fetch(base + UNCACHED_PATH), 503, "uncached page", FRIENDLY_503, retry_after=True)
    reply = send_feedback(base, form, client, comment="sent during the outage")
    problems += answer_problems(reply, 503, "feedback (JSON)", FEEDBACK_NOT_SENT, retry_after=True)
    reply = send_feedback(base, form, client, comment="sent during the outage", as_json=False)
    problems += answer_problems(reply, 503, "feedback (form)", FEEDBACK_NOT_SENT, retry_after=True)
    return problems


def answer_problems(answer: Answer, status: int, what: str, text: str = "", retry_after: bool = False) -> list[str]:
    """How `answer` differs from `status` with `text` (and Retry-After); a 5xx must show no traceback or thanks."""
    problems = []
    if answer.status != status:
        problems.append(f"{what} answered {answer.status}, not {status}")
    if text and text not in answer.body:
        problems.append(f"{what} does not say {text!r}")
    if retry_after and not answer.headers.get("retry-after", "").isdigit():
        problems.append(f"{what} has no Retry-After")
    for leak in ("Traceback", "OperationalError", "Thank you"):
        if status >= 500 and leak in answer.body:
            problems.append(f"{what} shows {leak!r}")
    return problems


def wait_for_recovery(base: str, timeout: float = 30) -> float:
    """Seconds until /readyz and an uncached page both answer 200 again; TimeoutError past `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if fetch(base + "/readyz").status == 200 and fetch(base + UNCACHED_PATH).status == 200:
            return time.monotonic() - started
        time.sleep(0.05)
    raise TimeoutError(f"the site did not recover within {timeout} seconds of the database coming back")
