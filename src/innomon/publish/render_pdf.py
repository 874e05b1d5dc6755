"""The report as PDF, made with Typst (the ``typst`` package; no system libraries).

The content model is written as ``report.json`` beside the template ``report.typ`` in a
temporary folder, each chart as SVG rendered by ``vl-convert-python``; Typst reads them and
compiles the PDF in memory. Strings reach Typst as JSON data, never as markup, so no text of the
report can break the document. Fonts: DejaVu Sans when the system has it, else Typst's own.
"""

from __future__ import annotations

import json
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .model import (
    Chart,
    Heading,
    KeyFigures,
    NotAsked,
    Num,
    Paragraph,
    Range,
    Report,
    Suppressed,
    Table,
)
from .numbers import D3_LOCALES

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def font_paths() -> list[str]:
    return [d for d in FONT_DIRS if Path(d).is_dir()]


@cache
def _register_fonts() -> None:
    import vl_convert

    for d in font_paths():
        vl_convert.register_font_directory(d)


def chart_svg(spec: dict[str, Any], lang: str) -> str:
    """The chart as SVG, numbers on its axes in the language's format."""
    import vl_convert

    _register_fonts()
    return vl_convert.vegalite_to_svg(spec, format_locale=D3_LOCALES.get(lang, D3_LOCALES["en"]))


def _text(parts: tuple[Any, ...]) -> str:
    return "".join(p.text if isinstance(p, Num) else str(p) for p in parts)


def _cell(cell: Any, span: int = 1) -> dict[str, Any]:
    if isinstance(cell, NotAsked):  # one cell across the row's columns
        return {"k": "notasked", "t": cell.text, "span": span}
    if isinstance(cell, Num):
        return {"k": "num", "t": cell.text}
    if isinstance(cell, Range):
        return {"k": "range", "t": f"{cell.low.text}–{cell.high.text}"}
    if isinstance(cell, Suppressed):
        return {"k": "suppressed", "t": cell.text}
    return {"k": "text", "t": getattr(cell, "text", str(cell))}


def _block(block: Any, folder: Path, lang: str) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": _text(block.parts), "note": block.note}
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text}
    if isinstance(block, Table):
        return {
            "kind": "table",
            "title": block.title,
            "columns": list(block.columns),
            "rows": [
                {"label": label, "cells": [_cell(c, len(block.columns)) for c in cells]}
                for label, cells in block.rows
            ],
            "note": block.note,
        }
    if isinstance(block, Chart):
        name = f"chart-{block.id}.svg"
        (folder / name).write_text(chart_svg(block.spec, lang), encoding="utf-8")
        wide = block.spec.get("projection") or block.id.startswith("map") or block.id == "trends"
        return {
            "kind": "chart",
            "svg": name,
            "alt": block.alt,
            "caption": block.caption,
            "width": 85 if wide else 100,
        }
    if isinstance(block, KeyFigures):
        return {
            "kind": "figures",
            "figures": [
                {"label": f.label, "value": _cell(f.value), "detail": _text(f.detail)}
                for f in block.figures
            ],
        }
    raise TypeError(f"unknown block {type(block).__name__}")


def render_pdf(report: Report) -> bytes:
    """The PDF of ``report``."""
    import typst

    template = resources.files("innomon.publish").joinpath("templates/publish/report.typ")
    with tempfile.TemporaryDirectory(prefix="innomon-report-") as tmp:
        folder = Path(tmp)
        data = {
            "lang": report.lang,
            "title": report.title,
            "subtitle": report.subtitle,
            "synthetic": report.synthetic,
            "synthetic_note": report.synthetic_note,
            "footer": report.footer,
            "labels": report.labels,
            "chapters": [
                {
                    "id": ch.id,
                    "title": ch.title,
                    "blocks": [_block(b, folder, report.lang) for b in ch.blocks],
                }
                for ch in report.chapters
            ],
        }
        (folder / "report.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        (folder / "report.typ").write_text(template.read_text("utf-8"), "utf-8")
        return typst.compile(str(folder / "report.typ"), root=str(folder), font_paths=font_paths())
