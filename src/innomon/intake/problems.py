"""What the import reports about cells: a problem in a row (``RowProblem``), a cell stored after
a reading that changed it (``Reading``), and what became of each column of the file
(``ColumnUse``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import override

__all__ = ["ColumnUse", "Reading", "RowProblem", "in_both"]

USES = ("answer", "multiple", "computed", "kvk", "firm", "meta", "ignored", "unaccounted")


def in_both(message: Any, params: dict[str, Any]) -> tuple[str, str]:
    """``message % params`` in Dutch and in English, whatever the active language; a parameter
    may itself be lazy (rendered in each language)."""
    texts = []
    for lang in ("nl", "en"):
        with override(lang):
            texts.append(message % params if params else str(message))
    return texts[0], texts[1]


@dataclass
class RowProblem:
    """A problem with one cell: ``row`` is the 0-based data-row index (the report shows the
    file's own row number, ``table.row_numbers[row]``), ``value`` the cell as in the file."""

    row: int
    column: str
    value: Any
    rule: str  # type | choice | number | kvk | register | relevance | constraint | required | ...
    message_nl: str
    message_en: str

    @classmethod
    def of(cls, row: int, column: str, value: Any, rule: str, message, **params) -> RowProblem:
        """A problem whose message — a lazy gettext msgid with ``%(name)s`` parameters — is
        rendered from the catalogues in both languages the quarantine keeps."""
        return cls(row, column, value, rule, *in_both(message, params))

    def as_dict(self, table: Any) -> dict[str, Any]:
        return {
            "row": int(table.row_numbers[self.row]),
            "column": self.column,
            "value": "" if self.value is None else str(self.value),
            "rule": self.rule,
            "message_nl": self.message_nl,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class Reading:
    """Cells of ``column`` typed ``original`` and stored as ``stored`` after a reading that
    changed them (a typed number, a KvK number, a choice label), ``count`` of them. ``note``
    says which reading: ``label``, ``value label``, ``thousands``, ``approximate``, ``percent``,
    ``multiplier``, ``currency``, ``grouped``, ``normalised``, ``leading zero``, ``mapping``."""

    column: str
    original: str
    stored: str
    count: int
    note: str = ""


@dataclass(frozen=True)
class ColumnUse:
    """What the import made of one column of the file: ``use`` (one of ``USES``), ``target``
    (the variable, firm field or metadata key), and its cells: ``filled`` (non-empty), ``read``
    (stored as values or metadata) and ``problems`` (reported with row, column and value).
    For every use but ``ignored`` and ``unaccounted``, ``read + problems == filled``."""

    column: str
    use: str
    target: str | None
    filled: int = 0
    read: int = 0
    problems: int = 0
