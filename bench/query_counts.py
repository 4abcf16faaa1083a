"""Print the queries one request to a path costs, uncached and then cached.

Run by bench/run.py with the benchmark's environment: python bench/query_counts.py /path/
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careers_site.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from careers_site.pagecache.generation import bump_content_generation  # noqa: E402


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


if __name__ == "__main__":
    path = sys.argv[1]
    client = Client()
    bump_content_generation()
    client.get("/")  # warm the site-wide lookups so only the page itself is uncached
    uncached, cached = count_queries(client, path), count_queries(client, path)
    print(f"{uncached} uncached, {cached} cached")
