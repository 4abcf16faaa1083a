#!/usr/bin/env bash
# Run the Dockerfile's steps without Docker, to prove they work: build a fresh
# virtual environment from requirements.lock, copy the app (minus .dockerignore),
# collect static files, start gunicorn with gunicorn.conf.py, and run the
# image's HEALTHCHECK command against it. Everything happens in a temporary
# folder that is removed at the end; the server is stopped by its PID.
#
# Differences from the image, all because no container is involved:
#   - the app runs as the current user (no "app" user is created or used);
#   - gunicorn listens on 127.0.0.1 and a free port, not 0.0.0.0:8000;
#   - pip may use its download cache.
# tests/ops/test_dockerfile.py checks that each Dockerfile command appears here.
#
# Usage: scripts/dockerfile_steps.sh   (PYTHON=python3.11 by default)
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dockerfile-steps.XXXXXX")"
SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID"; fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "dockerfile_steps: $*" >&2
    if [ -f "$WORK/gunicorn.log" ]; then sed 's/^/  gunicorn: /' "$WORK/gunicorn.log" >&2; fi
    exit 1
}

# A fresh container knows none of the caller's settings.
for name in $(compgen -e); do
    case "$name" in
        DJANGO_* | DATABASE_URL | REDIS_URL | SITE_URL | PORT | WEB_CONCURRENCY | GUNICORN_* | VIRTUAL_ENV | PYTHONPATH)
            unset "$name" ;;
    esac
done

echo "== FROM python:3.11-slim-bookworm"
REAL_PYTHON="$("$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version; print(sys.executable)')" \
    || fail "$PYTHON must be Python 3.11, as in the image."
mkdir "$WORK/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$REAL_PYTHON" > "$WORK/bin/python"
chmod +x "$WORK/bin/python"

echo "== ENV"
export PYTHONDONTWRITEBYTECODE=1
export PYTHONUNBUFFERED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
export VIRTUAL_ENV="$WORK/venv"
export PATH="$VIRTUAL_ENV/bin:$WORK/bin:$PATH"
export DJANGO_MEDIA_ROOT="$WORK/media"
export APP_RELEASE="${APP_RELEASE:-$(git -C "$SOURCE" rev-parse --short HEAD 2>/dev/null || echo unknown)}"

echo "== RUN python -m venv"
python -m venv "$VIRTUAL_ENV"
hash -r  # each RUN is a new shell in Docker: forget where "python" was found before the venv existed

echo "== RUN pip install --upgrade pip setuptools"
pip install --upgrade pip setuptools

echo "== WORKDIR, COPY requirements.lock, RUN pip install (the lock file's hash-checked versions)"
mkdir "$WORK/app"
cd "$WORK/app"
cp "$SOURCE/requirements.lock" ./
pip install --require-hashes --no-deps -r requirements.lock

echo "== COPY . . (without what .dockerignore lists)"
grep -v -e '^#' -e '^[[:space:]]*$' "$SOURCE/.dockerignore" > "$WORK/excludes"
tar -C "$SOURCE" --exclude-from="$WORK/excludes" -cf - . | tar -xf -
[ ! -e .venv ] && [ ! -e tests ] || fail "COPY took files that .dockerignore excludes."

echo "== RUN collectstatic"
DJANGO_SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --no-input
mkdir -p "$DJANGO_MEDIA_ROOT"

echo "== CMD gunicorn"
PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export PORT
DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=careers.example.govt.nz  # the public name only, as in production
export GUNICORN_CMD_ARGS="--bind 127.0.0.1:$PORT"
export WEB_CONCURRENCY=2
gunicorn --config gunicorn.conf.py careers_site.wsgi > "$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!

echo "== HEALTHCHECK on 127.0.0.1:$PORT"
healthy=""
for _ in $(seq 1 150); do  # at most about 60 seconds
    kill -0 "$SERVER_PID" 2>/dev/null || fail "gunicorn stopped before it answered."
    if python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)" 2>/dev/null; then
        healthy=yes
        break
    fi
    sleep 0.4
done
[ -n "$healthy" ] || fail "/healthz did not answer 200 within 60 seconds."
echo "/healthz answered 200"

# The collected, hashed stylesheet is served (as if through the HTTPS load balancer).
python - <<'PYTHON' || fail "the hashed stylesheet was not served."
import json, os, urllib.request
name = json.load(open("staticfiles/staticfiles.json"))["paths"]["css/site.css"]
request = urllib.request.Request(
    f"http://127.0.0.1:{os.environ['PORT']}/static/{name}",
    headers={"Host": "careers.example.govt.nz", "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
)
with urllib.request.urlopen(request, timeout=10) as response:
    assert response.headers["Content-Encoding"] == "gzip", response.headers
    assert "immutable" in response.headers["Cache-Control"], response.headers
print(f"/static/{name} served gzip-compressed and immutable")
PYTHON

stop_server
echo "dockerfile_steps: OK"
