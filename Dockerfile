# The production image: gunicorn serving careers_site.wsgi, static files by whitenoise.
# Run it with DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL set (see docs/settings.md and docs/deployment.md).
# scripts/dockerfile_steps.sh repeats these steps outside Docker; tests/ops/test_dockerfile.py
# keeps the two in step, so change both together.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_MEDIA_ROOT=/var/lib/careers/media \
    PORT=8000

# An unprivileged user to run the app; it owns nothing but the media folder.
RUN groupadd --system app && useradd --system --gid app --no-create-home --home-dir /nonexistent app

RUN python -m venv "$VIRTUAL_ENV"

WORKDIR /app

# Current pip and setuptools, then the exact, hash-checked versions in the lock file (make lock writes it
# from pyproject.toml), before the code, so a code change does not reinstall them.
RUN pip install --upgrade pip setuptools
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Hashed, compressed static files are built into the image. The key only lets settings load.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --no-input

RUN mkdir -p "$DJANGO_MEDIA_ROOT" && chown app:app "$DJANGO_MEDIA_ROOT"

# The release errors are reported under (Sentry), e.g. `docker build --build-arg APP_RELEASE="$(git rev-parse --short HEAD)"`.
# Declared this late so a new release rebuilds no earlier layer.
ARG APP_RELEASE=unknown
ENV APP_RELEASE=$APP_RELEASE

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"

CMD ["gunicorn", "--config", "gunicorn.conf.py", "careers_site.wsgi"]
