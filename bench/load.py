"""Load and database-outage run: gunicorn with production settings on a throwaway PostgreSQL, driven by wrk.

Usage: make load (or python -m bench.load), and make outage (python -m bench.load --outage).

It starts a throwaway PostgreSQL 15 cluster, loads the shipped content, collects the static
files, starts gunicorn with gunicorn.conf.py (2 workers, plain HTTP on 127.0.0.1, see
live_site.GUNICORN_ARGS for what differs) and runs wrk with bench/load.lua: a mix of advice
page, home, search, the CSS file and now and then a feedback POST. It prints throughput,
latency percentiles and answers per status, and exits 1 unless no request failed, every answer
was expected, no worker was replaced and every accepted feedback is in the database.

With --outage, PostgreSQL is stopped (immediate mode, as in a crash) while the load runs and
started again after OUTAGE_SECONDS. Meanwhile cached pages must keep answering 200, the
rest a friendly 503 with Retry-After, feedback a clear "not sent"; afterwards the site must
recover by itself within RECOVERY_LIMIT seconds and keep every feedback accepted before.

Environment (for quick runs): LOAD_SECONDS (60), LOAD_CONNECTIONS (64), LOAD_THREADS (2),
OUTAGE_AFTER (15, seconds into the load), OUTAGE_SECONDS (20), RECOVERY_LIMIT (5).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.live_site import (
    ADVICE_PATH,
    UNCACHED_PATH,
    FeedbackForm,
    LiveSite,
    feedback_form,
    fetch,
    live_site,
    outage_problems,
    send_feedback,
    static_path,
    wait_for_recovery,
)
from bench.load_report import (
    Outage,
    WrkResult,
    feedback_problems,
    load_problems,
    parse_wrk_output,
    restart_problems,
    summary_lines,
    timeline_lines,
)
from scripts.site_server import ROOT

LUA_SCRIPT = Path(__file__).with_name("load.lua")


@dataclass(frozen=True)
class Settings:
    seconds: int
    connections: int
    threads: int
    outage_after: float
    outage_seconds: float
    recovery_limit: float

    @classmethod
    def from_env(cls) -> "Settings":
        def number(name: str, default: str) -> float:
            return float(os.environ.get(name, default))

        return cls(
            seconds=int(number("LOAD_SECONDS", "60")),
            connections=int(number("LOAD_CONNECTIONS", "64")),
            threads=int(number("LOAD_THREADS", "2")),
            outage_after=number("OUTAGE_AFTER", "15"),
            outage_seconds=number("OUTAGE_SECONDS", "20"),
            recovery_limit=number("RECOVERY_LIMIT", "5"),
        )


def wrk_command(settings: Settings, base: str, form: FeedbackForm, static: str) -> list[str]:
    return [
        "wrk",
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{settings.seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        base,
        "--",
        ADVICE_PATH,
        static,
        form.action,
        form.cookie,
        form.token,
    ]


def warm_up(base: str, static: str) -> None:
    """Every path of the mix answers 200 before the load starts (and both workers have the pages cached)."""
    for path in (ADVICE_PATH, "/", UNCACHED_PATH, static) * 10:
        answer = fetch(base + path)
        if answer.status != 200:
            raise SystemExit(f"{path} answered {answer.status} before the load started")


@dataclass
class OutageRecord:
    outage: Outage
    recovery_seconds: float
    rows_before: int
    rows_after: int
    accepted_before: set[str]
    missing_after: set[str]
    problems: list[str] = field(default_factory=list)


def run_outage(site: LiveSite, form: FeedbackForm, settings: Settings) -> OutageRecord:
    """While the load runs: feedback, stop PostgreSQL, probe, start it again, time the recovery."""
    time.sleep(settings.outage_after)
    comments = [f"accepted before the outage, number {n}" for n in range(5)]
    accepted = {c for n, c in enumerate(comments) if send_feedback(site.base, form, f"192.0.2.{n}", c).status == 200}
    rows_before = site.feedback_rows()
    stopped_at = time.time()
    site.cluster.stop(mode="immediate")
    problems: list[str] = []
    while time.time() < stopped_at + settings.outage_seconds - 2:
        problems += outage_problems(site.base, form, client="192.0.2.99")
        time.sleep(2)
    time.sleep(max(0.0, stopped_at + settings.outage_seconds - time.time()))
    site.cluster.start()
    recovery = wait_for_recovery(site.base)
    recovered_at = time.time()
    if recovery > settings.recovery_limit:
        problems.append(f"recovery took {recovery:.2f} s (limit {settings.recovery_limit} s)")
    missing = accepted - site.feedback_comments()
    if len(accepted) < len(comments):
        problems.append(f"only {len(accepted)} of {len(comments)} feedback answers were accepted before the outage")
    problems += [f"feedback accepted before the outage is missing: {comment!r}" for comment in sorted(missing)]
    return OutageRecord(
        Outage(stopped_at, recovered_at), recovery, rows_before, site.feedback_rows(), accepted, missing, problems
    )


def run(settings: Settings, with_outage: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="careers-load-") as workdir, live_site(Path(workdir)) as site:
        form = feedback_form(site.base)
        static = static_path(site.base)
        warm_up(site.base, static)
        workers_before = site.server.worker_pids()
        command = wrk_command(settings, site.base, form, static)
        wrk = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            record = run_outage(site, form, settings) if with_outage else None
            output, _ = wrk.communicate(timeout=settings.seconds + 60)
        finally:
            if wrk.poll() is None:
                wrk.kill()
                wrk.wait()
        workers_after = site.server.worker_pids()
        rows = site.feedback_rows()
        tracebacks = site.log.read_text(errors="replace").count("Traceback")
    result = parse_wrk_output(output)
    problems = load_problems(result, record.outage if record else None)
    problems += restart_problems(workers_before, workers_after)
    accepted = result.totals()["feedback 200"] + (len(record.accepted_before) if record else 0)
    problems += feedback_problems(accepted, rows)
    problems += [f"{tracebacks} tracebacks in gunicorn's log"] if tracebacks else []
    print(f"\nwrk: {settings.connections} connections, {settings.threads} threads, {settings.seconds} s")
    print("gunicorn.conf.py: 2 workers x 2 threads (gthread), max_requests off; PostgreSQL 15 (throwaway)")
    print("\n".join(summary_lines(result)))
    print(f"workers     {sorted(workers_before)} before, {sorted(workers_after)} after")
    print(f"feedback    {accepted:,} accepted (200), {rows:,} rows in the database at the end")
    if record:
        report_outage(result, record)
    return verdict(problems + (record.problems if record else []))


def report_outage(result: WrkResult, record: OutageRecord) -> None:
    print("\nOutage timeline (answers per phase; the seconds the database stopped and the site recovered are 'during')")
    print("\n".join(timeline_lines(result, record.outage)))
    print(f"recovery    {record.recovery_seconds:.2f} s after PostgreSQL accepted connections again (no restart)")
    print(
        f"feedback    {record.rows_before:,} rows just before the outage, {record.rows_after:,} after it; "
        f"{len(record.accepted_before) - len(record.missing_after)} of {len(record.accepted_before)} "
        "marked answers accepted before it still there"
    )


def verdict(problems: list[str]) -> int:
    if not problems:
        print("\nPASS")
        return 0
    counted: dict[str, int] = {}
    for problem in problems:
        counted[problem] = counted.get(problem, 0) + 1
    print("\nFAIL")
    for problem, times in counted.items():
        print(f"  {problem}" + (f" (x{times})" if times > 1 else ""))
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", action="store_true", help="stop PostgreSQL for OUTAGE_SECONDS mid-load")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    settings = Settings.from_env()
    if options.outage and settings.seconds < settings.outage_after + settings.outage_seconds + 10:
        raise SystemExit("LOAD_SECONDS must leave 10 s of load after OUTAGE_AFTER + OUTAGE_SECONDS")
    sys.exit(run(settings, options.outage))


if __name__ == "__main__":
    main()
