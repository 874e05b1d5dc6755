"""Every problem of a questionnaire workbook, one line each (``innomon instrument check``).

``load_instrument`` stops at the first problem; ``problems`` goes on through the whole workbook
and returns them all, in the order the loader meets them, each an ``InstrumentError`` whose text
is one line ``<file>, sheet S, row R, column C: what is wrong``. A problem after which nothing
more can be checked (not a workbook, a sheet or a required column missing) ends the list.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from innomon.instrument.loader import collect_problems
from innomon.instrument.model import InstrumentError

__all__ = ["problems"]


def problems(
    path_or_bytes: Path | str | bytes,
    source: str | None = None,
    *,
    parameters: Collection[str] | None = None,
    initiatives: Sequence[Mapping] | None = None,
) -> list[InstrumentError]:
    """Every problem of the workbook at ``path_or_bytes`` (a path, or the workbook's bytes);
    an empty list when ``load_instrument`` accepts it.

    ``source`` is the file name the lines name (by default the file's own, or
    ``questionnaire.xlsx`` for bytes). With ``parameters`` (the parameter names of the monitor
    definition), a context variable ``parameter.<name>`` whose name is not among them is a
    problem too. ``initiatives`` fill the registry's choice lists, as for ``load_instrument``.
    """
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return collect_problems(
            initiatives, data=bytes(path_or_bytes), source=source, parameters=parameters
        )
    return collect_problems(initiatives, Path(path_or_bytes), source=source, parameters=parameters)
