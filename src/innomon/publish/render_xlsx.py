"""The report's tables as an Excel workbook (openpyxl): a cover, a sheet per chapter with its
tables, the indicator definitions on a sheet of their own, and every estimate in long form
(single domains and two-way crosses) for analysts. The questions chapter is one sheet in long
form: every question's weighted table for the region and each single domain.

Numbers are numbers (the printed scale, e.g. percentages, with a number format), confidence
intervals two columns; a suppressed cell holds the word ("onderdrukt" / "suppressed"), never
zero or blank. Every sheet starts with the synthetic-data label when the data are synthetic.
"""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .model import Chapter, NotAsked, Num, Paragraph, Range, Report, Suppressed, Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WARN = Font(bold=True, color="8A4B00")
ITALIC = Font(italic=True, color="57606A")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or "Sheet"
    out, i = base, 2
    while out.lower() in used:
        out = f"{base[:28]} {i}"
        i += 1
    used.add(out.lower())
    return out


class _Sheet:
    def __init__(self, wb: Workbook, name: str, report: Report, widths: list[int]) -> None:
        self.ws = wb.create_sheet(name)
        for i, w in enumerate(widths):
            self.ws.column_dimensions[chr(ord("A") + i)].width = w
        if report.synthetic:
            self.row([self.cell(report.synthetic_note, WARN)])
            self.row([])

    def cell(self, value: Any, font: Font | None = None, fmt: str | None = None) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws, value=value)
        if font is not None:
            c.font = font
        if fmt is not None:
            c.number_format = fmt
        return c

    def row(self, cells: list[Any]) -> None:
        self.ws.append(cells)

    def num(self, n: Num) -> WriteOnlyCell:
        fmt = "0" if n.decimals == 0 else "0." + "0" * n.decimals
        return self.cell(n.value * n.scale, fmt=fmt)


def _range_columns(table: Table) -> set[int]:
    """The columns holding confidence intervals: any cell a Range, or a CI heading."""
    return {
        i
        for i, name in enumerate(table.columns)
        if "95%" in name
        or any(isinstance(cells[i], Range) for _l, cells in table.rows if i < len(cells))
    }


def _write_table(sheet: _Sheet, table: Table, labels: dict[str, str]) -> None:
    """The table with each interval column split into its lower and upper bound."""
    range_cols = _range_columns(table)
    headers: list[str] = []
    for i, name in enumerate(table.columns):
        headers += [labels["ci_low"], labels["ci_high"]] if i in range_cols else [name]
    sheet.row([sheet.cell(table.title, BOLD)])
    sheet.row([sheet.cell("")] + [sheet.cell(h, BOLD) for h in headers])
    for label, cells in table.rows:
        out: list[Any] = [label]
        for i, c in enumerate(cells):
            if i in range_cols:
                if isinstance(c, Range):
                    out += [sheet.num(c.low), sheet.num(c.high)]
                elif isinstance(c, Suppressed):
                    out += [sheet.cell(c.text, ITALIC), sheet.cell(c.text, ITALIC)]
                else:
                    out += [c.text, c.text]
            elif isinstance(c, Num):
                out.append(sheet.num(c))
            elif isinstance(c, Suppressed | NotAsked):
                out.append(sheet.cell(c.text, ITALIC))
            else:
                out.append(c.text)
        sheet.row(out)
    if table.note:
        sheet.row([sheet.cell(table.note, ITALIC)])
    sheet.row([])


