"""The site served by gunicorn with production settings, for benchmarks, load runs and tests.

One place for what bench/run.py, bench/load.py and tests/services.py all need: a
production environment over plain HTTP on 127.0.0.1, `manage.py` commands, and a
gunicorn started on a free port, waited for, and stopped by its PID.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.pg_cluster import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

__all__ = ["ROOT", "Server", "free_port", "gunicorn", "manage", "prepare_site", "production_env", "wait_until"]


def production_env(**overrides: str) -> dict[str, str]:
    """Production settings (debug off, a throwaway secret key) for a plain-HTTP run on 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DJANGO_SECRET_KEY="throwaway-" + os.urandom(16).hex(),
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def prepare_site(env: dict[str, str], collect_static: bool = True) -> None:
    """Migrate, load the shipped content and (unless the caller already did) collect the static files."""
    manage(env, "migrate", "--no-input")
    manage(env, "load_content")
    if collect_static:
        manage(env, "collectstatic", "--no-input")


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not become ready within {timeout} seconds")


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except OSError:  # URLError and HTTPError are OSErrors
        return False
    return True


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    workers: int

    def worker_pids(self) -> set[int]:
        """The master's child processes: gunicorn's workers. A changed set means a worker was replaced."""
        pids: set[int] = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)": state, parent pid
            except (OSError, IndexError):  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:
                pids.add(int(stat.parent.name))
        return pids


def _started(server: Server) -> bool:
    """Every worker is up (so worker_pids() is complete) and the site answers."""
    if server.process.poll() is not None:
        raise RuntimeError(f"gunicorn exited with status {server.process.returncode} while starting")
    return len(server.worker_pids()) == server.workers and answers(server.base + "/healthz")


@contextmanager
def gunicorn(
    env: dict[str, str], workers: int = 2, args: tuple[str, ...] = (), log: Path | None = None
) -> Iterator[Server]:
    """gunicorn serving the site on a free port of 127.0.0.1 with `args` (e.g. `--config gunicorn.conf.py`).

    Output goes to `log` when given (the caller reads it afterwards), else to this process's output.
    """
    port = free_port()
    # The `gunicorn` script, as the Dockerfile's CMD runs it: a USR2 upgrade re-runs the same command line, and
    # `python -m gunicorn` would come back as gunicorn/__main__.py, whose folder hides the standard `http` module.
    script = Path(PYTHON).with_name("gunicorn")
    command = (
        [str(script), "careers_site.wsgi", *args]
        if script.exists()
        else [PYTHON, "-m", "gunicorn", "careers_site.wsgi", *args]
    )
    # After `args`: command-line options override the config file's bind and worker count.
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    output = log.open("ab") if log else None
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    server = Server(process=process, base=f"http://127.0.0.1:{port}", workers=workers)
    try:
        wait_until(lambda: _started(server), 60, "gunicorn")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if output:
            output.close()
