"""Reading what bench/load.lua tallied, and the verdict on a load or outage run.

An answer is named by what it is and its status: "page 200", "static 200",
"feedback 503" (see load.lua). A 5xx without Retry-After is named
"page-without-retry-after 503", so it is never expected.
"""

import json
from collections import Counter
from dataclasses import dataclass

MARKER = "LOAD-RESULT "
EXPECTED = frozenset({"page 200", "static 200", "feedback 200"})
# With the database down, pages not in the cache and feedback get a 503 (with Retry-After).
EXPECTED_DURING_OUTAGE = EXPECTED | {"page 503", "feedback 503"}
NEEDED_DURING_OUTAGE = ("page 200", "page 503", "feedback 503")


@dataclass(frozen=True)
class WrkResult:
    seconds: float
    requests: int
    failed: dict[str, int]  # connect, read, write, timeout
    latency_ms: dict[str, float]  # p50, p90, p99, max
    tally: dict[tuple[int, str], int]  # (Unix second, answer) -> how many

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def totals(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (_second, answer), count in self.tally.items():
            counts[answer] += count
        return counts


@dataclass(frozen=True)
class Outage:
    """Wall-clock times (time.time()) of the database outage, as the site saw it."""

    stopped_at: float  # stopping PostgreSQL began
    down_at: float  # it had stopped
    restarting_at: float  # starting it again began
    recovered_at: float  # readiness and an uncached page answered 200 again


def parse_wrk_output(output: str) -> WrkResult:
    line = next((line for line in output.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        raise ValueError(f"wrk printed no {MARKER.strip()} line: did it run bench/load.lua?\n{output[-2000:]}")
    data = json.loads(line.removeprefix(MARKER))
    tally: dict[tuple[int, str], int] = {}
    for key, count in data["counts"].items():
        second, answer = key.split(" ", 1)
        tally[(int(second), answer)] = count
    return WrkResult(
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        failed=data["errors"],
        latency_ms={name: micros / 1000 for name, micros in data["latency_us"].items()},
        tally=tally,
    )


def phase(second: int, outage: Outage | None) -> str:
    """Seconds that saw the database stop or the site recover count as "during", so their 503s are allowed."""
    if outage is None:
        return "whole run"
    if second < int(outage.stopped_at):
        return "before"
    if second > int(outage.recovered_at):
        return "after"
    return "during"


def per_phase(result: WrkResult, outage: Outage | None) -> dict[str, Counter[str]]:
    phases: dict[str, Counter[str]] = {}
    for (second, answer), count in sorted(result.tally.items()):
        phases.setdefault(phase(second, outage), Counter())[answer] += count
    return phases


def load_problems(result: WrkResult, outage: Outage | None) -> list[str]:
    """Failed requests, and answers not expected in their phase; an empty list is a pass."""
    problems = []
    failed = sum(result.failed.values())
    if failed:
        details = ", ".join(f"{kind} {count}" for kind, count in result.failed.items())
        problems.append(f"{failed} requests failed ({details})")
    if not result.requests:
        problems.append("wrk completed no requests")
    phases = per_phase(result, outage)
    for name, counts in phases.items():
        allowed = EXPECTED_DURING_OUTAGE if name == "during" else EXPECTED
        problems += [
            f"{count} unexpected '{answer}' ({name})" for answer, count in counts.items() if answer not in allowed
        ]
    if outage is not None:
        during = phases.get("during", Counter())
        problems += [f"no '{answer}' during the outage" for answer in NEEDED_DURING_OUTAGE if not during[answer]]
    return problems


def restart_problems(before: set[int], after: set[int]) -> list[str]:
    if before == after:
        return []
    return [f"gunicorn workers changed: {sorted(before)} before, {sorted(after)} after"]


def feedback_problems(accepted: int, rows: int) -> list[str]:
    """Every feedback answered 200 must be a row (a few more rows are POSTs still in flight when wrk stopped)."""
    return [] if rows >= accepted else [f"{accepted - rows} accepted feedback answers are missing from the database"]


def summary_lines(result: WrkResult) -> list[str]:
    latency = "  ".join(f"{name} {value:.1f} ms" for name, value in result.latency_ms.items())
    failed = ", ".join(f"{kind} {count}" for kind, count in result.failed.items())
    return [
        f"throughput  {result.throughput:,.0f} requests/s ({result.requests:,} in {result.seconds:.1f} s)",
        f"latency     {latency}",
        f"failed      {sum(result.failed.values())} ({failed})",
        f"answers     {_counts(result.totals())}",
    ]


def timeline_lines(result: WrkResult, outage: Outage) -> list[str]:
    lines = []
    for name, counts in per_phase(result, outage).items():
        seconds = len({second for second, _answer in result.tally if phase(second, outage) == name})
        lines.append(f"{name:<7} {seconds:>3} s  {_counts(counts)}")
    return lines


def _counts(counts: Counter[str]) -> str:
    return ", ".join(f"{answer}: {count:,}" for answer, count in sorted(counts.items()))


def outage_log_lines(log: str, service: str = "Database") -> tuple[int, int]:
    """How many "<service> unavailable" and "<service> available again" lines gunicorn's log holds."""
    return log.count(f"{service} unavailable:"), log.count(f"{service} available again:")


def outage_log_problems(log: str, workers: int, outage_seconds: float, service: str = "Database") -> list[str]:
    """An outage is logged once a minute per worker, and its end once (careers_site/http/outage.py): no flood."""
    unavailable, again = outage_log_lines(log, service)
    allowed = workers * (int(outage_seconds // 60) + 1)
    problems = []
    if not 1 <= unavailable <= allowed:
        problems.append(f"{unavailable} '{service} unavailable' lines in gunicorn's log (expected 1 to {allowed})")
    if not 1 <= again <= workers:
        problems.append(f"{again} '{service} available again' lines in gunicorn's log (expected 1 to {workers})")
    return problems
