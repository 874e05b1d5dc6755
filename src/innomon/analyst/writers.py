"""Write the analysts' results: estimates as CSV or JSON, weighted data as CSV, Excel or Parquet.

Files are written whole or not at all: into a temporary file in the target's folder, renamed
over the target at the end — so an error never leaves half a file, and an existing file stays
as it was. Numbers keep full precision (``repr``); missing numbers are empty in CSV and ``null``
in JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from innomon import tabular
from innomon.analyst.readers import Table, fail
from innomon.errors import name_the_file
from innomon.stats import Estimate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from innomon.analyst.commands import WeightResult

ESTIMATE_FORMATS = (".csv", ".json")
TABLE_FORMATS = (".csv", ".xlsx", ".parquet")
HEAD = ("statistic", "variable", "level")
MEASURES = ("estimate", "se", "ci_low", "ci_high", "cv", "n", "suppressed")
OUTPUT_COLUMNS = (*HEAD, *MEASURES)
JSON_MEASURES = ("estimate", "se", "ci_low", "ci_high", "cv", "df", "n", "n_missing")
_LEADING_ZERO = re.compile(r"[+-]?0\d")


def check_output(path: Path | None, formats: Sequence[str]) -> None:
    """Refuse, before any work, an output file of an unknown kind or in a missing folder."""
    if path is None:
        return
    if path.suffix.lower() not in formats:
        kinds = ", ".join(formats[:-1]) + f" or {formats[-1]}"
        fail(f"{path.name}: unknown kind of output file; --output takes a {kinds} file")
    if path.is_dir():
        fail(f"{path}: is a folder; give --output a file name")
    if not path.parent.is_dir():
        fail(f"{path}: the folder {path.parent} does not exist; create it first")


def _file_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """An open file whose content replaces ``path`` only when the block ends without error."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        fail(f"{path}: cannot write it ({exc.strerror}); choose a folder you can write to")
    done = False
    try:
        if binary:
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
        done = True
    except OSError as exc:  # a full disk: the message names the output, not the temporary file
        name_the_file(exc, path)
        raise
    finally:
        if not done:
            with suppress(OSError):
                os.unlink(tmp)


# ------------------------------------------------------------------------------- estimates


def _text(value: Any) -> str:
    """A CSV field: floats in full precision, NaN empty, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    return str(value)


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _write_csv(estimates: Sequence[Estimate], by: Sequence[str], fh: TextIO) -> None:
    columns = [*HEAD, *by, *MEASURES]
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(columns)
    for e in estimates:
        row = e.as_row(tuple(by))
        writer.writerow([_text(row[c]) for c in columns])


def _json_rows(estimates: Sequence[Estimate], by: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for e in estimates:
        row = e.as_row(tuple(by))
        obj: dict[str, Any] = {"statistic": e.statistic, "variable": e.variable, "level": e.level}
        obj.update({b: row[b] for b in by})
        for key in JSON_MEASURES:
            value = row[key]
            obj[key] = _json_number(value) if isinstance(value, float) else value
        obj["suppressed"] = e.suppressed
        obj["reason"] = e.reason
        out.append(obj)
    return out


def write_estimates(
    estimates: Sequence[Estimate], by: Sequence[str], output: Path | None, stdout: TextIO
) -> None:
    """One row per statistic × variable × level × domain: CSV to ``stdout`` without
    ``output``; else CSV or JSON (by extension) to ``output``."""
    if output is None:
        _write_csv(estimates, by, stdout)
        return
    if output.suffix.lower() == ".json":
        with atomic(output) as fh:
            json.dump(_json_rows(estimates, by), fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        return
    with atomic(output) as fh:
        _write_csv(estimates, by, fh)


# ------------------------------------------------------------------------------- tables


def _value_text(value: Any) -> str:
    """A data value as a CSV field: missing empty, whole numbers without '.0', other numbers in
    full precision, dates in ISO 8601, booleans 1/0 (as they are read)."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _arrow_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of Python objects (Excel cells, SPSS labels) typed for Parquet: numbers as
    numbers, dates as dates, anything else — mixed columns too — as text."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object:
            continue
        values = out[col].to_numpy(dtype=object)
        present = [v for v in values if _value_text(v) != ""]
        if all(_is_number(v) for v in present):
            out[col] = [float(v) if _is_number(v) else math.nan for v in values]
        elif not all(isinstance(v, str) for v in present) and not all(
            isinstance(v, dt.date) for v in present
        ):
            out[col] = pd.Series(
                [_value_text(v) or None for v in values], index=out.index, dtype=object
            )
    return out


