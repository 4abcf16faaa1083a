"""The background worker as deployed: `manage.py db_worker` in its own process sends queued mail over real SMTP."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.site_server import ROOT
from tests.services import manage, production_env, smtp_inbox, wait_until

pytestmark = pytest.mark.slow


def test_the_worker_process_sends_queued_mail_and_stops_cleanly(tmp_path: Path) -> None:
    with smtp_inbox() as (port, received):
        env = production_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
            DJANGO_EMAIL_HOST="127.0.0.1",
            DJANGO_EMAIL_PORT=str(port),
            DJANGO_DEFAULT_FROM_EMAIL="Careers advice <no-reply@careers.example.govt.nz>",
        )
        manage(env, "migrate", "--no-input")
        manage(
            env,
            "shell",
            "-c",
            "from microcredentials.lib.mail import queue_email; "
            "queue_email('Kia ora', 'The page changed.', ['reader@example.org'])",
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_until(lambda: bool(received), 60, "the queued message")
        finally:
            worker.send_signal(signal.SIGTERM)
            _, errors = worker.communicate(timeout=30)

    [message] = received
    assert message["To"] == "reader@example.org"
    assert message["From"] == "Careers advice <no-reply@careers.example.govt.nz>"
    assert message["Subject"] == "Kia ora"
    assert worker.returncode == 0, errors
