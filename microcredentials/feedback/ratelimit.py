"""Rate limits counted in the database: one count per client, shared by every worker and app server.

A count kept in a process's memory is that worker's alone (the real limit was the limit times the workers), and
one kept in a cache can be evicted when the cache fills, which starts the limit again. A row in the database is
neither. One statement counts an attempt, atomically on SQLite (3.35 or later) and PostgreSQL alike: it inserts
the key's first attempt, adds one to the count, or starts a new window once the old one has ended, and returns
the count. The table is made by `migrate` (migration 0013), like every other.
"""

import datetime

from axes.helpers import get_client_ip_address
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from microcredentials.models import RateLimitCount

UPSERT = """
INSERT INTO {table} ({key}, {count}, {ends}) VALUES (%s, 1, %s)
ON CONFLICT ({key}) DO UPDATE SET
    {count} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{count} + 1 END,
    {ends} = CASE WHEN {table}.{ends} <= %s THEN %s ELSE {table}.{ends} END
RETURNING {count}
"""


def count_attempt(key: str, window_seconds: int, now: datetime.datetime | None = None) -> int:
    """Count one attempt under `key` and return the attempts in its window so far, this one included.

    A window starts with the key's first attempt and lasts `window_seconds`. When an attempt starts a window,
    rows whose windows have ended are deleted, so the table holds only the clients counted lately.
    """
    now = now or timezone.now()
    connection = connections[router.db_for_write(RateLimitCount)]
    quote = connection.ops.quote_name
    sql = UPSERT.format(
        table=quote(RateLimitCount._meta.db_table), key=quote("key"), count=quote("count"), ends=quote("window_ends")
    )
    as_stored = connection.ops.adapt_datetimefield_value
    ends, at = as_stored(now + datetime.timedelta(seconds=window_seconds)), as_stored(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, ends, at, at, ends])
        count = int(cursor.fetchone()[0])
    if count == 1:
        RateLimitCount.objects.filter(window_ends__lte=now).delete()
    return count


def over_limit(request: HttpRequest, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this attempt by the client (under a keyed hash of its address, never the address) in `scope`;
    True once it has made more than `limit` attempts in the window."""
    client = get_client_ip_address(request) or "unknown"
    key = f"{scope}:" + salted_hmac(f"{scope}-rate-limit", client).hexdigest()
    return count_attempt(key, window_seconds) > limit