def _data_columns(table: Table) -> dict[str, np.ndarray]:
    """The data as read: numbers as numbers, except codes written with leading zeros
    (identifiers), which stay text as the file has them."""
    data: dict[str, np.ndarray] = {}
    for col, values in table.columns.items():
        if values.dtype.kind == "f" and col in table.raw.columns:
            cells = table.raw.columns[col]
            if pc.any(pc.match_substring_regex(cells, _LEADING_ZERO.pattern)).as_py():
                text = cells.to_numpy(zero_copy_only=False)
                values = np.where(np.isnan(values), None, text)
        data[col] = values
    return data


def _frame(table: Table, name: str, weights: np.ndarray) -> pd.DataFrame:
    """The data as read (``_data_columns``) plus the weight column."""
    import pandas as pd

    frame = pd.DataFrame(_data_columns(table))
    frame[name] = weights
    return frame


def _weight_text(weights: np.ndarray, decimal_comma: bool) -> pa.Array:
    text = pa.array([repr(float(w)) for w in weights], pa.string())
    return pc.replace_substring(text, ".", ",") if decimal_comma else text


def _csv_columns(table: Table) -> dict[str, pa.Array]:
    """The cells to write as CSV: a CSV file's cells as they were; another file's values as
    text (whole numbers without '.0', others in full precision)."""
    if table.is_csv:
        return dict(table.raw.columns)
    out: dict[str, pa.Array] = {}
    for col, values in _data_columns(table).items():
        if values.dtype.kind == "f":
            whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 2**53)
            texts = [
                "" if not math.isfinite(v) else str(int(v)) if w else repr(float(v))
                for v, w in zip(values.tolist(), whole.tolist(), strict=True)
            ]
            out[col] = pa.array(texts, pa.string())
        else:
            out[col] = pa.array([_value_text(v) for v in values], pa.string())
    return out


def write_table(table: Table, name: str, weights: np.ndarray, output: Path) -> None:
    """The data of ``table`` with ``weights`` as the last column ``name``, to ``output`` (CSV,
    XLSX or Parquet by extension). A CSV file written as CSV keeps its cells as they were, its
    separator and its decimal comma; other files keep their values where the output format can
    hold them (numbers as numbers, identifiers with leading zeros and text as text)."""
    import pyarrow.csv as pcsv

    suffix = output.suffix.lower()
    if suffix != ".csv" or not table.is_csv:
        tabular.arrow_with_pandas()
    if suffix == ".csv":
        columns = _csv_columns(table)
        delimiter = table.raw.delimiter if table.is_csv else ","
        columns[name] = _weight_text(weights, table.is_csv and table.decimal_comma)
        data = pa.table({k: pc.fill_null(v, "") for k, v in columns.items()})
        with atomic(output, binary=True) as fh:
            pcsv.write_csv(
                data,
                fh,
                pcsv.WriteOptions(delimiter=delimiter or ",", quoting_style="needed"),
            )
        return
    frame = _frame(table, name, weights)
    with atomic(output, binary=True) as fh:
        if suffix == ".xlsx":
            frame.to_excel(fh, index=False, engine="openpyxl")
        else:
            _arrow_ready(frame).to_parquet(fh, engine="pyarrow", index=False)


# ------------------------------------------------------------------------------- diagnostics


def describe_weights(result: WeightResult) -> list[str]:
    """The diagnostics ``innomon weight`` prints: what it did, then one figure per line."""
    d = result.diagnostics
    margins = ", ".join(result.margins)
    how = {"rake": "raking", "poststratify": "post-stratification"}.get(
        result.method, "linear calibration"
    )
    lines = [
        f"innomon: wrote {result.output} — {result.data} with the weight adjusted by {how} "
        f"on {margins} in column '{result.column}'",
    ]
    figures: list[tuple[str, str]] = [
        ("n", f"{d.n}"),
        ("sum of weights", f"{d.total:.10g}"),
        ("Kish effective n", f"{d.kish_n_eff:.6g}"),
        ("design effect of weighting", f"{d.deff_weighting:.6g}"),
        ("weight: minimum", f"{d.minimum:.6g}"),
        ("weight: 5th percentile", f"{d.p05:.6g}"),
        ("weight: median", f"{d.median:.6g}"),
        ("weight: 95th percentile", f"{d.p95:.6g}"),
        ("weight: maximum", f"{d.maximum:.6g}"),
    ]
    if result.rake is not None:
        figures.append(("raking sweeps", f"{result.rake.sweeps}"))
        figures.append(("converged", "yes" if result.rake.converged else "no"))
    if result.trimmed is not None:
        low, high = result.trimmed
        figures.append(("trimmed to", f"{low:g} – {high:g}"))
    figures.append(("largest margin error", f"{result.margin_error:.3g}"))
    lines += [f"  {label:<28} {value}" for label, value in figures]
    if result.rake is not None and not result.rake.converged:
        lines.append("  warning: raking did not converge; the weights miss the margins")
    if result.non_positive:
        lines.append(
            f"  warning: {result.non_positive} weight(s) are zero or negative; trim them "
            "(--trim) or rake instead"
        )
    return lines
