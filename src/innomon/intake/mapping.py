"""How the columns and codes of a survey-tool export map onto the questionnaire.

A mapping file (YAML) says, for one export layout::

    source: qualtrics            # plain | qualtrics | limesurvey
    columns:                     # export column → questionnaire variable or firm field
      Q1: employees
      ExternalReference: kvk
    values:                      # per variable: export code → questionnaire code
      product_innovation: {"Ja": "1", "Nee": "0"}
    multiple:                    # a select_multiple spread over 0/1 columns
      obstacles: {Q20_1: "1", Q20_2: "2"}
    ignore: [Q99]                # export columns that are not part of the monitor

Without a file, column names must be the questionnaire's own variable names (plus the firm
fields); the survey tools' own metadata columns (Qualtrics' ``ResponseId``, ``Finished``…,
LimeSurvey's ``id``, ``submitdate``…) are understood by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from innomon.errors import InputError, Problem

SOURCES = ("plain", "qualtrics", "limesurvey")
# firm fields an export may carry besides the answers
FIRM_FIELDS = ("kvk", "firm_name", "sbi_code", "municipality", "status")
# metadata the import reads: status and timestamps
META = ("_finished", "_submitted", "_started", "_response_id")

DEFAULT_COLUMNS = {
    "qualtrics": {
        "ExternalReference": "kvk",
        "Finished": "_finished",
        "RecordedDate": "_submitted",
        "StartDate": "_started",
        "ResponseId": "_response_id",
    },
    "limesurvey": {
        "id": "_response_id",
        "submitdate": "_submitted",
        "startdate": "_started",
        "token": "kvk",
    },
    "plain": {},
}
DEFAULT_IGNORE = {
    "qualtrics": (
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
    ),
    "limesurvey": ("lastpage", "startlanguage", "seed", "datestamp", "refurl", "ipaddr"),
    "plain": (),
}


@dataclass(frozen=True)
class Mapping:
    source: str
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    multiple: dict[str, dict[str, str]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    def target(self, column: str) -> str | None:
        """The variable an export column holds (None: ignored)."""
        if column in self.ignore:
            return None
        return self.columns.get(column, column)

    def code(self, variable: str, value: str) -> str:
        return self.values.get(variable, {}).get(value, value)


def load_mapping(path: Path | None, source: str | None, detected: str) -> Mapping:
    """The mapping for an export: from ``path`` if given, on top of the defaults of its source
    (``source``, else what the file looked like)."""
    data: dict = {}
    if path is not None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(
                [Problem(path.name, None, None, f"is not a readable YAML mapping ({exc})")]
            ) from exc
        if not isinstance(data, dict):
            raise InputError([Problem(path.name, None, None, "must be a YAML mapping")])
        unknown = set(data) - {"source", "columns", "values", "multiple", "ignore"}
        if unknown:
            raise InputError(
                [
                    Problem(
                        path.name,
                        None,
                        sorted(unknown)[0],
                        "is not a mapping key (source, columns, values, multiple, ignore)",
                    )
                ]
            )
    chosen = source or data.get("source") or detected
    if chosen not in SOURCES:
        raise InputError(
            [
                Problem(
                    str(path or "--source"),
                    None,
                    "source",
                    f"'{chosen}' is not one of {', '.join(SOURCES)}",
                )
            ]
        )
    columns = {
        **DEFAULT_COLUMNS[chosen],
        **{str(k): str(v) for k, v in (data.get("columns") or {}).items()},
    }
    values = {
        str(var): {str(k): str(v) for k, v in codes.items()}
        for var, codes in (data.get("values") or {}).items()
    }
    multiple = {
        str(var): {str(k): str(v) for k, v in cols.items()}
        for var, cols in (data.get("multiple") or {}).items()
    }
    ignore = frozenset(DEFAULT_IGNORE[chosen]) | frozenset(str(c) for c in data.get("ignore") or [])
    return Mapping(chosen, columns, values, multiple, ignore)
