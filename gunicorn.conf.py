"""Gunicorn settings for production: `gunicorn --config gunicorn.conf.py careers_site.wsgi`.

Environment: PORT (default 8000), WEB_CONCURRENCY (worker processes, default
2 x CPUs + 1, at most 8), GUNICORN_THREADS (threads per worker, default 1: sync workers).

Chosen from measurements (make bench, docs/benchmarks.md): sync workers with no recycling serve the advice
page at 0.9x /healthz or better, with p99 within 1.5x, at 32 and at 256 connections. Threaded workers with
keep-alive swung between two speeds from run to run, and recycling every 1,000 requests restarted each
worker about once a second under load, emptying its in-process caches. Sync workers rely on a buffering
proxy in front for slow clients: nginx (deploy/nginx.conf) or the load balancer.
Gunicorn's own GUNICORN_CMD_ARGS overrides anything here, e.g.
GUNICORN_CMD_ARGS="--bind 127.0.0.1:8001" to listen on the loopback only.
"""

import gc
import os
import shutil
import tempfile
from pathlib import Path

from careers_site.env import env_int, env_str

MAX_DEFAULT_WORKERS = 8  # more rarely helps one container; run more containers instead


def _default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ValueError(f"{name} must be 1 or more, not {value}.")
    return value


bind = [f"0.0.0.0:{_positive('PORT', 8000)}"]
workers = _positive("WEB_CONCURRENCY", _default_workers())
# One request at a time per worker (GUNICORN_THREADS above 1 makes gunicorn use threaded workers).
worker_class = "sync"
threads = _positive("GUNICORN_THREADS", 1)

# Load the app once in the master, so workers fork ready and a broken app fails at start-up.
preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """Move everything the app loaded out of the garbage collector's sight before each fork.

    Django and the app make some 190,000 long-lived objects. Left in view, each full collection walks them all
    (tens of milliseconds, the slowest 1% of requests), and touching them un-shares the workers' memory pages.
    Objects made later in a worker are collected as usual. (Python's gc docs recommend this for forking servers.)
    """
    gc.freeze()


# A worker silent this long is killed and replaced; stopping waits this long for requests in flight.
timeout = 30
graceful_timeout = 30
keepalive = 5

# No recycling: `make soak` (10 minutes at 256 connections) shows worker memory flat, and a restart empties a
# worker's in-process caches. MAX_REQUESTS turns it back on (staggered by a tenth) if a leak ever appears.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Heartbeat files on a RAM disk: a container's overlay file system can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Access log to stdout, errors to stderr, for the container's log collector. Each access line ends with the
# request's id (the X-Request-ID the site answered with), as its own log lines carry it.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'
if env_str("DJANGO_LOG_FORMAT", "text").lower() == "json":
    # The same JSON lines as the site's (careers_site/log_json.py): the access line's message is the text above,
    # and its fields say the path, status, milliseconds and request id.
    logconfig_dict = {
        "formatters": {"json": {"()": "careers_site.log_json.JsonFormatter"}},
        "filters": {"redact": {"()": "careers_site.log_filters.RedactEmailAddresses"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["redact"],
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["redact"],
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["error_console"], "propagate": False},  # at loglevel
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


# Prometheus metrics, added up across workers (prometheus_client's multiprocess mode): each worker writes its
# numbers to files in this folder and /metrics reads them all. The variable must be set before the app (and so
# prometheus_client) loads, which is why it is done here, as the config is read. A folder given in
# PROMETHEUS_MULTIPROC_DIR is emptied of the last run's files; otherwise a fresh one is made (on the RAM disk
# where there is one) and removed when this gunicorn stops. CAREERS_METRICS_DIR_MADE ("<master pid>:<folder>")
# tells a folder made here from one given: on a HUP the config is read again and the folder kept; after a USR2
# upgrade the new master inherits the old one's folder, which the old master removes as it exits, so it makes
# its own.
MADE_MARK = "CAREERS_METRICS_DIR_MADE"


def _metrics_folder() -> tuple[Path, bool]:
    given = env_str("PROMETHEUS_MULTIPROC_DIR")
    made = os.environ.get(MADE_MARK, "")
    if given and made == f"{os.getpid()}:{given}":  # this master's own, its config read again
        return Path(given), True
    if not given or made.endswith(f":{given}"):  # none given, or another master's
        ram_disk = "/dev/shm" if os.path.isdir("/dev/shm") else None
        folder = Path(tempfile.mkdtemp(prefix="careers-metrics-", dir=ram_disk))
        os.environ[MADE_MARK] = f"{os.getpid()}:{folder}"
        return folder, True
    folder = Path(given)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()
    return folder, False


_metrics_dir, _made_metrics_dir = _metrics_folder()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def child_exit(server: object, worker: object) -> None:
    """A worker ended: drop its live gauges (its counters stay, so totals never go backwards)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def on_exit(server: object) -> None:
    if _made_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


# No runtime control socket (gunicorn 25.1+): nothing uses it, and by default it lives in the
# home directory, which the container's user does not have and parallel test servers would share.
control_socket_disable = True
