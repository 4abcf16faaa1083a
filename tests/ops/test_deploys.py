"""Deploys and long runs lose nothing: a rolling restart under load (gunicorn's HUP, and a USR2 binary upgrade)
fails no request, and the soak run reports its numbers. Real gunicorn as shipped, real load, on 127.0.0.1."""

import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.run import SHIPPED_ARGS
from scripts.site_server import PYTHON, ROOT, Server, gunicorn, prepare_site, production_env, wait_until

pytestmark = pytest.mark.slow
PAGES = ["/", "/plan-your-career/micro-credentials/", "/contact/", "/healthz"]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("deploys")
    env = production_env(DATABASE_URL=f"sqlite:///{workdir / 'deploys.sqlite3'}", WEB_CONCURRENCY="2")
    prepare_site(env)
    return env


class Load:
    """Readers asking for pages from 4 threads until stopped (at most 60 s): every answer not 200 is kept."""

    def __init__(self, base: str) -> None:
        self.base, self.sent, self.failures = base, 0, []  # type: ignore[var-annotated]
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(4)]

    def _run(self, number: int) -> None:
        deadline = time.monotonic() + 60
        count = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            path = PAGES[(number + count) % len(PAGES)]
            count += 1
            try:
                with urllib.request.urlopen(self.base + path, timeout=10) as response:
                    response.read()
                    if response.status != 200:
                        self.failures.append(f"{path}: {response.status}")
            except (urllib.error.URLError, OSError) as error:
                self.failures.append(f"{path}: {error}")
            self.sent += 1

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=20)


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    pidfile = tmp_path / "gunicorn.pid"
    with gunicorn(env, workers=2, args=(*SHIPPED_ARGS, "--pid", str(pidfile)), log=tmp_path / "g.log") as started:
        yield started, pidfile


def test_a_hup_restart_under_load_fails_no_request(server: tuple[Server, Path]) -> None:
    site, _pidfile = server
    before = site.worker_pids()
    with Load(site.base) as load:
        time.sleep(1)
        site.process.send_signal(signal.SIGHUP)  # new workers with the new code, the old ones finish their requests
        wait_until(lambda: site.worker_pids().isdisjoint(before) and len(site.worker_pids()) == 2, 30, "new workers")
        time.sleep(1)
    assert load.sent > 50
    assert load.failures == []


def test_a_usr2_binary_upgrade_under_load_fails_no_request(server: tuple[Server, Path]) -> None:
    site, pidfile = server
    old_master = site.process.pid
    new_master = None
    try:
        with Load(site.base) as load:
            time.sleep(1)
            site.process.send_signal(signal.SIGUSR2)  # a new master on the same socket, started by the old one
            wait_until(lambda: _new_master(pidfile, old_master) is not None, 30, "the new master")
            new_master = _new_master(pidfile, old_master)
            assert new_master is not None
            wait_until(lambda: _children(new_master) >= 2, 30, "the new master's workers")
            site.process.send_signal(signal.SIGTERM)  # the old master finishes its requests and leaves
            site.process.wait(timeout=40)
            time.sleep(1)
        assert load.sent > 50
        assert load.failures == []
        assert running(new_master)
    finally:
        if new_master is not None and running(new_master):
            os.kill(new_master, signal.SIGTERM)


def _new_master(pidfile: Path, old_master: int) -> int | None:
    """The upgraded master's PID, from the pid file it writes beside the old one (gunicorn.pid.2 in gunicorn 27)."""
    for path in pidfile.parent.glob(pidfile.name + "*"):
        text = path.read_text().strip()
        if text.isdigit() and int(text) != old_master:
            return int(text)
    return None


def _children(pid: int) -> int:
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                count += 1
        except (OSError, IndexError, ValueError):
            continue
    return count


def test_the_soak_run_reports_errors_and_memory_growth() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(SOAK_SECONDS="15", SOAK_CONNECTIONS="64")
    done = subprocess.run(
        [PYTHON, "-m", "bench.soak"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert re.search(r"requests: \d+ requests in [\d.]+s, .*; failed: 0", done.stdout), done.stdout + done.stderr
    assert re.search(r"worker memory \(mean RSS\): first window [\d.]+ MiB, last [\d.]+ MiB, [+-][\d.]+%", done.stdout)
    assert done.returncode == 0, done.stdout
