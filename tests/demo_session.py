"""The demo, made once per test session the way a user makes it: ``innomon demo --no-serve`` in
a child process with a fresh ``INNOMON_HOME`` (and, on PostgreSQL, a database of its own).

The child starts as soon as the tests are collected, so it runs beside the other tests; the
tests that use the ``demo`` fixture run last, and the first of them waits for it. Its
database is then copied into the test database once (SQLite: the backup API; PostgreSQL: the
test database is re-created from the demo's as a template), so those tests read the demo through
the ORM as before, each in its own rolled-back transaction, while the demo's own home keeps its
database for the commands a test runs as a user would.

Builds in the demo use ``INNOMON_REPLICATES=50`` bootstrap replicates (the default is 500): no
test depends on the replicate count, and it saves most of the build time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURE = "demo"
REPLICATES = "50"


@dataclass
class DemoRun:
    """The child process running the demo, and what it was given."""

    home: Path
    env: dict[str, str]
    database: str | None  # the PostgreSQL database of the demo, None on SQLite
    proc: subprocess.Popen | None = None
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None
    loaded: bool = False

    def wait(self, timeout: float = 900) -> DemoRun:
        if self.proc is not None and self.returncode is None:
            self.stdout, self.stderr = self.proc.communicate(timeout=timeout)
            self.returncode = self.proc.returncode
        return self


_run: DemoRun | None = None
_scratch: str | None = None


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _child_env(home: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(INNOMON_HOME=str(home), INNOMON_REPLICATES=REPLICATES, COLUMNS="100")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start() -> DemoRun:
    """Start the demo in a child process (once)."""
    global _run, _scratch
    if _run is not None:
        return _run
    _scratch = tempfile.mkdtemp(prefix="innomon-demo-")
    home = Path(_scratch) / "home"
    url = os.environ.get("DATABASE_URL")
    database = None
    if url:
        import psycopg

        database = f"innomon_demo_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_admin_url(url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        url = url.split("?")[0].rsplit("/", 1)[0] + f"/{database}"
    env = _child_env(home, url)
    _run = DemoRun(home=home, env=env, database=database)
    _run.proc = subprocess.Popen(
        [sys.executable, "-m", "innomon", "demo", "--no-serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    return _run


def load_into_test_database(run: DemoRun) -> None:
    """Copy the demo's database into the (migrated, empty) test database."""
    from django.db import connection, connections

    if run.database is None:
        import sqlite3

        connection.ensure_connection()
        source = sqlite3.connect(run.home / "innomon.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        import psycopg

        name = connection.settings_dict["NAME"]
        connections.close_all()
        with psycopg.connect(_admin_url(os.environ["DATABASE_URL"]), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{run.database}"')
    run.loaded = True


def finish() -> None:
    """Stop the child if it still runs; drop the demo's database and home."""
    global _run, _scratch
    if _run is not None:
        if _run.proc is not None and _run.proc.poll() is None:
            _run.proc.kill()
            _run.proc.wait()
        if _run.database:
            import psycopg

            with psycopg.connect(_admin_url(os.environ["DATABASE_URL"]), autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{_run.database}" WITH (FORCE)')
    if _scratch:
        shutil.rmtree(_scratch, ignore_errors=True)
    _run = _scratch = None


def uses_demo(item: pytest.Item) -> bool:
    return FIXTURE in getattr(item, "fixturenames", ())


def order(items: list[pytest.Item]) -> None:
    """The tests of the demo last (in their collected order); start the demo when any will run."""
    demo = [i for i in items if uses_demo(i)]
    if not demo:
        return
    items[:] = [i for i in items if not uses_demo(i)] + demo
    start()


def check_order(item: pytest.Item) -> None:
    """Once the demo is in the test database, only the demo's tests may follow (they all read
    it; any other test expects an empty database)."""
    if _run is not None and _run.loaded and not uses_demo(item):
        pytest.fail(
            f"{item.nodeid} runs after the demo was loaded into the test database; "
            "tests/demo_session.py orders the demo's tests last — something reordered them",
            pytrace=False,
        )
