"""Write a wave of the demo as a Qualtrics CSV export — three header rows (column names,
question texts, import ids), metadata columns first, embedded data for the firm, then one
column per question; multiple answers comma-separated, as Qualtrics writes them."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from innomon.config import open_private, private_mkdir
from innomon.instrument import Instrument

META = (
    "StartDate",
    "EndDate",
    "Status",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "ExternalReference",
)
EMBEDDED = ("firm_name", "sbi_code", "municipality")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _stamp(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def write_export(
    path: Path,
    year: int,
    responses: list[dict[str, Any]],
    firms: dict[str, dict[str, Any]],
    instrument: Instrument,
) -> Path:
    """Write the complete and partial ``responses`` of wave ``year`` to ``path``."""
    questions = list(instrument.as_of(year).variables())
    header = [*META, *EMBEDDED, *(q.name for q in questions)]
    texts = [*META, "Bedrijfsnaam", "SBI-code", "Gemeente", *(q.label_nl for q in questions)]
    ids = [json.dumps({"ImportId": h}) for h in META] + [
        json.dumps({"ImportId": f"QID{j}"}) for j in range(1, len(header) - len(META) + 1)
    ]
    private_mkdir(path.parent)  # the firms' raw answers: a private file in a private folder
    tmp = path.with_suffix(".tmp")
    with open_private(tmp, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerows([header, texts, ids])
        for k, r in enumerate(responses, start=1):
            if r["status"] not in ("complete", "partial"):
                continue
            firm = firms[r["kvk"]]
            finished = r["status"] == "complete"
            started, submitted = r.get("started_at"), r.get("submitted_at")
            meta = [
                _stamp(started),
                _stamp(submitted or started),
                "0",
                "100" if finished else "40",
                str(int((submitted - started).total_seconds())) if submitted and started else "",
                "1" if finished else "0",
                _stamp(submitted or started),
                f"R_demo{year}{k:05d}",
                r["kvk"],
            ]
            embedded = [firm["name"], firm["sbi_code"], firm["municipality"]]
            writer.writerow(
                [*meta, *embedded, *(_text(r["answers"].get(q.name)) for q in questions)]
            )
    tmp.replace(path)
    return path
