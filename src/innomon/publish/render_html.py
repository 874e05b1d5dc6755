"""The report as one standalone HTML page: every chart drawn by vega-embed from the JavaScript
bundle of ``vl-convert-python``, inlined into the page — no CDN, no request outside the file.

Every number is a ``<span data-ref="…">`` carrying where it came from (see ``content.Num``).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

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
    Text,
)
from .numbers import D3_LOCALES


@cache
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (from vl-convert; no network)."""
    import vl_convert

    return vl_convert.javascript_bundle().replace("</script", "<\\/script")


def _num(n: Num) -> str:
    return str(format_html('<span class="num" data-ref="{}">{}</span>', n.ref, n.text))


def parts_html(parts: tuple[Any, ...]) -> SafeString:
    return mark_safe("".join(_num(p) if isinstance(p, Num) else str(escape(p)) for p in parts))


def cell_html(cell: Any, span: int = 1) -> SafeString:
    if isinstance(cell, NotAsked):  # one cell across the row's columns
        return format_html('<td class="not-asked" colspan="{}">{}</td>', span, cell.text)
    if isinstance(cell, Num):
        return mark_safe(f'<td class="n">{_num(cell)}</td>')
    if isinstance(cell, Range):
        return mark_safe(f'<td class="n">{_num(cell.low)}–{_num(cell.high)}</td>')
    if isinstance(cell, Suppressed):
        return format_html('<td class="suppressed">{}</td>', cell.text)
    if isinstance(cell, Text):
        return format_html("<td>{}</td>", cell.text)
    return format_html("<td>{}</td>", str(cell))


def _json_script(data: Any) -> SafeString:
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


def block_html(block: Any) -> SafeString:
    if isinstance(block, Paragraph):
        cls = ' class="note"' if block.note else ""
        return mark_safe(f"<p{cls}>{parts_html(block.parts)}</p>")
    if isinstance(block, Heading):
        return format_html("<h3>{}</h3>", block.text)
    if isinstance(block, Table):
        head = "".join(str(format_html('<th scope="col">{}</th>', c)) for c in block.columns)
        body = "".join(
            f'<tr><th scope="row">{escape(label)}</th>'
            f"{''.join(cell_html(c, len(block.columns)) for c in cells)}</tr>"
            for label, cells in block.rows
        )
        note = str(format_html('<p class="note">{}</p>', block.note)) if block.note else ""
        return mark_safe(
            f'<div class="table" id="table-{escape(block.id)}"><table>'
            f"<caption>{escape(block.title)}</caption>"
            f'<thead><tr><th scope="col"></th>{head}</tr></thead><tbody>{body}</tbody></table>'
            f"{note}</div>"
        )
    if isinstance(block, Chart):
        return mark_safe(
            f'<figure class="chart" id="chart-{escape(block.id)}">'
            f'<div class="vega" id="vis-{escape(block.id)}" role="img" '
            f'aria-label="{escape(block.alt)}" data-spec="spec-{escape(block.id)}"></div>'
            f'<script type="application/json" id="spec-{escape(block.id)}">'
            f"{_json_script(block.spec)}</script>"
            f"<figcaption>{escape(block.caption)}</figcaption></figure>"
        )
    if isinstance(block, KeyFigures):
        cards = []
        for f in block.figures:
            value = (
                _num(f.value)
                if isinstance(f.value, Num)
                else str(format_html('<span class="suppressed">{}</span>', f.value.text))
            )
            cards.append(
                f'<section class="figure"><h3>{escape(f.label)}</h3>'
                f'<div class="value">{value}</div>'
                f'<div class="detail">{parts_html(f.detail)}</div></section>'
            )
        return mark_safe(f'<div class="figures">{"".join(cards)}</div>')
    raise TypeError(f"unknown block {type(block).__name__}")


def render_html(report: Report, alternates: list[tuple[str, str, str]], files: list) -> str:
    """The page of ``report``; ``alternates``: (code, name, file) of the language versions;
    ``files``: (label, file) of the other formats beside it."""
    chapters = [
        {
            "id": ch.id,
            "title": ch.title,
            "html": mark_safe("".join(block_html(b) for b in ch.blocks)),
        }
        for ch in report.chapters
    ]
    return render_to_string(
        "publish/report.html",
        {
            "report": report,
            "chapters": chapters,
            "alternates": alternates,
            "files": files,
            "bundle": mark_safe(vega_bundle()),
            "locale": _json_script(D3_LOCALES.get(report.lang, D3_LOCALES["en"])),
        },
    )
