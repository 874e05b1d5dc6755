"""Typesetting passports with Typst, in this process or in a pool of worker processes.

This module imports only ``typst`` and the standard library, so that a worker process (started
with ``spawn``: no copy of the parent's database connections) is ready at once. Each process
makes one ``typst.Compiler`` for the template and reuses it for every passport.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

_compiler: Any = None
_template: str | None = None
_lock = threading.Lock()


def _init(template: str) -> None:
    global _compiler, _template
    import typst

    _compiler = typst.Compiler(template)
    _template = template


def typeset(template: str, model: dict[str, Any] | str) -> bytes:
    """The PDF of one view model (a dict, or its JSON). Thread-safe: the web server's threads
    share the process's compiler one at a time."""
    data = model if isinstance(model, str) else json.dumps(model, ensure_ascii=False)
    with _lock:
        if _compiler is None or _template != template:
            _init(template)
        return _compiler.compile(format="pdf", sys_inputs={"data": data})


def _write(job: tuple[str, str, str]) -> str:
    template, data, path = job
    pdf = typeset(template, data)
    # a firm's figures: the file is 0600 from the start (innomon.config is not imported here)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pdf)
    return path


def _write_many(jobs: Sequence[tuple[str, str, str]]) -> int:
    for job in jobs:
        _write(job)
    return len(jobs)


def workers_for(count: int) -> int:
    """Worker processes for ``count`` passports: none (this process) for a few, else one per
    CPU up to 4 (``INNOMON_WORKERS`` overrides)."""
    env = os.environ.get("INNOMON_WORKERS")
    if env:
        return max(0, int(env))
    if count < 100:
        return 0
    return max(0, min(4, os.cpu_count() or 1))


def write_all(
    template: str,
    jobs: Sequence[tuple[str, Path]],
    on_done: Callable[[int], None] = lambda n: None,
) -> None:
    """Write the PDF of every (view model JSON, path) in ``jobs``; ``on_done(k)`` after each."""
    tasks = [(template, data, str(path)) for data, path in jobs]
    workers = workers_for(len(tasks))
    if workers <= 1:
        for k, task in enumerate(tasks, 1):
            _write(task)
            on_done(k)
        return
    chunk = max(1, min(32, len(tasks) // (workers * 8)))
    pool = ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_init, initargs=(template,)
    )
    try:
        # futures of our own rather than pool.map, whose iterator cancels the queued work when
        # it is closed, which the pool then trips over when its workers are ended (3.11)
        pending = [
            pool.submit(_write_many, tasks[i : i + chunk]) for i in range(0, len(tasks), chunk)
        ]
        k = 0
        for future in as_completed(pending):
            k += future.result()
            on_done(k)
    except BaseException:  # a failure, SIGTERM (as SystemExit) or Ctrl-C: end the workers now
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes at once (not after the queued passports) and wait for
    them, so that none writes a file after the caller removed its directory."""
    # ProcessPoolExecutor has no public way to do this before Python 3.14 (terminate_workers)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join()
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:  # its feeder thread may wait on a pipe nobody reads any more
        call_queue.cancel_join_thread()
    pool.shutdown(wait=False)
