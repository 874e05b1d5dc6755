"""The codebook: one row per variable — its question in Dutch and English, type, codes,
condition and first wave — as Markdown for people and CSV for SPSS, Stata and Excel.

After the questions come the derived variables (type ``calculate``, their calculation in the
column of codes) and the context variables (type ``hidden``, their source there)."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import astuple, dataclass
from pathlib import Path

from innomon.instrument.model import Instrument, InstrumentError, Question

COLUMNS = ("variable", "question_nl", "question_en", "type", "values", "relevance", "since")
HEADINGS = (
    "variable",
    "vraag",
    "question",
    "type",
    "codes",
    "gesteld als / asked if",
    "sinds / since",
)
MD_NAME, CSV_NAME = "codebook.md", "codebook.csv"
_VERSION = re.compile(r"(\d{4})(?:\.\d+)?")


@dataclass(frozen=True)
class CodebookRow:
    """One variable of the codebook."""

    variable: str
    question_nl: str
    question_en: str
    type: str
    values: str
    relevance: str
    since: int | None


def version_year(version: str, source: str = "codebook") -> int:
    """The wave year of a questionnaire version such as ``2018.1``."""
    m = _VERSION.fullmatch(version.strip())
    if not m:
        raise InstrumentError(source, f"{version!r} is not a questionnaire version such as 2018.1")
    return int(m.group(1))


def _values(instrument: Instrument, question: Question) -> str:
    if not question.is_select:
        return ""
    choices = instrument.choices(question)
    if not choices and question.list_name in instrument.registry_lists:
        return "initiatieven uit het register / initiatives from the registry"
    return "; ".join(
        f"{c.name}={c.label_nl}"
        if c.label_nl == c.label_en
        else f"{c.name}={c.label_nl}/{c.label_en}"
        for c in choices
    )


def codebook_rows(
    instrument: Instrument, version: str | None = None, *, derived: bool = True
) -> list[CodebookRow]:
    """The variables of the questionnaire, in form order: the questions, then (``derived``) the
    calculations and the context variables.

    With ``version`` (e.g. ``2018.1``) only the questions asked in that version: those whose
    ``since`` is at most its year (questions without one are always included), and the
    calculations ``Instrument.as_of`` keeps for that year. A version newer than the
    questionnaire's own is an error: the questionnaire cannot tell what it will hold.
    """
    year = None
    if version is not None:
        year = version_year(version, instrument.source or "codebook")
        own = version_year(instrument.version, instrument.source or "codebook")
        if year > own:
            raise InstrumentError(
                instrument.source or "codebook",
                f"version {version} is newer than the questionnaire ({instrument.version})",
            )
    rows = [
        CodebookRow(
            variable=q.name,
            question_nl=q.label_nl,
            question_en=q.label_en,
            type=f"{q.type} {q.list_name}" if q.list_name else q.type,
            values=_values(instrument, q),
            relevance=q.relevant_text,
            since=q.since,
        )
        for q in instrument.variables()
        if year is None or q.since is None or q.since <= year
    ]
    if not derived:
        return rows
    scope = instrument if year is None else instrument.as_of(year)
    rows += [
        CodebookRow(c.name, c.label_nl, c.label_en, "calculate", c.calculation_text, "", c.since)
        for c in scope.calculations
    ]
    rows += [
        CodebookRow(c.name, c.label_nl, c.label_en, "hidden", c.source, "", None)
        for c in scope.context
    ]
    return rows


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(instrument: Instrument, rows: list[CodebookRow], version: str | None) -> str:
    scope = (
        f"Vragen gesteld in versie {version} / questions asked in version {version}"
        if version
        else "Alle vragen / all questions"
    )
    lines = [
        f"# Codeboek / Codebook — {instrument.title_nl}",
        "",
        f"{instrument.title_en}. Vragenlijst / questionnaire {instrument.version} "
        f"({instrument.form_id}). {scope}: {len(rows)} variabelen / variables.",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "|" + "---|" * len(HEADINGS),
    ]
    for row in rows:
        cells = [f"`{row.variable}`", *(_cell(v) for v in astuple(row)[1:])]
        if row.relevance:
            cells[5] = f"`{_cell(row.relevance)}`"
        if row.type in ("calculate", "hidden"):
            cells[4] = f"`{_cell(row.values)}`"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_csv(rows: list[CodebookRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else v for v in astuple(row)])
    return out.getvalue()


def _temporary(directory: Path, name: str, text: str, encoding: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
    except BaseException:
        os.unlink(tmp)
        raise
    os.chmod(tmp, 0o644)  # mkstemp makes it private; a codebook is for everyone who reads out/
    return Path(tmp)


def write_codebook(
    instrument: Instrument, out_dir: Path, version: str | None = None
) -> tuple[Path, Path]:
    """Write ``codebook.md`` and ``codebook.csv`` (UTF-8 with BOM, for Excel) to ``out_dir``.

    Both files are written to temporary files first and then renamed, so a reader never sees
    half a codebook. Returns (markdown path, CSV path).
    """
    rows = codebook_rows(instrument, version)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, csv_path = out_dir / MD_NAME, out_dir / CSV_NAME
    md_tmp = _temporary(out_dir, MD_NAME, render_markdown(instrument, rows, version), "utf-8")
    try:
        csv_tmp = _temporary(out_dir, CSV_NAME, render_csv(rows), "utf-8-sig")
    except BaseException:
        md_tmp.unlink()
        raise
    os.replace(md_tmp, md_path)
    os.replace(csv_tmp, csv_path)
    return md_path, csv_path
