"""The analysts' tools: survey estimates and weights from a data file, on the command line.

``readers`` reads a data file (CSV, Excel, Parquet, SPSS) into columns, ``margins`` reads and
checks a file of population totals, ``commands`` holds the services behind ``innomon estimate``
and ``innomon weight`` (on top of ``innomon.stats``), ``writers`` writes their results — always
whole files or none. Nothing here touches the database.
"""

from __future__ import annotations

from innomon.errors import InnomonError


class AnalystError(InnomonError):
    """The data, margins or options an analyst gave cannot be used. One line: the file, the row
    and column where known, what is wrong and what to do; exit code 2, like a wrong command line
    (the user named the file and the columns)."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(" ".join(message.splitlines()))
