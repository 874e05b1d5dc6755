"""What the import report says (``import-report.html`` and ``.csv``; written by
``intake.importer``): the import's summary counts; per column its use, target and what became
of its cells; the unaccounted and ignored columns; the questions not asked in the export; the
cells stored after a non-trivial reading (original → stored, grouped, with counts); superseded
partial responses; double submits counted once; partial records that did not replace a stored
complete response; every open quarantined row with its problems, different complete responses
of one firm side by side; the new firms imports registered. A file that was not imported gets
a report of its file-level problems only.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from innomon.errors import Problem
from innomon.survey.models import ImportBatch, QuarantinedRow, Response, Wave

from .problems import in_both


def _line(
    file: str, row: Any, firm: Any, where: str, value: Any, rule: str, message: Any, **params: Any
) -> dict[str, Any]:
    nl, en = in_both(message, params)
    return {
        "file": file,
        "row": row,
        "kvk": "" if firm is None else firm,
        "column": where,
        "value": "" if value is None else str(value),
        "rule": rule,
        "message_nl": nl,
        "message_en": en,
    }


def details(
    table: Any,
    plan: Any,
    conv: Any,
    counts: dict[str, int],
    stats: list[Any],
    *,
    superseded_stored: list[int],
    kept: list[int],
    previous: ImportBatch | None,
) -> dict[str, Any]:
    """The sections of the report that describe this run (not kept in the database)."""
    numbers = table.row_numbers
    kvk = plan.kvk
    name = table.name
    kvk_col = next((u.column for u in conv.uses if u.use == "kvk"), "kvk")
    info: list[dict[str, Any]] = []

    def firm_line(i: int, rule: str, message: Any, **params: Any) -> None:
        """A report line about row ``i`` and its firm (the KvK column, the firm's number)."""
        row, firm = int(numbers[i]), kvk[i]
        info.append(_line(name, row, firm, kvk_col, firm, rule, message, kvk=firm, **params))

    superseded = []
    for i, by in sorted(plan.grouping.superseded.items()):
        superseded.append({"row": int(numbers[i]), "kvk": kvk[i], "by": int(numbers[by])})
        firm_line(
            i,
            "superseded",
            _("a partial response of firm %(kvk)s, superseded by its complete one (row %(by)s)"),
            by=int(numbers[by]),
        )
    for i in superseded_stored:
        superseded.append({"row": int(numbers[i]), "kvk": kvk[i], "by": None})
        firm_line(
            i,
            "superseded",
            _("the stored partial response of firm %(kvk)s is superseded by this complete one"),
        )
    doubles = []
    for i, of in sorted(plan.grouping.doubles.items()):
        doubles.append({"row": int(numbers[i]), "kvk": kvk[i], "of": int(numbers[of])})
        firm_line(
            i,
            "double_submit",
            _("an exact double of row %(of)s (firm %(kvk)s): counted once"),
            of=int(numbers[of]),
        )
    kept_rows = []
    for i in kept:
        kept_rows.append({"row": int(numbers[i]), "kvk": kvk[i]})
        firm_line(
            i,
            "kept_complete",
            _(
                "a partial response of firm %(kvk)s: not stored, the wave holds its complete "
                "response"
            ),
        )
    not_stored: dict[str, list[int]] = defaultdict(list)
    for i, kind in enumerate(plan.kind.tolist()):
        if kind != "response":
            not_stored[kind].append(int(numbers[i]))
    status_col = next(
        (u.column for u in conv.uses if u.use == "meta" and u.target == "status"), "Status"
    )
    messages = {
        "preview": _("a survey preview: not stored"),
        "test": _("a survey test: not stored"),
        "spam": _("marked as spam by the survey tool: not stored"),
    }
    for kind, rows in sorted(not_stored.items()):
        for r in rows:
            info.append(_line(name, r, "", status_col, kind, kind, messages.get(kind, kind)))
    for note in plan.meta.notices:
        info.append(
            _line(
                name,
                int(numbers[note.row]),
                kvk[note.row],
                note.column,
                note.value,
                "notice",
                note.message,
                value=note.value,
            )
        )
    partial = [
        {
            "row": int(numbers[i]),
            "kvk": kvk[i],
            "progress": plan.meta.progress[i] or "",
            "lastpage": plan.meta.lastpage[i] or "",
        }
        for i in range(len(table))
        if plan.kind[i] == "response" and not plan.meta.complete[i]
    ]
    unaccounted = [s.column for s in stats if s.use == "unaccounted"]
    for column in unaccounted:
        info.append(
            _line(
                name,
                1,
                "",
                column,
                "",
                "unaccounted",
                _("column '%(column)s' is not accounted for by the mapping: map it, or ignore it"),
                column=column,
            )
        )
    readings = [
        {"column": r.column, "original": r.original, "stored": r.stored, "count": r.count}
        for r in conv.readings
    ]
    return {
        "counts": counts,
        "columns": stats,
        "unaccounted": unaccounted,
        "ignored": [s.column for s in stats if s.use == "ignored"],
        "not_asked": list(conv.not_asked),
        "readings": readings,
        "superseded": superseded,
        "doubles": doubles,
        "kept": kept_rows,
        "partial": partial,
        "not_stored": {k: len(v) for k, v in sorted(not_stored.items())},
        "previous": previous,
        "info_lines": info,
    }


def _pairs(rows: list[QuarantinedRow]) -> list[dict[str, Any]]:
    """Rows held together (one firm's different complete responses): the fields in which they
    differ, side by side."""
    groups: dict[str, list[QuarantinedRow]] = defaultdict(list)
    for r in rows:
        if r.group:
            groups[r.group].append(r)
    out = []
    for key, members in groups.items():
        members.sort(key=lambda r: r.row_number)
        columns = list(dict.fromkeys(c for m in members for c in m.raw))
        differ = [
            {"column": c, "values": [m.raw.get(c) or "" for m in members]}
            for c in columns
            if len({m.raw.get(c) or "" for m in members}) > 1
        ]
        out.append(
            {
                "key": key,
                "kvk": members[0].kvk,
                "file": members[0].file_name,
                "rows": [m.row_number for m in members],
                "fields": differ,
            }
        )
    return out


def _new_firm_lines(wave: Wave, note: str) -> list[dict[str, Any]]:
    """The firms imports registered in ``wave`` whose responses still await review (their
    note), as report lines (read as values: there may be tens of thousands)."""
    rows = (
        Response.objects.filter(wave=wave, review_note=note)
        .order_by("firm__kvk")
        .values_list(
            "firm__kvk",
            "firm__name",
            "firm__municipality__name",
            "firm__municipality__code",
            "firm__sbi_code",
            "firm__employees",
        )
    )
    message = _(
        "new firm %(name)s registered by the import: check its KvK number; if it is right, "
        "clear the response's note in the back office"
    )
    with override("nl"):
        nl = str(message)
    with override("en"):
        en = str(message)
    lines = []
    for kvk, name, muni_name, muni_code, sbi, employees in rows:
        lines.append(
            {
                "file": "",
                "row": "",
                "kvk": kvk,
                "column": "kvk",
                "value": name,
                "rule": "new_firm",
                "message_nl": nl % {"name": name},
                "message_en": en % {"name": name},
                "firm": (kvk, name, f"{muni_name} ({muni_code})", sbi, employees),
            }
        )
    return lines


def _rows_html(cells: list[tuple[Any, ...]], langs: tuple[str, ...] = ()) -> SafeString:
    """Table rows, built at once (a report may list 100,000 of them): every cell escaped, the
    last ``len(langs)`` with their ``lang``."""
    if not cells:
        return mark_safe("")
    plain = len(cells[0]) - len(langs)
    opens = ["<td>"] * plain + [f'<td lang="{lang}">' for lang in langs]
    row_format = "<tr>" + "".join(o + "{}</td>" for o in opens) + "</tr>"
    escaped: dict[str, str] = {}  # messages and codes repeat: each text escaped once

    def text(value: Any) -> str:
        if value is None:
            return ""
        if type(value) is not str:  # 1, 1.0 and True are equal keys, different texts
            return escape(str(value))
        try:
            return escaped[value]
        except KeyError:
            out = escaped[value] = escape(value)
            return out

    width = len(opens)
    rows = []
    for row in cells:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} cells, not {width}")
        rows.append(row_format.format(*map(text, row)))
    return mark_safe("\n".join(rows) + "\n")


