"""A throwaway PostgreSQL 15 cluster on 127.0.0.1, for tests and operational checks.

The cluster lives in its own temporary folder (data directory, Unix socket, log),
listens on its own free port with trust authentication, and is stopped through
its own pg_ctl, so it never touches another server on the machine. Running as
root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).

    with throwaway_cluster() as cluster:
        cluster.createdb("careers")
        url = cluster.url("careers")   # postgres://postgres@127.0.0.1:<port>/careers
        cluster.stop()                 # e.g. to simulate an outage
        cluster.start()
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"


def available() -> bool:
    """Whether this machine can run a throwaway cluster (the binaries, and a postgres user when root)."""
    if not (PG_BIN / "initdb").exists():
        return False
    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        return False
    return shutil.which("runuser") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return command


@dataclass
class Cluster:
    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def client_args(self) -> list[str]:
        """Connection options for psql, createdb, pg_dump and pg_restore."""
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER]

    def init(self) -> None:
        self._server_command(
            "initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync"
        )

    def start(self, timeout: int = 30) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._server_command(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            str(timeout),
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop this cluster's server (and only it: pg_ctl signals the PID in its own data directory)."""
        if self.is_running():
            self._server_command("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        status = subprocess.run(
            as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "status"]),
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def createdb(self, name: str) -> str:
        self.run("createdb", name)
        return self.url(name)

    def run(self, tool: str, *args: str) -> str:
        """Run a client tool (psql, createdb, pg_dump, pg_restore) against this cluster; return its output."""
        result = subprocess.run(
            [str(PG_BIN / tool), *self.client_args(), *args], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def _server_command(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            as_server_user([str(PG_BIN / tool), *args]), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stderr.strip()}\n{log}")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A new, running cluster; stopped and deleted afterwards, whatever happens."""
    root = Path(tempfile.mkdtemp(prefix="careers-pg-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam(SUPERUSER)
        os.chown(root, account.pw_uid, account.pw_gid)
    cluster = Cluster(root=root, port=free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop(mode="immediate")
        finally:
            shutil.rmtree(root, ignore_errors=True)
