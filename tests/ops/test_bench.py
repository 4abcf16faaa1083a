"""`make bench` runs from start to finish and reports every row.

A smoke test, not a timing: the numbers are not checked. It runs the real thing briefly (gunicorn with
production settings on SQLite, and wrk for a second per URL).
"""

import os
import re
import shutil
import subprocess

import pytest

from scripts.site_server import PYTHON, ROOT

pytestmark = pytest.mark.slow

ROWS = [
    "/healthz (floor)",
    "static CSS",
    "bare view (robots)",
    "home",
    "advice page",
    "search, repeated",
    "search, new query",
    "advice, with alert",
]


def test_the_benchmark_reports_every_row_with_no_errors() -> None:
    if not shutil.which("wrk"):
        if os.environ.get("CI"):
            pytest.fail("wrk is needed in CI (apt-get install wrk)")
        pytest.skip("wrk is not installed")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # a fresh SQLite file
    env.update(BENCH_SECONDS="2", BENCH_CONNECTIONS="4,8", BENCH_RUNS="1")
    done = subprocess.run(
        [PYTHON, "-m", "bench.run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout.split("x floor", 1)[1]
    for name in ROWS:
        row = re.search(rf"^{re.escape(name)}\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+(\d+)\s", table, re.MULTILINE)
        assert row, f"no row for {name}:\n{done.stdout}"
        assert float(row.group(1)) > 0 and row.group(2) == "0", row.group(0)
    assert "queries per advice page request: 2 uncached, 0 cached" in done.stdout
    assert re.search(r"gunicorn as shipped \(\d+ workers\)", done.stdout)
    for connections in (4, 8):  # the targets, at each connection count
        assert re.search(rf"^\s+1\s+{connections}\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+0  (met|MISSED)$", done.stdout, re.M)
    assert re.search(r"advice page weight, gzip \(HTML \+ CSS \+ JS\): [\d.]+ KB \(budget 15 KB\)", done.stdout)
