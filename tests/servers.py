"""Waiting for a server that a test started: by its output and its port, never by the clock."""

from __future__ import annotations

import socket
import subprocess
import time


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
