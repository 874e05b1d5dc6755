"""Cells of the spreadsheets innomon writes (CSV, Excel) with text from outside — answers,
firm names, imported values: never run as a formula when a spreadsheet opens them."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """``value`` as a spreadsheet cell that is never run as a formula: text starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (``=HYPERLINK(…)``, ``@SUM(…)``)
    prefixed with an apostrophe, as OWASP advises for CSV and Excel files; anything else as
    it is. The one helper of the exports and the import report."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