def _write_questions(wb: Workbook, name: str, report: Report, chapter: Chapter) -> None:
    """Every question's estimates in long form: one row per wave, question, answer code,
    domain and domain value; a suppressed estimate is the word."""
    lab = report.labels
    sheet = _Sheet(wb, name, report, [8, 24, 60, 10, 24, 32, 12, 12, 12, 8, 14])
    sheet.row([sheet.cell(chapter.title, TITLE)])
    for block in chapter.blocks[:1]:
        if isinstance(block, Paragraph):
            sheet.row([_text(block)])
    sheet.row([])
    sheet.row(
        [
            sheet.cell(lab[key], BOLD) if key != "n" else sheet.cell("n", BOLD)
            for key in (
                "wave",
                "question",
                "label",
                "code",
                "domain",
                "value",
                "estimate",
                "ci_low",
                "ci_high",
                "n",
                "status",
            )
        ]
    )
    for r in report.question_rows:
        if r["suppressed"]:
            values: list[Any] = [sheet.cell(lab["suppressed"], ITALIC) for _i in range(3)]
            status = lab["suppressed"]
        else:
            values = [
                sheet.cell(v, fmt="0.00") if v is not None else "–"
                for v in (r["estimate"], r["ci_low"], r["ci_high"])
            ]
            status = ""
        sheet.row(
            [
                r["year"],
                r["question"],
                r["label"],
                r["code"],
                r["domain"],
                r["value"],
                *values,
                r["n"],
                status,
            ]
        )


def _text(block: Paragraph) -> str:
    return "".join(p.text if isinstance(p, Num) else str(p) for p in block.parts)


def render_xlsx(report: Report) -> bytes:
    """The workbook of ``report``."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    lab = report.labels
    cover = _Sheet(wb, _sheet_name(lab["cover"], used), report, [90])
    cover.row([cover.cell(report.title, TITLE)])
    cover.row([report.subtitle])
    cover.row([report.footer])
    cover.row([lab["made_by"]])
    cover.row([])
    cover.row([cover.cell(lab["contents"], BOLD)])
    for ch in report.chapters:
        cover.row([ch.title])
    for ch in report.chapters:
        if ch.id == "questions":
            _write_questions(wb, _sheet_name(ch.sheet, used), report, ch)
            continue
        sheet = _Sheet(wb, _sheet_name(ch.sheet, used), report, [48, 14, 14, 14, 14, 14, 14])
        sheet.row([sheet.cell(ch.title, TITLE)])
        sheet.row([])
        for block in ch.blocks:
            if isinstance(block, Table):
                _write_table(sheet, block, lab)
            elif isinstance(block, Paragraph) and not block.note:
                sheet.row([_text(block)])
                sheet.row([])
    defs = _Sheet(wb, _sheet_name(lab["definitions"], used), report, [30, 40, 100, 16, 24])
    defs.row(
        [
            defs.cell(h, BOLD)
            for h in (
                lab["indicator"],
                lab["name"],
                lab["definition"],
                lab["unit"],
                lab["population"],
            )
        ]
    )
    for d in report.definitions:
        defs.row([d.id, d.name, d.definition, d.unit, d.population])
    for key, rows in (("all_estimates", report.long_rows), ("crosses", report.cross_rows)):
        sheet = _Sheet(wb, _sheet_name(lab[key], used), report, [30, 40, 30, 40, 12, 12, 12, 8, 14])
        sheet.row(
            [
                sheet.cell(h, BOLD)
                for h in (
                    lab["indicator"],
                    lab["name"],
                    lab["domain"],
                    lab["value"],
                    lab["estimate"],
                    lab["ci_low"],
                    lab["ci_high"],
                    "n",
                    lab["status"],
                )
            ]
        )
        for r in rows:
            if r["suppressed"]:
                s = sheet.cell(lab["suppressed"], ITALIC)
                values: list[Any] = [
                    s,
                    sheet.cell(lab["suppressed"], ITALIC),
                    sheet.cell(lab["suppressed"], ITALIC),
                ]
                status = lab["suppressed"]
            else:
                values = [
                    sheet.cell(v, fmt="0.00") if v is not None else "–"
                    for v in (r["estimate"], r["ci_low"], r["ci_high"])
                ]
                status = ""
            sheet.row([r["indicator"], r["name"], r["domain"], r["value"], *values, r["n"], status])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