def context(
    wave: Wave, batch: ImportBatch, details: dict[str, Any], *, new_firm_note: str
) -> dict[str, Any]:
    """The template's context (and the CSV's lines) for a wave after an import."""
    rows = list(
        QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True).order_by(
            "file_name", "row_number"
        )
    )
    lines = [
        {
            "file": r.file_name,
            "row": p["row"],
            "kvk": r.kvk,
            "column": p["column"],
            "value": p["value"],
            "rule": p["rule"],
            "message_nl": p["message_nl"],
            "message_en": p["message_en"],
        }
        for r in rows
        for p in r.problems
    ]
    new_firms = _new_firm_lines(wave, new_firm_note)
    return {
        "wave": wave,
        "batch": batch,
        "lines": lines,
        "line_rows": _rows_html(
            [
                (
                    x["file"],
                    x["row"],
                    x["kvk"],
                    x["column"],
                    x["value"],
                    x["rule"],
                    x["message_nl"],
                    x["message_en"],
                )
                for x in lines
            ],
            ("nl", "en"),
        ),
        "new_firm_rows": _rows_html([x["firm"] for x in new_firms]),
        "open_rows": len(rows),
        "pairs": _pairs(rows),
        "new_firms": new_firms,
        "d": details,
        "file_problems": [],
        "csv_lines": [*lines, *new_firms, *details.get("info_lines", [])],
    }


def file_context(wave: Wave, file_name: str, problems: list[Problem]) -> dict[str, Any]:
    """The template's context for a file that was not imported: its file-level problems."""
    lines = [
        {
            "file": p.source,
            "row": "" if p.row is None else p.row,
            "kvk": "",
            "column": p.field or "",
            "value": "",
            "rule": "file",
            "message_nl": p.message,
            "message_en": p.message,
        }
        for p in problems
    ]
    return {
        "wave": wave,
        "batch": None,
        "file_name": file_name,
        "file_problems": lines,
        "lines": [],
        "open_rows": 0,
        "pairs": [],
        "new_firms": [],
        "d": {},
        "csv_lines": lines,
    }
