"""A database outage end to end: real PostgreSQL 15 and gunicorn (production settings), readers in threads.

PostgreSQL is stopped for 20 seconds (immediate mode, as in a crash) under a light load, then
started again. The load script's wrk mix and verdict (bench/load.py) get a short run here too.
"""

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bench.live_site import (
    ADVICE_PATH,
    FEEDBACK_NOT_SENT,
    FRIENDLY_503,
    UNCACHED_PATH,
    Answer,
    FeedbackForm,
    LiveSite,
    answer_problems,
    feedback_form,
    fetch,
    live_site,
    send_feedback,
    static_path,
)
from bench.load import Settings, run_outage, wrk_command
from bench.load_report import Outage, feedback_problems, load_problems, parse_wrk_output
from scripts import pg_cluster
from scripts.site_server import ROOT

OUTAGE_SECONDS = 20
RECOVERY_LIMIT_SECONDS = 5
READERS = 4
MIX = ("advice", "home", "uncached", "static", "advice", "feedback")
# With the database down: what each kind of request must get (status, wording, Retry-After).
DURING_OUTAGE = {
    "advice": (200, "", False),
    "home": (200, "", False),
    "static": (200, "", False),
    "uncached": (503, FRIENDLY_503, True),
    "feedback": (503, FEEDBACK_NOT_SENT, True),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    if not pg_cluster.available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL 15 binaries are needed in CI ({pg_cluster.PG_BIN})")
        pytest.skip(f"no PostgreSQL 15 binaries in {pg_cluster.PG_BIN}")
    # The session's collected_static fixture has already collected the static files.
    with live_site(tmp_path_factory.mktemp("live-site"), collect_static=False) as running:
        yield running


@dataclass(frozen=True)
class Observed:
    what: str
    started: float
    ended: float
    answer: Answer | None  # None: the request failed (refused, reset or timed out)


class Readers:
    """A few readers in threads, each going round MIX with a short pause, until stopped."""

    def __init__(self, site: LiveSite, form: FeedbackForm) -> None:
        self.paths = {"advice": ADVICE_PATH, "home": "/", "uncached": UNCACHED_PATH, "static": static_path(site.base)}
        self.site, self.form = site, form
        self.seen: list[Observed] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(n,)) for n in range(READERS)]

    def __enter__(self) -> "Readers":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _read(self, reader: int) -> None:
        sent = 0
        while not self.stopping.is_set():
            what = MIX[sent % len(MIX)]
            sent += 1
            started = time.time()
            try:
                answer = self._ask(what, f"10.{reader}.{sent // 256 % 256}.{sent % 256}")
            except OSError:
                answer = None
            if answer is not None and answer.status == 200:
                answer = Answer(200, answer.headers, "")  # keep memory small: only refusals are read
            self.seen.append(Observed(what, started, time.time(), answer))
            self.stopping.wait(0.01)

    def _ask(self, what: str, client: str) -> Answer:
        if what == "feedback":
            return send_feedback(self.site.base, self.form, client)
        return fetch(self.site.base + self.paths[what])


def phase_problems(seen: list[Observed], outage: Outage) -> list[str]:
    """Before and after: all 200. While down: DURING_OUTAGE. Requests across a boundary: 200 or a 503."""
    problems = []
    for observed in seen:
        answer, what = observed.answer, observed.what
        if answer is None:
            problems.append(f"{what} failed at {observed.started:.1f}")
        elif observed.ended < outage.stopped_at or observed.started > outage.recovered_at:
            problems += answer_problems(answer, 200, what)
        elif observed.started > outage.down_at and observed.ended < outage.restarting_at:
            status, text, retry_after = DURING_OUTAGE[what]
            problems += answer_problems(answer, status, f"{what} during the outage", text, retry_after)
        elif answer.status not in (200, 503):
            problems.append(f"{what} answered {answer.status} around the outage")
    return sorted(set(problems))


def test_the_load_scripts_mix_gets_only_expected_answers(site: LiveSite) -> None:
    if not shutil.which("wrk"):
        if os.environ.get("CI"):
            pytest.fail("wrk is needed in CI")
        pytest.skip("wrk is not installed")
    settings = Settings(seconds=3, connections=16)
    workers = site.server.worker_pids()
    command = wrk_command(settings, site.base, feedback_form(site.base), static_path(site.base))
    result = parse_wrk_output(subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60).stdout)
    totals = result.totals()
    assert load_problems(result, outage=None) == []
    assert totals["page 200"] and totals["static 200"] and totals["feedback 200"]
    assert feedback_problems(totals["feedback 200"], site.feedback_rows()) == []
    assert result.latency_ms["p50"] <= result.latency_ms["p90"] <= result.latency_ms["p99"]
    assert site.server.worker_pids() == workers


def test_the_site_rides_out_a_database_outage(site: LiveSite) -> None:
    settings = Settings(outage_after=3, outage_seconds=OUTAGE_SECONDS, recovery_limit=RECOVERY_LIMIT_SECONDS)
    form = feedback_form(site.base)
    workers = site.server.worker_pids()
    # Each sync worker keeps its own copy of a page (no Redis here): ask often enough that every one has them.
    for path in (ADVICE_PATH, "/") * 20:
        fetch(site.base + path)
    with Readers(site, form) as readers:
        record = run_outage(site, form, settings)
        time.sleep(2)

    # Probes while down, the recovery time, and feedback from before the outage (rows and marked answers).
    assert record.problems == []
    assert record.recovery_seconds < RECOVERY_LIMIT_SECONDS
    assert record.rows_kept >= record.rows_before and all(record.marked.values())
    assert phase_problems(readers.seen, record.outage) == []
    accepted = sum(1 for seen in readers.seen if seen.what == "feedback" and seen.answer and seen.answer.status == 200)
    assert feedback_problems(accepted, site.feedback_rows()) == []
    assert site.server.worker_pids() == workers
    assert "Traceback" not in site.log.read_text(errors="replace")
    # The readers really were reading throughout: refusals while down, answers again afterwards.
    outage = record.outage
    during = [seen for seen in readers.seen if outage.down_at < seen.started and seen.ended < outage.restarting_at]
    after = [seen for seen in readers.seen if seen.started > outage.recovered_at]
    assert {seen.what for seen in during if seen.answer and seen.answer.status == 503} == {"uncached", "feedback"}
    assert {seen.what for seen in after if seen.answer and seen.answer.status == 200} == set(MIX)
