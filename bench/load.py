"""Load and database-outage run: gunicorn with production settings on a throwaway PostgreSQL, driven by wrk.

Usage: make load (or python -m bench.load), and make outage (python -m bench.load --outage).

It starts a throwaway PostgreSQL 15 cluster, loads the shipped content, collects the static
files, starts gunicorn with gunicorn.conf.py (2 workers, plain HTTP on 127.0.0.1, see
live_site.GUNICORN_ARGS for what differs) and runs wrk with bench/load.lua: a mix of advice
page, home, a new search, the CSS file and now and then a feedback POST. It prints throughput,
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

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
    outage_log_lines,
    outage_log_problems,
    parse_wrk_output,
    restart_problems,
    summary_lines,
    timeline_lines,
)
from scripts.redis_server import RedisServer

LUA_SCRIPT = Path(__file__).with_name("load.lua")
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    seconds: int = 60
    connections: int = 64
    threads: int = 2
    outage_after: float = 15
    outage_seconds: float = 20
    recovery_limit: float = 5

    @classmethod
    def from_env(cls) -> "Settings":
        default = cls()
        return cls(
            seconds=int(os.environ.get("LOAD_SECONDS", default.seconds)),
            connections=int(os.environ.get("LOAD_CONNECTIONS", default.connections)),
            threads=int(os.environ.get("LOAD_THREADS", default.threads)),
            outage_after=float(os.environ.get("OUTAGE_AFTER", default.outage_after)),
            outage_seconds=float(os.environ.get("OUTAGE_SECONDS", default.outage_seconds)),
            recovery_limit=float(os.environ.get("RECOVERY_LIMIT", default.recovery_limit)),
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
        form.origin,
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
    rows_before: int  # feedback rows just before PostgreSQL stopped
    rows_kept: int  # rows with those ids after it came back
    marked: dict[str, bool]  # feedback sent just before the outage: found afterwards?
    problems: list[str] = field(default_factory=list)


def run_outage(site: LiveSite, form: FeedbackForm, settings: Settings) -> OutageRecord:
    """While the load runs: marked feedback, the outage, then what is left of the feedback from before it."""
    time.sleep(settings.outage_after)
    marked = [f"marked feedback sent before the outage, number {n}" for n in range(5)]
    problems = [
        f"{comment!r} was not accepted before the outage"
        for n, comment in enumerate(marked)
        if send_feedback(site.base, form, f"192.0.2.{n}", comment).status != 200
    ]
    last_id, rows_before = site.feedback_snapshot()
    window, recovery, seen_during = stop_database(site, form, settings.outage_seconds)
    comments = site.feedback_comments()
    found = {comment: comment in comments for comment in marked}
    record = OutageRecord(window, recovery, rows_before, site.feedback_rows(up_to_id=last_id), found)
    record.problems = problems + seen_during + outage_record_problems(record, settings.recovery_limit)
    return record


def stop_database(site: LiveSite, form: FeedbackForm, seconds: float) -> tuple[Outage, float, list[str]]:
    """Stop PostgreSQL for `seconds`, checking the site every 2 s; start it again and time the recovery."""
    problems: list[str] = []
    stopped_at = time.time()
    site.cluster.stop(mode="immediate")  # as in a crash
    down_at = time.time()
    while time.time() < stopped_at + seconds - 2:
        problems += outage_problems(site.base, form, client="192.0.2.99")
        time.sleep(2)
    time.sleep(max(0.0, stopped_at + seconds - time.time()))
    restarting_at = time.time()
    site.cluster.start()
    try:
        recovery = wait_for_recovery(site.base)
    except TimeoutError as error:
        recovery = float("inf")
        problems.append(str(error))
    return Outage(stopped_at, down_at, restarting_at, recovered_at=time.time()), recovery, problems


def stop_redis(site: LiveSite, redis: RedisServer, settings: Settings) -> tuple[Outage, list[str]]:
    """Stop Redis for OUTAGE_SECONDS while the load runs: every page must still answer 200, from the database."""
    time.sleep(settings.outage_after)
    problems: list[str] = []
    stopped_at = time.time()
    redis.stop()
    down_at = time.time()
    while time.time() < stopped_at + settings.outage_seconds - 2:
        for path in (ADVICE_PATH, UNCACHED_PATH, "/search/?q=credits"):
            status = fetch(site.base + path).status
            if status != 200:
                problems.append(f"{path} answered {status} while Redis was down")
        time.sleep(2)
    time.sleep(max(0.0, stopped_at + settings.outage_seconds - time.time()))
    restarting_at = time.time()
    redis.start()
    time.sleep(6)  # each worker leaves Redis alone for 5 s after a failure, then uses it again
    return Outage(stopped_at, down_at, restarting_at, recovered_at=time.time()), problems


def run_with_redis_outage(settings: Settings) -> int:
    """make outage-redis: the mixed load on a site using Redis, with Redis stopped in the middle."""
    with (
        tempfile.TemporaryDirectory(prefix="careers-load-") as workdir,
        RedisServer() as redis,
        live_site(Path(workdir), REDIS_URL=redis.url) as site,
    ):
        load, (outage, problems) = drive(site, settings, lambda form: stop_redis(site, redis, settings))
    result = parse_wrk_output(load.output)
    accepted = result.totals()["feedback 200"]
    # Nothing may fail while Redis is down: no phase allows anything but the usual answers.
    problems += load_problems(result, None) + restart_problems(*load.workers) + feedback_problems(accepted, load.rows)
    problems += outage_log_problems(load.log, len(load.workers[0]), settings.outage_seconds, service="Redis")
    feedback = f"{accepted:,} accepted (200), {load.rows:,} rows in the database at the end"
    report_load(settings, result, load.workers, feedback)
    print("\nRedis outage timeline (answers per phase)")
    print("\n".join(timeline_lines(result, outage)))
    unavailable, again = outage_log_lines(load.log, "Redis")
    print(f"log         {unavailable} 'Redis unavailable' and {again} 'Redis available again' line(s)")
    return verdict(problems)


def outage_record_problems(record: OutageRecord, recovery_limit: float) -> list[str]:
    problems = [f"lost feedback sent before the outage: {c!r}" for c, found in record.marked.items() if not found]
    # More is fine: an insert in flight when the rows were counted can commit just after.
    if record.rows_kept < record.rows_before:
        problems.append(f"{record.rows_before - record.rows_kept} feedback rows from before the outage are gone")
    if record.recovery_seconds > recovery_limit:
        problems.append(f"recovery took {record.recovery_seconds:.2f} s (limit {recovery_limit} s)")
    return problems


@dataclass
class LoadRun:
    """What one wrk run left: its output, the worker pids before and after, feedback rows, gunicorn's log."""

    output: str
    workers: tuple[set[int], set[int]]
    rows: int
    log: str


