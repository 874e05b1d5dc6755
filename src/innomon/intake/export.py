"""``innomon export``: a cleaned wave for analysts, with the questionnaire's labels.

One row per complete response of the wave: the firm's register fields (KvK number, SBI section,
size class, municipality, COROP region, province), then every question of the questionnaire in
form order. A select_multiple question becomes one 0/1 column per answer code
(``<variable>_<code>``), as SPSS and Stata users expect. SPSS (.sav) and Stata (.dta) files
carry the Dutch question texts as variable labels and the answer labels as value labels; CSV,
Parquet and Excel hold the values, and Excel a second sheet with the codebook.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innomon.config import create_private_file, private_mkdir
from innomon.errors import InputError, Problem, name_the_file
from innomon.instrument import Instrument
from innomon.survey.models import Response, Wave
from innomon.survey.questionnaires import wave_instrument

from .cells import FORMULA_START as FORMULA_START  # re-exported
from .cells import formula_safe

FORMATS = ("csv", "parquet", "sav", "dta", "xlsx")
FIRM_COLUMNS = {
    "kvk": "KvK-nummer",
    "sbi_section": "SBI-sectie",
    "size_class": "Grootteklasse",
    "municipality": "Gemeente (CBS-code)",
    "corop": "COROP-gebied (CBS-code)",
    "province": "Provincie (CBS-code)",
}


STATA_NAME = 30  # Stata allows 32, but readstat refuses value-label sets of 31+ characters


def _stata_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name)[:STATA_NAME]
    out, k = base, 1
    while out in used:
        suffix = f"_{k}"
        out, k = base[: STATA_NAME - len(suffix)] + suffix, k + 1
    used.add(out)
    return out


def wave_frame(
    wave: Wave, instrument: Instrument
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[Any, str]]]:
    """The wave as a table, with variable labels and value labels per column."""
    responses = (
        Response.objects.filter(wave=wave, status=Response.Status.COMPLETE)
        .select_related("firm__municipality__corop__province")
        .order_by("firm__kvk")
    )
    data: dict[str, list[Any]] = {c: [] for c in FIRM_COLUMNS}
    labels: dict[str, str] = dict(FIRM_COLUMNS)
    value_labels: dict[str, dict[Any, str]] = {}
    columns: list[tuple[str, Any, Any]] = []  # (column, question, code or None)
    for q in instrument.variables():
        if q.type == "select_multiple":
            int_codes = instrument.value_type(q) is int
            for k, choice in enumerate(instrument.choices(q), start=1):
                # <variable>_<code>; codes that are words (initiatives) by their number instead,
                # so names stay within SPSS's 64 and Stata's 32 characters
                col = f"{q.name}_{choice.name}" if int_codes else f"{q.name}_{k}"
                columns.append((col, q, choice.name))
                labels[col] = f"{q.label_nl} — {choice.label_nl}"[:250]
                value_labels[col] = {0: "niet gekozen", 1: "gekozen"}
        else:
            columns.append((q.name, q, None))
            labels[q.name] = q.label_nl
            if q.type == "select_one":
                vt = instrument.value_type(q)
                value_labels[q.name] = {
                    (int(c.name) if vt is int else c.name): c.label_nl
                    for c in instrument.choices(q)
                }
    for col, _q, _code in columns:
        data[col] = []
    for r in responses:
        firm = r.firm
        data["kvk"].append(firm.kvk)
        data["sbi_section"].append(firm.sbi_section)
        data["size_class"].append(firm.size_class)
        data["municipality"].append(firm.municipality.code)
        data["corop"].append(firm.municipality.corop.code)
        data["province"].append(firm.municipality.corop.province.code)
        for col, q, code in columns:
            value = r.answers.get(q.name)
            if code is not None:
                if value is None:
                    data[col].append(None)
                else:
                    chosen = {str(v) for v in value}
                    data[col].append(1 if str(code) in chosen else 0)
            else:
                data[col].append(value)
    frame = pd.DataFrame(data)
    for col, q, code in columns:
        if (
            code is not None
            or q.type in ("integer", "decimal")
            or (q.type == "select_one" and instrument.value_type(q) is int)
        ):
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame, labels, value_labels


def _fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8 (Stata counts bytes)."""
    data = text.encode("utf-8")[:limit]
    return data.decode("utf-8", errors="ignore")


def _inert(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Free-text answers made :func:`formula_safe`."""
    frame = frame.copy()
    for q in instrument.variables():
        if q.type == "text" and q.name in frame.columns:
            frame[q.name] = frame[q.name].map(formula_safe)
    return frame


def export_wave(wave: Wave, instrument: Instrument | None, fmt: str, out_dir: Path) -> Path:
    """Write the cleaned wave to ``<out_dir>/<region>/<year>/wave-<year>.<fmt>`` (atomically),
    with the columns and labels of ``instrument`` — None: the questionnaire the wave was asked
    with (``wave_instrument``), which is what the command uses. It holds every firm's KvK number
    and answers: the command passes the private tree (``config.private_dir()``), and the file
    is created 0600 in a 0700 folder from the start."""
    if instrument is None:
        instrument = wave_instrument(wave)
    if fmt not in FORMATS:
        raise InputError(
            [Problem("--format", None, None, f"'{fmt}' is not one of {', '.join(FORMATS)}")]
        )
    frame, labels, value_labels = wave_frame(wave, instrument)
    if frame.empty:
        raise InputError(
            [Problem(f"wave {wave.year}", None, None, "has no complete responses to export")]
        )
    folder = private_mkdir(out_dir / wave.region.code / str(wave.year))
    path = folder / f"wave-{wave.year}.{fmt}"
    tmp = create_private_file(folder / f".wave-{wave.year}.tmp.{fmt}")
    try:
        _write(frame, labels, value_labels, wave, instrument, fmt, tmp)
        tmp.replace(path)
    except BaseException as exc:  # a full disk too: no temporary file left, the old file kept
        tmp.unlink(missing_ok=True)
        name_the_file(exc, path)
        raise
    return path


def _write(
    frame: pd.DataFrame,
    labels: dict[str, str],
    value_labels: dict[str, dict[Any, str]],
    wave: Wave,
    instrument: Instrument,
    fmt: str,
    tmp: Path,
) -> None:
    """Write the table to ``tmp`` (an existing private file: every writer keeps its mode)."""
    if fmt in ("csv", "xlsx"):
        frame = _inert(frame, instrument)
    if fmt == "csv":
        frame.to_csv(tmp, index=False)
    elif fmt == "parquet":
        frame.to_parquet(tmp, index=False)
    elif fmt == "xlsx":
        codebook = pd.DataFrame({"variable": list(labels), "label": list(labels.values())})
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=f"wave {wave.year}", index=False)
            codebook.to_excel(writer, sheet_name="codebook", index=False)
    else:
        import pyreadstat

        if fmt == "dta":
            used: set[str] = set()
            renames = {c: _stata_name(c, used) for c in frame.columns}
            frame = frame.rename(columns=renames)
            labels = {renames[k]: _fit(v, 80) for k, v in labels.items()}
            value_labels = {
                renames[k]: {int(c): t for c, t in v.items() if isinstance(c, int | np.integer)}
                for k, v in value_labels.items()
            }
            value_labels = {k: v for k, v in value_labels.items() if v}
            pyreadstat.write_dta(
                frame, str(tmp), column_labels=labels, variable_value_labels=value_labels
            )
        else:
            pyreadstat.write_sav(
                frame, str(tmp), column_labels=labels, variable_value_labels=value_labels
            )
