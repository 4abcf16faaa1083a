"""The load script's verdict (bench/load_report.py), on wrk output as bench/load.lua prints it."""

import json

import pytest

from bench.load_report import (
    Outage,
    feedback_problems,
    load_problems,
    outage_log_problems,
    parse_wrk_output,
    per_phase,
    restart_problems,
    timeline_lines,
)

OUTAGE = Outage(stopped_at=1_000_010.4, down_at=1_000_010.5, restarting_at=1_000_030.6, recovered_at=1_000_031.2)


def wrk_output(counts: dict[str, int], **errors: int) -> str:
    failed = {"connect": 0, "read": 0, "write": 0, "timeout": 0} | errors
    result = {
        "duration_us": 2_000_000,
        "requests": sum(counts.values()),
        "errors": failed,
        "latency_us": {"p50": 1500, "p90": 4000, "p99": 12500, "max": 80000},
        "counts": counts,
    }
    return (
        f"Running 2s test @ http://127.0.0.1:8000\n  2 threads and 64 connections\nLOAD-RESULT {json.dumps(result)}\n"
    )


def test_the_tally_is_read_with_throughput_and_latency_in_milliseconds() -> None:
    result = parse_wrk_output(wrk_output({"1000000 page 200": 30, "1000001 page 200": 10, "1000001 feedback 200": 2}))
    assert result.throughput == 21.0
    assert result.latency_ms == {"p50": 1.5, "p90": 4.0, "p99": 12.5, "max": 80.0}
    assert result.totals() == {"page 200": 40, "feedback 200": 2}
    assert load_problems(result, outage=None) == []


def test_output_without_the_result_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="LOAD-RESULT"):
        parse_wrk_output("Running 2s test @ http://127.0.0.1:8000\nRequests/sec: 100\n")


def test_failed_requests_and_unexpected_statuses_fail_a_load_run() -> None:
    result = parse_wrk_output(
        wrk_output({"1000000 page 200": 5, "1000000 page 500": 1, "1000001 feedback 429": 3}, timeout=2)
    )
    assert load_problems(result, outage=None) == [
        "2 requests failed (connect 0, read 0, write 0, timeout 2)",
        "1 unexpected 'page 500' (whole run)",
        "3 unexpected 'feedback 429' (whole run)",
    ]


def test_503s_are_expected_only_while_the_database_is_down() -> None:
    counts = {
        "1000009 page 200": 50,
        "1000009 page 503": 1,  # before the outage
        "1000010 page 503": 4,  # the second it stopped: during
        "1000020 page 200": 40,
        "1000020 feedback 503": 2,
        "1000031 page 503": 3,  # the second it recovered: during
        "1000032 feedback 503": 1,  # after
        "1000032 page 200": 20,
    }
    result = parse_wrk_output(wrk_output(counts))
    assert per_phase(result, OUTAGE) == {
        "before": {"page 200": 50, "page 503": 1},
        "during": {"page 503": 7, "page 200": 40, "feedback 503": 2},
        "after": {"feedback 503": 1, "page 200": 20},
    }
    assert load_problems(result, OUTAGE) == ["1 unexpected 'page 503' (before)", "1 unexpected 'feedback 503' (after)"]
    assert timeline_lines(result, OUTAGE)[1] == "during    3 s  feedback 503: 2, page 200: 40, page 503: 7"


def test_an_outage_needs_cached_pages_served_and_the_rest_refused_with_retry_after() -> None:
    counts = {"1000015 page 500": 3, "1000016 page-without-retry-after 503": 2, "1000017 static 200": 9}
    problems = load_problems(parse_wrk_output(wrk_output(counts)), OUTAGE)
    assert problems == [
        "3 unexpected 'page 500' (during)",
        "2 unexpected 'page-without-retry-after 503' (during)",
        "no 'page 200' during the outage",
        "no 'page 503' during the outage",
        "no 'feedback 503' during the outage",
    ]


def test_replaced_workers_and_lost_feedback_are_problems() -> None:
    assert restart_problems({101, 102}, {101, 102}) == []
    assert restart_problems({101, 102}, {101, 103}) == ["gunicorn workers changed: [101, 102] before, [101, 103] after"]
    assert feedback_problems(accepted=120, rows=123) == []  # POSTs in flight when wrk stopped
    assert feedback_problems(accepted=120, rows=118) == ["2 accepted feedback answers are missing from the database"]


def test_an_outage_is_logged_once_a_minute_per_worker_and_its_end_once() -> None:
    line = "2026-11-28 ERROR careers_site.http.outage Database unavailable: 812 failure(s) since the last report\n"
    again = "2026-11-28 WARNING careers_site.http.outage Database available again: 3 more failure(s)\n"
    assert outage_log_problems(line * 2 + again * 2, workers=2, outage_seconds=20) == []
    assert outage_log_problems(line * 4 + again * 2, workers=2, outage_seconds=90) == []  # two minutes started
    assert outage_log_problems(line * 3 + again, workers=2, outage_seconds=20) == [
        "3 'Database unavailable' lines in gunicorn's log (expected 1 to 2)"
    ]
    assert outage_log_problems(line * 2 + again * 3, workers=2, outage_seconds=20) == [
        "3 'Database available again' lines in gunicorn's log (expected 1 to 2)"
    ]
    assert outage_log_problems("", workers=2, outage_seconds=20) == [
        "0 'Database unavailable' lines in gunicorn's log (expected 1 to 2)",
        "0 'Database available again' lines in gunicorn's log (expected 1 to 2)",
    ]
