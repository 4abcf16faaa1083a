"""deploy/nginx.conf run for real on 127.0.0.1, in front of an app server: for tests and `make bench-proxy`.

Only the port numbers and paths differ from the shipped file (see `rendered_site_config`); everything the
file says about caching is what runs. nginx is started on a free port and stopped by its PID.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.site_server import ROOT, free_port, wait_until

SHIPPED_CONFIG = ROOT / "deploy" / "nginx.conf"


def rendered_site_config(app_port: int, listen_port: int, cache_dir: Path, static_root: Path) -> str:
    """The shipped server block with this machine's ports and folders; fails if the file no longer has them."""
    text = SHIPPED_CONFIG.read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "/var/cache/nginx/careers": str(cache_dir),
        "alias /app/staticfiles/;": f"alias {static_root}/;",
    }
    for shipped, here in replacements.items():
        if text.count(shipped) != 1:
            raise ValueError(f"deploy/nginx.conf should contain {shipped!r} exactly once")
        text = text.replace(shipped, here)
    return text


def _main_config(workdir: Path, site: str, workers: str) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would otherwise run as nobody
    temp_paths = "".join(
        f"    {name}_temp_path {workdir / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes {workers};\ndaemon off;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    access_log off;\n"
        f"{temp_paths}{site}\n}}\n"
    )


@contextmanager
def nginx_proxy(app_port: int, static_root: Path, workers: str = "1") -> Iterator[str]:
    """nginx with the shipped config in front of 127.0.0.1:`app_port`; yields its base URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    workdir = Path(tempfile.mkdtemp(prefix="careers-nginx-"))
    port = free_port()
    site = rendered_site_config(app_port, port, workdir / "cache", static_root)
    (workdir / "nginx.conf").write_text(_main_config(workdir, site, workers))
    command = [nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", str(workdir / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: _answers(port, process), 15, "nginx")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)


def _answers(port: int, process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        error = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"nginx exited with status {process.returncode}: {error}")
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
