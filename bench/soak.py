"""make soak: mixed reader load on gunicorn as shipped, at 256 connections for SOAK_SECONDS (600), reporting
errors and how the workers' memory moved from the first minute to the last.

Passes (exit 0) with no failed request and less than 10% growth in the workers' mean resident memory. A
worker replaced by gunicorn's own recycling (max_requests) is measured as it comes; the mean covers every
worker alive at each sample, taken every SAMPLE_SECONDS from /proc.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.run import SHIPPED_ARGS, _errors, bench_env, shipped_workers, static_css_path, warm_up
from scripts.site_server import ROOT, Server, gunicorn, prepare_site

SOAK_SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "256"))
SAMPLE_SECONDS = 2.0
GROWTH_LIMIT = 0.10


def mean_worker_rss_kib(server: Server) -> float:
    sizes = []
    for pid in server.worker_pids():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # the worker was replaced meanwhile
            continue
        sizes.extend(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return sum(sizes) / len(sizes) if sizes else 0.0


def sample_memory(server: Server, stop: threading.Event, samples: list[tuple[float, float]]) -> None:
    started = time.monotonic()
    while not stop.wait(SAMPLE_SECONDS):
        samples.append((time.monotonic() - started, mean_worker_rss_kib(server)))


def window_means(samples: list[tuple[float, float]], seconds: float) -> tuple[float, float]:
    """Mean memory over the first and the last window (a minute, or a fifth of a shorter run)."""
    window = min(60.0, seconds / 5)
    first = [rss for at, rss in samples if at <= window]
    last = [rss for at, rss in samples if at >= seconds - window]
    return sum(first) / len(first), sum(last) / len(last)


def main() -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="careers-soak-"))
    env = bench_env(workdir)
    prepare_site(env)
    try:
        with gunicorn(env, workers=shipped_workers(), args=SHIPPED_ARGS, log=workdir / "gunicorn.log") as server:
            css = static_css_path()
            for path in ("/", "/plan-your-career/micro-credentials/", "/search/?q=credits", css):
                warm_up(server.base + path)
            samples: list[tuple[float, float]] = []
            stop = threading.Event()
            sampler = threading.Thread(target=sample_memory, args=(server, stop, samples), daemon=True)
            sampler.start()
            command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SOAK_SECONDS}s", "--timeout", "10s"]
            command += ["--script", str(ROOT / "bench" / "soak.lua"), server.base + css]
            output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=SOAK_SECONDS + 60)
            stop.set()
            sampler.join()
        return report(output.stdout, samples)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(wrk_output: str, samples: list[tuple[float, float]]) -> int:
    errors = _errors(wrk_output)
    requests = next(line for line in wrk_output.splitlines() if "requests in" in line).strip()
    first, last = window_means(samples, SOAK_SECONDS)
    growth = (last - first) / first
    print(f"\nsoak: gunicorn as shipped, wrk {CONNECTIONS} connections x {SOAK_SECONDS}s, mixed reader pages")
    print(f"requests: {requests}; failed: {errors}")
    print(f"worker memory (mean RSS): first window {first / 1024:.1f} MiB, last {last / 1024:.1f} MiB, {growth:+.1%}")
    passed = errors == 0 and growth < GROWTH_LIMIT
    print(f"soak {'passed' if passed else 'FAILED'}: 0 errors and growth under {GROWTH_LIMIT:.0%} required")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
