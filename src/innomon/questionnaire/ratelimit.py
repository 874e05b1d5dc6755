"""A rate limiter whose memory is a database table, so that every server process shares it —
on SQLite and PostgreSQL alike, without Redis.

A counter is a (key, window) row; one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` statement
(SQLite 3.35+, PostgreSQL 9.5+) adds a hit and reads the total atomically. Windows are fixed
(``window`` seconds); counters of past windows are deleted now and then.
"""

from __future__ import annotations

import os
import random
import time

from django.db import connection, transaction

from .models import RateCounter

# Failed token look-ups per IP address, and requests per private link (or per visitor of a
# shared link), per window.
WINDOW = 600
FAILURES_PER_IP = int(os.environ.get("INNOMON_RATE_FAILURES") or 20)
REQUESTS_PER_TOKEN = int(os.environ.get("INNOMON_RATE_TOKEN") or 600)


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW)


def hit(key: str) -> int:
    """Count one hit of ``key`` in the current window; the window's total so far."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    sql = (
        f'INSERT INTO {table} ("key", "window", "hits") VALUES (%s, %s, 1) '
        f'ON CONFLICT ("key", "window") DO UPDATE SET "hits" = {table}."hits" + 1 '
        'RETURNING "hits"'
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, _window()])
        (hits,) = cursor.fetchone()
    if random.random() < 0.01:
        RateCounter.objects.filter(window__lt=_window() - 1).delete()
    return hits


def count(key: str) -> int:
    """The hits of ``key`` in the current window (without adding one)."""
    row = RateCounter.objects.filter(key=key, window=_window()).values_list("hits", flat=True)
    return next(iter(row), 0)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR. Behind a reverse proxy (``INNOMON_BEHIND_PROXY=1``)
    ``innomon serve`` sets it from X-Forwarded-For when — and only when — the request comes from
    the trusted proxy (``INNOMON_TRUSTED_PROXY``), so a client cannot make up its address."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def ip_blocked(ip: str) -> bool:
    return count(f"fail:{ip}") >= FAILURES_PER_IP


def failed(ip: str) -> None:
    hit(f"fail:{ip}")


def visitor_exceeded(ip: str, token: str) -> bool:
    """Count a request of one visitor (IP address) for a shared link such as a wave's open link;
    True when that visitor has made too many this window (the others are not affected)."""
    return hit(f"visit:{ip}:{token[:16]}") > REQUESTS_PER_TOKEN


def token_exceeded(token: str) -> bool:
    """Count a request for ``token``; True when the token has had too many this window."""
    return hit(f"tok:{token[:16]}") > REQUESTS_PER_TOKEN
