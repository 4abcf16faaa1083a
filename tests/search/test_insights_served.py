"""Search counts under gunicorn as shipped: each worker adds its searches up and writes them in a batch, and a
worker that stops writes what it still holds."""

import urllib.request
from pathlib import Path

import pytest

from scripts.site_server import manage
from tests.services import gunicorn_server, production_env

pytestmark = pytest.mark.slow
COUNT = "from microcredentials.models import SearchCount as S; print(S.objects.get(query='student loan').count)"


def test_a_stopping_server_writes_the_searches_it_counted(tmp_path: Path) -> None:
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", DJANGO_SEARCH_COUNT_WRITE_SECONDS="3600"
    )
    manage(env, "migrate", "--no-input")
    manage(env, "load_content")
    with gunicorn_server(env, workers=2) as base:
        for _ in range(6):
            urllib.request.urlopen(base + "/search/?q=student+loan", timeout=10).read()
        waiting = manage(
            env, "shell", "-c", "from microcredentials.models import SearchCount; print(SearchCount.objects.count())"
        )
        assert waiting.split()[-1] == "0"  # an hour's wait: nothing written yet
    assert manage(env, "shell", "-c", COUNT).split()[-1] == "6"  # both workers wrote theirs as gunicorn stopped
