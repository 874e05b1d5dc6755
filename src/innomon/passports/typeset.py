"""Typesetting passports with Typst, in this process or in a pool of worker processes.

This module imports only ``typst`` and the standard library, so that a worker process (started
with ``spawn``: no copy of the parent's database connections) is ready at once. Each process
makes one ``typst.Compiler`` for the template and reuses it for every passport.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
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
    Path(path).write_bytes(typeset(template, data))
    return path


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
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_init, initargs=(template,)
    ) as pool:
        done: Iterator[str] = pool.map(_write, tasks, chunksize=chunk)
        for k, _path in enumerate(done, 1):
            on_done(k)
