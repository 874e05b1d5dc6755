"""The site: ``innomon demo``, ``serve``, ``migrate`` and ``createuser``."""

from __future__ import annotations

import os
import socket
import sys
import time

import click

from innomon.cli._common import migrate_database, ready, setup_django
from innomon.cli._guard import Failure, guarded

_HOST = click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
_PORT = click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))


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


def proxy_options() -> dict[str, object]:
    """waitress's options for the reverse proxy: with ``INNOMON_BEHIND_PROXY=1`` it trusts
    X-Forwarded-For, -Proto, -Host and -Port from ``INNOMON_TRUSTED_PROXY`` (default 127.0.0.1;
    ``*`` for any) only, so the app sees the client's address and scheme; otherwise none (waitress
    then drops those headers)."""
    if os.environ.get("INNOMON_BEHIND_PROXY") != "1":
        return {}
    return {
        "trusted_proxy": (os.environ.get("INNOMON_TRUSTED_PROXY") or "127.0.0.1").strip(),
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host "
        "x-forwarded-port",
        "clear_untrusted_proxy_headers": True,
    }


def _serve(host: str, port: int) -> None:
    import waitress

    from innomon.project.wsgi import application

    _check_port(host, port)
    click.echo(f"innomon serves on http://{host}:{port}/ (Ctrl+C stops)")
    try:
        waitress.serve(
            application, host=host, port=port, threads=8, ident="innomon", **proxy_options()
        )
    except KeyboardInterrupt:
        click.echo("innomon: stopped")


@click.command()
@guarded
def migrate() -> None:
    """Create or update the database tables."""
    from innomon.config import ensure_home

    ensure_home()
    setup_django()
    migrate_database()
    click.echo("innomon: database is up to date")


@click.command()
@click.option("--no-serve", is_flag=True, help="Build the outputs, then stop.")
@_HOST
@_PORT
@guarded
def demo(no_serve: bool, host: str, port: int) -> None:
    """Load the synthetic Northern Netherlands demo, build its reports, then serve them."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from innomon import config
    from innomon.config import ensure_home

    started = time.monotonic()
    home = ensure_home()
    setup_django()
    from innomon.demo import run as demo_run

    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TimeElapsedColumn(),
        transient=not sys.stdout.isatty(),
    ) as progress:
        task = progress.add_task("migrate", total=len(demo_run.STEPS) + 1)
        migrate_database()

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
    if not no_serve:
        _serve(host, port)


@click.command()
@_HOST
@_PORT
@guarded
def serve(host: str, port: int) -> None:
    """Serve the web app (landing page, reports, back office)."""
    ready(create_empty=False)
    _serve(host, port)


@click.command()
@click.argument("username")
@click.option("--email", default="", help="E-mail address of the account.")
@guarded
def createuser(username: str, email: str) -> None:
    """Create a back-office account (asks for the password; or set INNOMON_PASSWORD)."""
    ready()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise Failure(f"user '{username}' already exists; choose another name")
    password = os.environ.get("INNOMON_PASSWORD")
    if not password:
        if sys.stdin is None or not sys.stdin.isatty():  # a script, a pipe, cron: nobody to ask
            raise Failure(
                "no terminal to ask for the password; set INNOMON_PASSWORD to the account's "
                f"password and run `innomon createuser {username}` again"
            )
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password, user_model(username=username, email=email))
    except ValidationError as exc:
        raise Failure(f"password rejected: {' '.join(exc.messages)}") from exc
    user_model.objects.create_superuser(username=username, email=email, password=password)
    click.echo(f"innomon: created back-office user '{username}'")
