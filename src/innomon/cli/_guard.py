"""The error guard of every command: one line — ``innomon: error: <what is wrong>; <what to do>``
— on stderr and a non-zero exit code, never a traceback (unless ``INNOMON_DEBUG=1``)."""

from __future__ import annotations

import csv
import errno
import functools
import os
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import click

P = ParamSpec("P")
R = TypeVar("R")


class Failure(click.ClickException):
    """A user-facing failure: one line, exit code 1 (or the error's own, e.g. 2 for bad input)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"innomon: error: {self.format_message()}", err=True)


def friendly(exc: BaseException) -> str | None:
    """The one-line message for an expected kind of failure, or None for a bug."""
    from innomon.config import ConfigError
    from innomon.errors import InnomonError
    from innomon.instrument.model import InstrumentError
    from innomon.region import RegionDataError

    if isinstance(exc, ConfigError | InnomonError | RegionDataError | InstrumentError):
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
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f"the device holding {exc.filename}" if exc.filename else "the output device"
        return f"no space left on {where}; free space or choose another output"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}; check the path and its permissions"
    if isinstance(exc, csv.Error) and "field limit" in str(exc):
        return (
            f"a field of the CSV file is larger than {csv.field_size_limit() // 1024} KiB; "
            "check that the file is the CSV file the command reads"
        )
    return None


def failure(exc: Exception) -> Failure:
    """The one-line failure for ``exc``: its friendly message, or a request to report a bug."""
    from innomon.errors import InnomonError

    message = friendly(exc)
    if message is None:
        message = (
            f"unexpected {type(exc).__name__}: {exc} — this is a bug in innomon; "
            "run again with INNOMON_DEBUG=1 for the traceback and report it"
        )
    return Failure(message, exc.exit_code if isinstance(exc, InnomonError) else 1)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command's body so that any failure ends it with one line and an exit code.

    Click's own exceptions (a usage error, ``Failure``, an aborted prompt, an exit) and a closed
    pipe pass through to :func:`innomon.cli.main`; every other exception becomes a
    :class:`Failure` (exit code 1, or an ``InnomonError``'s own). With ``INNOMON_DEBUG=1`` it
    propagates.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (
            click.ClickException,
            click.exceptions.Abort,
            click.exceptions.Exit,
            BrokenPipeError,
        ):
            raise
        except Exception as exc:
            if os.environ.get("INNOMON_DEBUG") == "1":
                raise
            raise failure(exc) from exc

    return wrapper
