"""Waiting for a server that a test started: by its output and its port, never by the clock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def wait_until_serving(proc: subprocess.Popen, port: int, log: str = "") -> None:
    """Block until ``innomon serve`` (started with ``stdout=PIPE``) answers on ``port``.

    The server prints "innomon serves on …" just before it binds; the first line is read (a
    server that exits first ends the output), then the port is polled while the process lives.
    A server that exits instead of serving fails with what it said (or where its log is)."""
    line = proc.stdout.readline() if proc.stdout is not None else ""
    text = line.decode() if isinstance(line, bytes) else line
    while proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    errors = proc.stderr.read() if proc.stderr is not None else ""
    if isinstance(errors, bytes):
        errors = errors.decode(errors="replace")
    raise RuntimeError(
        f"innomon serve exited with {proc.returncode} instead of serving on port {port}: "
        f"{text.strip()} {errors.strip()[-2000:]} {log}".strip()
    )


def free_port() -> int:
    """A loopback port nobody listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlite_env(home: Path) -> dict[str, str]:
    """The environment of an ``innomon`` process with its own home and SQLite database."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["INNOMON_HOME"] = str(home)
    return env


def migrate(home: Path, **run: Any) -> dict[str, str]:
    """`innomon migrate` on a new home (SQLite); returns the environment it ran in."""
    env = sqlite_env(home)
    subprocess.run(
        [sys.executable, "-m", "innomon", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
        **run,
    )
    return env


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """`innomon serve` on ``port``, returned once it answers there."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "innomon", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_until_serving(proc, port)
    return proc
