"""Benchmark: gunicorn with production settings, driven by wrk, reported as ratios to /healthz.

Usage: make bench, or python -m bench.run  (PostgreSQL when DATABASE_URL is set, else a fresh SQLite file).
Numbers from a shared machine are noisy, so every page is compared with the floor (/healthz, a bare Django view
through the same middleware) measured beside it: floor, page, page, floor, each for half of BENCH_SECONDS. A
machine that speeds up or slows down during the measurement then weighs on the floor and the page alike (an
ABBA design), where measuring one after the other would put all of the drift into the ratio.
"""

import gzip
import json
import os
import re
import runpy
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from scripts.site_server import PYTHON, ROOT, gunicorn, manage, prepare_site, production_env

WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# The targets must hold at each of these connection counts, in each of RUNS runs.
CONNECTION_COUNTS = [int(count) for count in os.environ.get("BENCH_CONNECTIONS", "32,256").split(",")]
CONNECTIONS = CONNECTION_COUNTS[0]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGE_TARGET, P99_TARGET = 0.9, 1.5
ADVICE_PAGE = "/plan-your-career/micro-credentials/"
SEARCH = "/search/?q=credits"
# The search target applies to both rows: a repeated query (answered by the page cache after the first
# time) and one no one has made before (which always reaches the database).
TARGETS = {
    "advice page": 0.9,
    "advice, with alert": 0.9,
    "home": 0.9,
    "search, repeated": 0.3,
    "search, new query": 0.3,
}


def bench_env(workdir: Path) -> dict[str, str]:
    env = production_env()
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    return env


# Exactly the Dockerfile's CMD: the shipped gunicorn.conf.py, access log included (written to a file here).
# gunicorn() adds only --bind and --workers, with the config's own default worker count.
SHIPPED_ARGS = ("--config", "gunicorn.conf.py")


def shipped_workers() -> int:
    """The worker count gunicorn.conf.py chooses on this machine (WEB_CONCURRENCY, else its default)."""
    return int(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"])


def static_css_path() -> str:
    """The hashed URL of the site's CSS, as pages link to it (after collectstatic)."""
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def warm_up(url: str) -> bool:
    try:
        for _ in range(20):
            urllib.request.urlopen(url).read()
    except urllib.error.HTTPError as error:
        print(f"skipping {url}: it answered {error.code}")
        return False
    return True


def run_wrk(url: str, script: str = "", connections: int = CONNECTIONS, seconds: int = WRK_SECONDS) -> dict[str, float]:
    options = ["--script", str(ROOT / "bench" / script)] if script else []
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", *options, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": _latency_ms(output, "50%"),
        "p99": _latency_ms(output, "99%"),
        "errors": _errors(output),
    }


Measured = dict[str, float]


