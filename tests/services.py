"""Real servers for tests: throwaway PostgreSQL and Redis on 127.0.0.1, and gunicorn running the site.

Each starts on a free port, is waited for with a bounded timeout, and is
stopped by the PID it was started with. PostgreSQL comes from scripts/pg_cluster.py
and gunicorn from scripts/site_server.py, which the benchmarks use too.
"""

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from scripts import pg_cluster
from scripts.site_server import free_port, gunicorn, manage, production_env, wait_until

__all__ = ["gunicorn_server", "manage", "postgres_available", "postgres_server", "production_env", "redis_server"]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def postgres_available() -> bool:
    return pg_cluster.available()


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL 15 cluster; yields a DATABASE_URL for a fresh database in it."""
    with pg_cluster.throwaway_cluster() as cluster:
        yield cluster.createdb("careers")


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway redis-server with no persistence; yields a REDIS_URL."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _port_open(port), 15, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=15)


@contextmanager
def gunicorn_server(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """gunicorn serving the site with the given environment; yields its base URL."""
    with gunicorn(env, workers=workers, args=("--log-level", "warning")) as server:
        yield server.base