def drive(site: LiveSite, settings: Settings, during: Callable[[FeedbackForm], T]) -> tuple[LoadRun, T]:
    """Warm the site up and run the mixed load on it, calling `during` while wrk runs; returns both results."""
    form = feedback_form(site.base)
    static = static_path(site.base)
    warm_up(site.base, static)
    workers_before = site.server.worker_pids()
    wrk = subprocess.Popen(wrk_command(settings, site.base, form, static), stdout=subprocess.PIPE, text=True)
    try:
        meanwhile = during(form)
        output, _ = wrk.communicate(timeout=settings.seconds + 60)
    finally:
        if wrk.poll() is None:
            wrk.kill()
            wrk.wait()
    workers = (workers_before, site.server.worker_pids())
    return LoadRun(output, workers, site.feedback_rows(), site.log.read_text(errors="replace")), meanwhile


def run(settings: Settings, with_outage: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="careers-load-") as workdir, live_site(Path(workdir)) as site:
        load, record = drive(site, settings, lambda form: run_outage(site, form, settings) if with_outage else None)
    tracebacks = load.log.count("Traceback")
    result = parse_wrk_output(load.output)
    accepted = result.totals()["feedback 200"] + (len(record.marked) if record else 0)
    problems = load_problems(result, record.outage if record else None) + restart_problems(*load.workers)
    problems += feedback_problems(accepted, load.rows) + (
        [f"{tracebacks} tracebacks in gunicorn's log"] if tracebacks else []
    )
    feedback = f"{accepted:,} accepted (200), {load.rows:,} rows in the database at the end"
    report_load(settings, result, load.workers, feedback)
    if record:
        report_outage(result, record)
        unavailable, again = outage_log_lines(load.log)
        print(f"log         {unavailable} 'Database unavailable' and {again} 'Database available again' line(s)")
        problems += record.problems + outage_log_problems(load.log, len(load.workers[0]), settings.outage_seconds)
    return verdict(problems)


def report_load(settings: Settings, result: WrkResult, workers: tuple[set[int], set[int]], feedback: str) -> None:
    print(f"\nwrk: {settings.connections} connections, {settings.threads} threads, {settings.seconds} s")
    print("gunicorn.conf.py: 2 workers x 2 threads (gthread), max_requests off; PostgreSQL 15 (throwaway)")
    print("\n".join(summary_lines(result)))
    print(f"workers     {sorted(workers[0])} before, {sorted(workers[1])} after")
    print(f"feedback    {feedback}")


def report_outage(result: WrkResult, record: OutageRecord) -> None:
    print("\nOutage timeline (answers per phase; the seconds the database stopped and the site recovered are 'during')")
    print("\n".join(timeline_lines(result, record.outage)))
    print(f"recovery    {record.recovery_seconds:.2f} s after PostgreSQL accepted connections again")
    found = sum(record.marked.values())
    print(
        f"feedback    {record.rows_before:,} rows just before the outage, {record.rows_kept:,} with those ids after it"
    )
    print(f"            {found} of {len(record.marked)} marked answers sent just before the outage found after it")


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
    parser.add_argument("--redis-outage", action="store_true", help="use Redis, and stop it for OUTAGE_SECONDS")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    settings = Settings.from_env()
    outage = options.outage or options.redis_outage
    if outage and settings.seconds < settings.outage_after + settings.outage_seconds + 10:
        raise SystemExit("LOAD_SECONDS must leave 10 s of load after OUTAGE_AFTER + OUTAGE_SECONDS")
    sys.exit(run_with_redis_outage(settings) if options.redis_outage else run(settings, options.outage))


if __name__ == "__main__":
    main()