def paired(base: str, path: str, connections: int = CONNECTIONS, script: str = "") -> tuple[Measured, Measured]:
    """The floor and the page, measured floor, page, page, floor (half of WRK_SECONDS each): each is the mean of
    its two windows (errors added up), so drift in the machine's speed falls on both alike."""
    half = max(WRK_SECONDS // 2, 1)
    first_floor = run_wrk(base + "/healthz", connections=connections, seconds=half)
    pages = [run_wrk(base + path, script, connections, half) for _ in range(2)]
    last_floor = run_wrk(base + "/healthz", connections=connections, seconds=half)
    return _mean(first_floor, last_floor), _mean(*pages)


def _mean(*measured: Measured) -> Measured:
    """The mean of each figure, except errors, which are added up."""
    mean = {key: sum(one[key] for one in measured) / len(measured) for key in measured[0]}
    mean["errors"] = sum(one["errors"] for one in measured)
    return mean


def _latency_ms(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _errors(output: str) -> int:
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    count = int(non_2xx.group(1)) if non_2xx else 0
    return count + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0)


def page_weight(base: str, path: str) -> int:
    """Compressed bytes of the page plus the CSS and JavaScript it references."""
    html = urllib.request.urlopen(base + path).read()
    total = len(gzip.compress(html))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        total += len(gzip.compress(urllib.request.urlopen(base + asset.decode()).read()))
    return total


def query_counts(env: dict[str, str], path: str) -> str:
    env = dict(env, DJANGO_SETTINGS_MODULE="careers_site.settings", DJANGO_ALLOWED_HOSTS="testserver")
    command = [PYTHON, "bench/query_counts.py", path]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()


# A contact-centre closure, shown from now until a week ahead (the wording changes with the clock).
BENCH_ALERT_EMAIL = "bench@careers.example.govt.nz"
CLOSURE_ALERT = f"""
import datetime
from django.utils import timezone
from microcredentials.models import SiteAlert
now = timezone.now()
SiteAlert.objects.create(
    kind=SiteAlert.Kind.CLOSURE, show_from=now, closes_at=now + datetime.timedelta(days=6),
    reopens_at=now + datetime.timedelta(days=7), contact_email="{BENCH_ALERT_EMAIL}",
)
"""


def post_closure_alert(env: dict[str, str]) -> None:
    manage(env, "shell", "--no-imports", "-c", CLOSURE_ALERT)


def remove_closure_alert(env: dict[str, str]) -> None:
    code = "from microcredentials.models import SiteAlert; SiteAlert.objects.filter(contact_email=%r).delete()"
    manage(env, "shell", "--no-imports", "-c", code % BENCH_ALERT_EMAIL)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="careers-bench-"))
    env = bench_env(workdir)
    prepare_site(env)
    try:
        with gunicorn(env, workers=shipped_workers(), args=SHIPPED_ARGS, log=workdir / "gunicorn.log") as server:
            base = server.base
            targets = target_runs(base)
            urls = {
                "static CSS": static_css_path(),
                # A plain view through every middleware, URL routing included: for comparison only.
                "bare view (robots)": "/robots.txt",
                "home": "/",
                "advice page": ADVICE_PAGE,
                "search, repeated": SEARCH,
            }
            warm_up(base + "/healthz")
            urls = {name: path for name, path in urls.items() if warm_up(base + path)}
            results = {name: paired(base, path) for name, path in urls.items()}
            results["search, new query"] = paired(base, SEARCH, script="fresh_search.lua")
            post_closure_alert(env)  # as above every page most days: the alert hole is filled per request
            try:
                if warm_up(base + ADVICE_PAGE):
                    results["advice, with alert"] = paired(base, ADVICE_PAGE)
            finally:
                remove_closure_alert(env)  # leaves DATABASE_URL as it was, and the report as without an alert
            report(results, env, base)
            report_targets(targets)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def target_runs(base: str) -> list[tuple[int, int, Measured, Measured]]:
    """(run, connections, floor, advice page) for every run and connection count: the issue's targets."""
    warm_up(base + "/healthz")
    warm_up(base + ADVICE_PAGE)
    return [
        (run, connections, *paired(base, ADVICE_PAGE, connections))
        for run in range(1, RUNS + 1)
        for connections in CONNECTION_COUNTS
    ]


def report_targets(rows: list[tuple[int, int, Measured, Measured]]) -> None:
    print(f"\nadvice page against /healthz, as shipped: >= {PAGE_TARGET}x the floor, p99 <= {P99_TARGET}x")
    heading = f"{'run':>4}{'conns':>7}{'floor req/s':>13}{'page req/s':>12}{'x floor':>9}{'p99 x':>8}{'errors':>8}"
    print(f"{heading}  verdict")
    for run, connections, floor, page in rows:
        ratio, p99_ratio = page["rps"] / floor["rps"], page["p99"] / floor["p99"]
        met = ratio >= PAGE_TARGET and p99_ratio <= P99_TARGET and floor["errors"] + page["errors"] == 0
        print(
            f"{run:>4}{connections:>7}{floor['rps']:>13.0f}{page['rps']:>12.0f}{ratio:>9.2f}{p99_ratio:>8.2f}"
            f"{floor['errors'] + page['errors']:>8.0f}  {'met' if met else 'MISSED'}"
        )


def report(results: dict[str, tuple[Measured, Measured]], env: dict[str, str], base: str) -> None:
    """Each row against the floor measured beside it; the floor's row is the mean of all of those."""
    floor_row = _mean(*(floor for floor, _row in results.values()))
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    workers = shipped_workers()
    print(f"\ngunicorn as shipped ({workers} workers), wrk {CONNECTIONS} connections x {WRK_SECONDS}s, {database}")
    print(f"{'URL':<18}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'x floor':>9}{'p99 x':>8}  target")
    for name, (floor, row) in {"/healthz (floor)": (floor_row, floor_row), **results}.items():
        ratio, p99_ratio = row["rps"] / floor["rps"], row["p99"] / floor["p99"]
        target = TARGETS.get(name)
        verdict = "" if target is None else f">= {target}x {'met' if ratio >= target else 'MISSED'}"
        print(
            f"{name:<18}{row['rps']:>10.0f}{row['p50']:>9.2f}{row['p99']:>9.2f}{row['errors']:>8.0f}"
            f"{ratio:>9.2f}{p99_ratio:>8.2f}  {verdict}"
        )
    print(f"\nqueries per advice page request: {query_counts(env, ADVICE_PAGE)}")
    weight = page_weight(base, ADVICE_PAGE)
    print(f"advice page weight, gzip (HTML + CSS + JS): {weight / 1024:.1f} KB (budget 15 KB)")


if __name__ == "__main__":
    main()
