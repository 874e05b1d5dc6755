"""What the commands share: the YEAR argument, Django, the database check and the wave lookup.

Nothing heavy is imported here at module level (Django, numpy, pandas, rich): a command imports
what it needs when it runs, so that a light command starts fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from innomon.cli._guard import Failure

if TYPE_CHECKING:
    from innomon.survey.models import Wave

DJANGO_SETTINGS = "innomon.project.settings"

year_argument = click.argument("year", type=click.IntRange(1900, 2100))
"""The YEAR argument of every command about one wave."""


def setup_django() -> None:
    """Configure Django with innomon's settings (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DJANGO_SETTINGS)
    import django

    django.setup()


def migrate_database() -> None:
    """Bring the tables up to date and store the configured region (both idempotent)."""
    from django.core.management import call_command

    from innomon.config import region_code
    from innomon.region import load_region
    from innomon.registry.services import load_region as store_region

    call_command("migrate", verbosity=0, interactive=False)
    store_region(load_region(region_code()))


def pending_migrations() -> int:
    """How many migrations the database lacks (0: it is up to date). Reads the migration files
    and the ``django_migrations`` table only; runs no system checks."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _database_is_empty() -> bool:
    from django.db import connection

    return not connection.introspection.table_names()


def _store_region_if_missing() -> None:
    from innomon.config import region_code
    from innomon.region import load_region
    from innomon.registry.models import Region
    from innomon.registry.services import load_region as store_region

    code = region_code()
    if not Region.objects.filter(code=code).exists():
        store_region(load_region(code))


def ready(*, create_empty: bool = True) -> None:
    """Make INNOMON_HOME, set up Django and check that the database is up to date (every command
    that uses the database starts so).

    A database with pending migrations is refused in one line (`innomon migrate` updates it). A
    database without any table — the first use of a new INNOMON_HOME or an empty PostgreSQL
    database — is created here once, unless ``create_empty`` is False (``innomon serve``).
    """
    from innomon.config import ensure_home

    ensure_home()
    setup_django()
    pending = pending_migrations()
    if not pending:
        _store_region_if_missing()
        return
    if _database_is_empty():
        if not create_empty:
            raise Failure("the database has no tables yet; run `innomon migrate` to create them")
        migrate_database()
        click.echo("innomon: created the database (its first use)")
        return
    s = "" if pending == 1 else "s"
    raise Failure(
        f"the database is not up to date ({pending} migration{s} pending); run `innomon migrate`"
    )


NO_WAVE_ADD = "there is no wave {year}; create it first with `innomon wave add {year}`"
NO_WAVE_PANEL = "there is no wave {year}; see `innomon panel` for the waves there are"


def find_wave(year: int, missing: str = NO_WAVE_ADD) -> Wave:
    """Wave ``year`` of the configured region; a one-line failure ``missing`` (formatted with
    the year) if there is none."""
    from innomon.config import region_code
    from innomon.survey.models import Wave

    wave = Wave.objects.filter(region__code=region_code(), year=year).first()
    if wave is None:
        raise Failure(missing.format(year=year))
    return wave
