"""The Dockerfile: its steps work (run as a script, since no Docker engine runs here) and the script mirrors them."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

DOCKERFILE = settings.BASE_DIR / "Dockerfile"
SCRIPT = settings.BASE_DIR / "scripts" / "dockerfile_steps.sh"

# Dockerfile commands the script cannot run outside a container, with the reason.
DOCKER_ONLY = {
    "groupadd --system app": "creating users needs a container",
    "useradd --system --gid app --no-create-home --home-dir /nonexistent app": "creating users needs a container",
    'chown app:app "$DJANGO_MEDIA_ROOT"': "there is no app user outside the container",
}


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", "", path.read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def script_lines() -> list[str]:
    return [
        line.strip() for line in SCRIPT.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("#")
    ]


def in_script(command: str) -> bool:
    return any(command in line for line in script_lines())


def test_the_image_is_slim_python_311_and_runs_as_a_non_root_user() -> None:
    steps = instructions(DOCKERFILE)
    assert steps[0] == ("FROM", "python:3.11-slim-bookworm")
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users == ["app"]
    assert [keyword for keyword, _ in steps].index("USER") > [keyword for keyword, _ in steps].index("COPY")
    assert ("EXPOSE", "8000") in steps


def test_every_run_step_of_the_dockerfile_is_in_the_script() -> None:
    runs = [args for keyword, args in instructions(DOCKERFILE) if keyword == "RUN"]
    assert any("collectstatic" in run for run in runs)
    assert any("pip install --require-hashes --no-deps -r requirements.lock" in run for run in runs)
    missing = [
        part
        for run in runs
        for part in (piece.strip() for piece in run.split(" && "))
        if part not in DOCKER_ONLY and not in_script(part)
    ]
    assert missing == []


def test_the_script_starts_gunicorn_and_probes_health_exactly_as_the_image_does() -> None:
    steps = dict(instructions(DOCKERFILE))
    command = " ".join(json.loads(steps["CMD"]))
    assert command == "gunicorn --config gunicorn.conf.py careers_site.wsgi"
    assert in_script(command)
    probe = steps["HEALTHCHECK"].split(" CMD ", 1)[1]
    assert "/healthz" in probe
    assert in_script(probe)


def test_the_script_sets_the_same_environment_as_the_image() -> None:
    env = " ".join(arguments for keyword, arguments in instructions(DOCKERFILE) if keyword == "ENV")
    names = set(re.findall(r"(\w+)=", env))
    assert {"VIRTUAL_ENV", "PATH", "DJANGO_MEDIA_ROOT", "PORT"} <= names
    # The script may use pip's cache and picks a free port; everything else is exported.
    for name in names - {"PIP_NO_CACHE_DIR", "PORT"}:
        assert in_script(f"export {name}="), name
    assert in_script("export PORT")


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    ignored = (settings.BASE_DIR / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for entry in (".git", ".venv", "*.sqlite3", ".env", "staticfiles", "media", "**/__pycache__"):
        assert entry in ignored
    assert not any(line.startswith("!") for line in ignored), "the script's tar cannot follow ! exceptions"


@pytest.mark.slow
def test_the_dockerfile_steps_build_and_start_a_healthy_server() -> None:
    result = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=900, cwd=settings.BASE_DIR, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "static files copied" in result.stdout
    assert "/healthz answered 200" in result.stdout
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css served gzip-compressed and immutable", result.stdout)
    assert result.stdout.rstrip().endswith("dockerfile_steps: OK")
