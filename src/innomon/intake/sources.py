"""Reading a survey-tool export: a thin wrapper over ``innomon.tabular``, the one table reader.

Formats by extension: ``.csv`` (UTF-8 with or without BOM, or Windows-1252; separated by ``,``,
``;`` or a tab; a Qualtrics export recognised by its three header rows, a LimeSurvey export by
its metadata columns), ``.xlsx`` (the first sheet), ``.sav`` (SPSS), ``.dta`` (Stata) and
``.parquet``. Nothing is converted here: every cell stays the text the file holds (numbers from
SPSS/Stata as their shortest text), so that the import can check it against the questionnaire
and report it as it was.
"""

from __future__ import annotations

from pathlib import Path

from innomon.tabular import SUFFIXES, RawTable, read_table

SourceTable = RawTable

__all__ = ["SUFFIXES", "SourceTable", "read_source"]


def read_source(path: Path) -> RawTable:
    """Read the export at ``path`` by its extension; a file of the wrong type, or one that
    cannot be read, is an ``InputError`` naming it."""
    return read_table(Path(path), suffixes=SUFFIXES)
