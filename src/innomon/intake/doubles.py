"""One firm several times in one file: which of its rows is its response.

- an **exact double** submit (the same status and the same answers) counts once: the first
  row is the response, the others are listed in the report as its doubles;
- a **complete** response **supersedes** the firm's partial (unfinished) ones: they are not
  stored, and the report says which row superseded them; of several different partial ones
  (and no complete one) the latest — by the tool's date, else the last row — is kept;
- two (or more) **different complete** responses: none is chosen — all are held in the
  quarantine (rule ``double``), together, and the report shows them side by side.

Only the firms that occur more than once are looked at (found with numpy, not row by row).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Grouping:
    doubles: dict[int, int] = field(default_factory=dict)  # row → the row it is an exact double of
    superseded: dict[int, int] = field(default_factory=dict)  # partial row → the row kept
    held: list[list[int]] = field(default_factory=list)  # rows of different complete responses

    @property
    def dropped(self) -> set[int]:
        """Rows that are not stored (nor held): doubles and superseded partials."""
        return set(self.doubles) | set(self.superseded)


def repeated(kvks: np.ndarray, rows: np.ndarray) -> dict[str, list[int]]:
    """KvK number → its rows (in file order), among ``rows``, for the numbers found more than
    once."""
    if len(rows) == 0:
        return {}
    keys = kvks[rows].astype(str)
    uniques, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    many = np.flatnonzero(counts > 1)
    out: dict[str, list[int]] = {}
    for u in many.tolist():
        out[str(uniques[u])] = sorted(rows[inverse == u].tolist())
    return out


def digest(answers: dict[str, Any], complete: bool) -> str:
    """The same status and answers: the same digest."""
    text = json.dumps([complete, answers], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def group_rows(
    groups: dict[str, list[int]],
    complete: np.ndarray,
    answers: Any,
    submitted: np.ndarray | None = None,
) -> Grouping:
    """Decide, per firm found more than once (``repeated``), which row is its response.
    ``answers(i)`` gives row ``i``'s answers (only asked for these rows)."""
    out = Grouping()
    for rows in groups.values():
        first_of: dict[str, int] = {}
        distinct: list[int] = []
        for i in rows:
            d = digest(answers(i), bool(complete[i]))
            if d in first_of:
                out.doubles[i] = first_of[d]
            else:
                first_of[d] = i
                distinct.append(i)
        completes = [i for i in distinct if complete[i]]
        partials = [i for i in distinct if not complete[i]]
        if len(completes) > 1:
            out.held.append(completes)
            keep = None
        elif completes:
            keep = completes[0]
        else:
            keep = max(partials, key=lambda i: (_when(submitted, i), i))
        for i in partials:
            if i != keep:
                out.superseded[i] = keep if keep is not None else completes[0]
    return out


def _when(submitted: np.ndarray | None, i: int) -> Any:
    value = None if submitted is None else submitted[i]
    return (value is not None, value.timestamp() if value is not None else 0.0)
