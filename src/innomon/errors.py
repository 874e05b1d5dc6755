"""Errors that reach a user: one line saying where the problem is and what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input record: where (source, row, field) and what is wrong."""

    source: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InnomonError(Exception):
    """Base class for errors shown to the user as one line (no traceback).

    ``exit_code`` is the command's exit status: 1 for a problem with data or environment;
    subclasses that report a wrong invocation (a file or column the user named) use 2.
    """

    exit_code: int = 1


class InputError(InnomonError):
    """Input records were rejected; nothing of the batch was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0])
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}; nothing was written — correct the input and run again")


def name_the_file(exc: BaseException, path: object) -> None:
    """Let an ``OSError`` that names no file (a failed ``write`` or ``flush`` — a full disk —
    names none) name ``path``, the file being written, so that the one-line error can say which
    output could not be written."""
    if isinstance(exc, OSError) and exc.filename is None:
        exc.filename = str(path)
