"""The ``innomon`` command.

Every failure prints one line — ``innomon: error: <what is wrong>; <what to do>`` — to stderr and
exits non-zero (1 for a problem with data or environment, 2 for a wrong command line); never a
traceback, unless ``INNOMON_DEBUG=1``.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from innomon import __version__

DJANGO_SETTINGS = "innomon.project.settings"


class Failure(click.ClickException):
    """A user-facing failure: one line, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"innomon: error: {self.format_message()}", err=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DJANGO_SETTINGS)
    import django

    django.setup()


def _migrate() -> None:
    """Bring the tables up to date and store the configured region (both idempotent)."""
    from django.core.management import call_command

    from innomon.config import region_code
    from innomon.region import load_region
    from innomon.registry.services import load_region as store_region

    call_command("migrate", verbosity=0, interactive=False)
    store_region(load_region(region_code()))


def _friendly(exc: BaseException) -> str | None:
    """The one-line message for an expected kind of failure, or None for a bug."""
    from innomon.config import ConfigError
    from innomon.errors import InnomonError
    from innomon.region import RegionDataError

    if isinstance(exc, ConfigError | InnomonError | RegionDataError):
        return str(exc)
    try:
        from django.db import OperationalError
    except ImportError:  # pragma: no cover - Django is a dependency
        return None
    if isinstance(exc, OperationalError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"the database is not reachable ({first}); check DATABASE_URL "
            "or unset it to use the SQLite file in INNOMON_HOME"
        )
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}; check the path and its permissions"
    return None


def _guarded(func: Callable[[], Any]) -> Any:
    try:
        return func()
    except click.ClickException:
        raise
    except Exception as exc:
        if os.environ.get("INNOMON_DEBUG") == "1":
            raise
        message = _friendly(exc)
        if message is None:
            message = (
                f"unexpected {type(exc).__name__}: {exc} — this is a bug in innomon; "
                "run again with INNOMON_DEBUG=1 for the traceback and report it"
            )
        raise Failure(message) from exc


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise Failure(
                f"cannot listen on {host}:{port} ({exc.strerror}); "
                "pass another --port or stop the program using it"
            ) from exc


def _serve(host: str, port: int) -> None:
    import waitress

    from innomon.project.wsgi import application

    _check_port(host, port)
    click.echo(f"innomon serves on http://{host}:{port}/ (Ctrl+C stops)")
    try:
        waitress.serve(application, host=host, port=port, threads=8, ident="innomon")
    except KeyboardInterrupt:
        click.echo("innomon: stopped")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="innomon")
def cli() -> None:
    """innomon — a regional SME innovation monitor, end to end.

    State and outputs live in INNOMON_HOME (default ./innomon-data); set DATABASE_URL
    (postgres://…) to use PostgreSQL instead of the SQLite file there.
    """


@cli.command()
def migrate() -> None:
    """Create or update the database tables."""

    def run() -> None:
        from innomon.config import ensure_home

        ensure_home()
        _setup_django()
        _migrate()
        click.echo("innomon: database is up to date")

    _guarded(run)


@cli.command()
@click.option("--no-serve", is_flag=True, help="Build the outputs, then stop.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(no_serve: bool, host: str, port: int) -> None:
    """Load the synthetic Northern Netherlands demo, build its reports, then serve them."""

    def run() -> list:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from innomon import config
        from innomon.config import ensure_home

        started = time.monotonic()
        home = ensure_home()
        _setup_django()
        from innomon.demo import run as demo_run

        with Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            TimeElapsedColumn(),
            transient=not sys.stdout.isatty(),
        ) as progress:
            task = progress.add_task("migrate", total=len(demo_run.STEPS) + 1)
            _migrate()

            def step(name: str) -> None:
                progress.update(task, description=name, advance=1)

            already = demo_run.is_loaded(config.region_code())
            paths = demo_run.run(step)
            progress.update(task, description="done", completed=len(demo_run.STEPS) + 1)
        if already:
            click.echo("innomon: the demo was loaded before; its reports were rebuilt")
        click.echo(
            f"innomon: demo ready in {time.monotonic() - started:.1f} s — "
            f"{len(paths)} reports under {home / 'out'}"
        )
        return paths

    _guarded(run)
    if not no_serve:
        _guarded(lambda: _serve(host, port))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the web app (landing page, reports, back office)."""

    def run() -> None:
        from innomon.config import ensure_home

        ensure_home()
        _setup_django()
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise Failure("the database is not up to date; run `innomon migrate` first")
        _serve(host, port)

    _guarded(run)


@cli.command()
@click.argument("username")
@click.option("--email", default="", help="E-mail address of the account.")
def createuser(username: str, email: str) -> None:
    """Create a back-office account (asks for the password; or set INNOMON_PASSWORD)."""

    def run() -> None:
        from innomon.config import ensure_home

        ensure_home()
        _setup_django()
        _migrate()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise Failure(f"user '{username}' already exists; choose another name")
        password = os.environ.get("INNOMON_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
        try:
            validate_password(password, user_model(username=username, email=email))
        except ValidationError as exc:
            raise Failure(f"password rejected: {' '.join(exc.messages)}") from exc
        user_model.objects.create_superuser(username=username, email=email, password=password)
        click.echo(f"innomon: created back-office user '{username}'")

    _guarded(run)


@cli.command("import-firms")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def import_firms(path: Path) -> None:
    """Add the firms of a CSV file to the register (all rows, or none).

    Columns: kvk, name, sbi_code, employees, municipality (CBS code, e.g. GM0014), and
    optionally founding_year. Separated by commas or semicolons, UTF-8.
    """

    def run() -> None:
        from innomon.config import ensure_home

        ensure_home()
        _setup_django()
        _migrate()
        from innomon.intake.tables import read_csv
        from innomon.registry.services import FIRM_FIELDS, register_firms

        rows = read_csv(path, FIRM_FIELDS[:5], FIRM_FIELDS[5:])
        added = register_firms(rows, path.name, first_row=2)
        click.echo(f"innomon: {added} firms added from {path.name}")

    _guarded(run)


@cli.command()
def region() -> None:
    """List the region's provinces, COROP regions and municipalities with their CBS codes."""

    def run() -> None:
        from innomon.config import region_code
        from innomon.region import load_region

        data = load_region(region_code())
        click.echo(
            f"{data.code}: {data.name_nl} / {data.name_en} (boundaries {data.boundaries_year})"
        )
        for p in data.provinces:
            click.echo(f"{p.code} {p.name_nl} ({p.nuts2})")
            for c in p.corops:
                munis = ", ".join(f"{m.code} {m.name}" for m in c.municipalities)
                click.echo(f"  {c.code} {c.name_nl} ({c.nuts3}): {munis}")

    _guarded(run)


def main() -> None:
    try:
        cli.main(prog_name="innomon", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("innomon: aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        click.echo(f"innomon: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
