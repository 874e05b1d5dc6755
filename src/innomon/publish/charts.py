"""Vega-Lite specifications of the report's charts, as plain dicts.

The same spec is drawn in the browser by vega-embed (HTML) and rendered to SVG by
``vl-convert-python`` (PDF). Colours: the Okabe–Ito palette for categories and ColorBrewer's
single-hue "blues" for maps — both safe for colour-blind readers; categories also differ by shape
where they are markers. Labels are written on the marks (direct labels); the label texts come
from ``innomon.publish.numbers`` like every other number of the report. Suppressed values are
drawn as the word, never as a zero bar.
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
INK = "#1b1f24"
MUTED = "#57606a"
SUPPRESSED_FILL = "#d9d9d9"
FONT = "DejaVu Sans"
MARKER_SHAPES = ("circle", "square", "triangle-up")


def _base(title: str, alt: str, data: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14, "font": FONT},
        "description": alt,
        "data": {"values": data} if isinstance(data, list) else data,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11},
            "legend": {"labelFont": FONT, "titleFont": FONT},
        },
    }


def _with_label_x(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in data:
        x = d.get("ci_high") if d.get("ci_high") is not None else d.get("estimate")
        out.append({**d, "label_x": x if x is not None else 0})
    return out


def _value_layers(y: dict[str, Any], x_title: str, extra: dict[str, Any] | None = None) -> list:
    extra = extra or {}
    tooltip = [
        {"field": "label", "type": "nominal"},
        {"field": "text", "type": "nominal", "title": x_title},
        {"field": "n", "type": "quantitative"},
    ]
    return [
        {
            "transform": [{"filter": "datum.estimate != null"}],
            "mark": {"type": "bar", "color": OKABE_ITO[0], **extra.get("bar", {})},
            "encoding": {
                "y": y,
                "x": {
                    "field": "estimate",
                    "type": "quantitative",
                    "title": x_title,
                    "scale": {"zero": True},
                },
                "tooltip": tooltip,
                **extra.get("encoding", {}),
            },
        },
        {
            "transform": [{"filter": "datum.ci_low != null && datum.ci_high != null"}],
            "mark": {"type": "rule", "color": INK, "strokeWidth": 1.5},
            "encoding": {
                "y": y,
                "x": {"field": "ci_low", "type": "quantitative"},
                "x2": {"field": "ci_high"},
                **extra.get("offset", {}),
            },
        },
        {
            "transform": [{"filter": "!datum.suppressed"}],
            "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10, "color": INK},
            "encoding": {
                "y": y,
                "x": {"field": "label_x", "type": "quantitative"},
                "text": {"field": "text"},
                **extra.get("offset", {}),
            },
        },
        {
            "transform": [{"filter": "datum.suppressed"}],
            "mark": {
                "type": "text",
                "align": "left",
                "dx": 2,
                "fontSize": 10,
                "fontStyle": "italic",
                "color": MUTED,
            },
            "encoding": {
                "y": y,
                "x": {"datum": 0, "type": "quantitative"},
                "text": {"field": "text"},
                **extra.get("offset", {}),
            },
        },
    ]


def bar_chart(
    data: list[dict[str, Any]], title: str, x_title: str, alt: str, lang: str
) -> dict[str, Any]:
    """Horizontal bars with 95 % CI rules and the value written beside each bar."""
    y = {
        "field": "label",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelLimit": 280},
    }
    spec = _base(title, alt, _with_label_x(data))
    spec.update(width=380, height={"step": 24}, layer=_value_layers(y, x_title))
    return spec


def grouped_bar_chart(
    data: list[dict[str, Any]], title: str, x_title: str, alt: str, lang: str
) -> dict[str, Any]:
    """Bars per label, one per ``group`` (colour, with a legend), CI rules and values."""
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    groups = list(dict.fromkeys(d.get("group") for d in data))
    offset = {"yOffset": {"field": "group", "type": "nominal", "sort": groups}}
    colour = {
        "field": "group",
        "type": "nominal",
        "sort": groups,
        "title": None,
        "scale": {"domain": groups, "range": list(OKABE_ITO[: len(groups)])},
        "legend": {"orient": "top", "direction": "horizontal", "labelLimit": 0},
    }
    layers = _value_layers(y, x_title, {"encoding": {"color": colour, **offset}, "offset": offset})
    spec = _base(title, alt, _with_label_x(data))
    spec.update(width=380, height={"step": 15}, layer=layers)
    return spec


def pyramid_chart(
    data: list[dict[str, Any]], title: str, alt: str, x_title: str, lang: str
) -> dict[str, Any]:
    """The innovation pyramid: one centred bar per level, top level on top, counts written."""
    rows = [{**d, "x0": -d["count"] / 2, "x1": d["count"] / 2} for d in data]
    order = [d["label"] for d in data]
    y = {"field": "label", "type": "nominal", "sort": order, "title": None}
    spec = _base(title, alt, rows)
    spec.update(
        width=380,
        height={"step": 34},
        layer=[
            {
                "mark": {"type": "bar", "color": OKABE_ITO[0]},
                "encoding": {
                    "y": y,
                    "x": {"field": "x0", "type": "quantitative", "axis": None, "title": x_title},
                    "x2": {"field": "x1"},
                    "tooltip": [
                        {"field": "label", "type": "nominal"},
                        {"field": "text", "type": "nominal", "title": x_title},
                    ],
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "color": INK},
                "encoding": {
                    "y": y,
                    "x": {"field": "x1", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    )
    return spec


def trend_chart(
    data: list[dict[str, Any]], title: str, y_title: str, alt: str, lang: str
) -> dict[str, Any]:
    """Lines over the waves per indicator, with CI rules and the name at the last point."""
    names = list(dict.fromkeys(d["label"] for d in data))
    last = max((d["year"] for d in data), default=0)
    colour = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names, "range": list(OKABE_ITO[: len(names)])},
        "legend": None,
    }
    x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    spec = _base(title, alt, data)
    spec.update(
        width=420,
        height=260,
        layer=[
            {
                "transform": [{"filter": "datum.estimate != null"}],
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": x,
                    "y": {"field": "estimate", "type": "quantitative", "title": y_title},
                    "color": colour,
                    # a wave that did not ask the indicator starts a new segment: no line
                    # is drawn across it
                    "detail": {"field": "segment", "type": "nominal"},
                    "tooltip": [
                        {"field": "label", "type": "nominal"},
                        {"field": "year", "type": "ordinal"},
                        {"field": "text", "type": "nominal"},
                        {"field": "n", "type": "quantitative"},
                    ],
                },
            },
            {
                "transform": [{"filter": "datum.ci_low != null && datum.ci_high != null"}],
                "mark": {"type": "rule", "strokeWidth": 1.2},
                "encoding": {
                    "x": x,
                    "y": {"field": "ci_low", "type": "quantitative"},
                    "y2": {"field": "ci_high"},
                    "color": colour,
                },
            },
            {
                "transform": [{"filter": f"datum.year == {last} && datum.estimate != null"}],
                "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 10},
                "encoding": {
                    "x": x,
                    "y": {"field": "estimate", "type": "quantitative"},
                    "text": {"field": "label"},
                    "color": colour,
                },
            },
        ],
    )
    return spec


# --- maps -----------------------------------------------------------------------------------


def _tile_grid(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], int, int]:
    ncols = max((r["col"] for r in rows), default=0) + 1
    nrows = max((r["row"] for r in rows), default=0) + 1
    x = {"field": "x0", "type": "quantitative", "axis": None, "scale": {"domain": [0, ncols]}}
    y = {
        "field": "y0",
        "type": "quantitative",
        "axis": None,
        "scale": {"domain": [0, nrows], "reverse": True},
    }
    return x, y, ncols, nrows


def _tiles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "x0": r["col"] + 0.03,
            "x1": r["col"] + 0.97,
            "y0": r["row"] + 0.03,
            "y1": r["row"] + 0.97,
            "cx": r["col"] + 0.5,
            "cy": r["row"] + 0.5,
        }
        for r in rows
    ]


def tile_choropleth(
    rows: list[dict[str, Any]], title: str, legend: str, alt: str, lang: str
) -> dict[str, Any]:
    """The schematic map: one tile per COROP region at its row/col, coloured by the estimate;
    the name and the value on the tile; suppressed tiles grey with the word."""
    tiles = _tiles(rows)
    x, y, ncols, nrows = _tile_grid(rows)
    values = [r["estimate"] for r in rows if r.get("estimate") is not None]
    mid = (min(values) + max(values)) / 2 if values else 0
    spec = _base(title, alt, tiles)
    text_colour = {
        "condition": {
            "test": f"datum.estimate != null && datum.estimate > {mid}",
            "value": "white",
        },
        "value": INK,
    }
    spec.update(
        width=125 * ncols,
        height=90 * nrows,
        layer=[
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
                "encoding": {
                    "x": x,
                    "x2": {"field": "x1"},
                    "y": y,
                    "y2": {"field": "y1"},
                    "color": {
                        "condition": {
                            "test": "datum.estimate == null",
                            "value": SUPPRESSED_FILL,
                        },
                        "field": "estimate",
                        "type": "quantitative",
                        "title": legend,
                        "scale": {"scheme": "blues", "zero": False},
                    },
                    "tooltip": [
                        {"field": "label", "type": "nominal"},
                        {"field": "text", "type": "nominal", "title": legend},
                        {"field": "n", "type": "quantitative"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10, "dy": -9, "limit": 118},
                "encoding": {
                    "x": {**x, "field": "cx"},
                    "y": {**y, "field": "cy"},
                    "text": {"field": "label"},
                    "color": text_colour,
                },
            },
            {
                "mark": {"type": "text", "fontSize": 13, "fontWeight": "bold", "dy": 9},
                "encoding": {
                    "x": {**x, "field": "cx"},
                    "y": {**y, "field": "cy"},
                    "text": {"field": "text"},
                    "color": text_colour,
                },
            },
        ],
    )
    return spec


def _marker_encoding(marks: list[dict[str, Any]]) -> dict[str, Any]:
    types = list(dict.fromkeys(m["type"] for m in marks))
    return {
        "color": {
            "field": "type",
            "type": "nominal",
            "title": None,
            "scale": {"domain": types, "range": list(OKABE_ITO[: len(types)])},
            "legend": {"orient": "bottom", "direction": "horizontal"},
        },
        "shape": {
            "field": "type",
            "type": "nominal",
            "title": None,
            "scale": {"domain": types, "range": list(MARKER_SHAPES[: len(types)])},
        },
        "tooltip": [
            {"field": "label", "type": "nominal"},
            {"field": "type", "type": "nominal"},
            {"field": "count", "type": "quantitative"},
        ],
    }


_TYPE_OFFSETS = {"network": -0.28, "test_environment": 0.0, "incubator": 0.28}


def tile_markers(
    tiles_rows: list[dict[str, Any]], marks: list[dict[str, Any]], title: str, alt: str
) -> dict[str, Any]:
    """Initiatives as markers by type on the tile map: one marker per type present in a
    region, with the number of initiatives beside it."""
    tiles = _tiles(tiles_rows)
    x, y, ncols, nrows = _tile_grid(tiles_rows)
    points = [
        {
            **m,
            "x0": m["col"] + 0.5 + _TYPE_OFFSETS.get(m["type_id"], 0.0),
            "y0": m["row"] + 0.68,
        }
        for m in marks
    ]
    spec = _base(title, alt, {"name": "tiles"})
    spec["datasets"] = {"tiles": tiles, "points": points}
    spec.update(
        width=125 * ncols,
        height=90 * nrows,
        layer=[
            {
                "mark": {"type": "rect", "fill": "#f2f4f7", "stroke": "#8c959f"},
                "encoding": {"x": x, "x2": {"field": "x1"}, "y": y, "y2": {"field": "y1"}},
            },
            {
                "mark": {"type": "text", "fontSize": 10, "dy": -14, "limit": 118, "color": INK},
                "encoding": {
                    "x": {**x, "field": "cx"},
                    "y": {**y, "field": "cy"},
                    "text": {"field": "label"},
                },
            },
            {
                "data": {"name": "points"},
                "mark": {"type": "point", "filled": True, "size": 110, "opacity": 1},
                "encoding": {"x": x, "y": y, **_marker_encoding(marks)},
            },
            {
                "data": {"name": "points"},
                "mark": {"type": "text", "fontSize": 10, "dx": 9, "align": "left", "color": INK},
                "encoding": {"x": x, "y": y, "text": {"field": "text"}},
            },
        ],
    )
    return spec


def _projection(planar: bool) -> dict[str, Any]:
    return {"type": "identity", "reflectY": True} if planar else {"type": "mercator"}


def geo_choropleth(
    features: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    title: str,
    legend: str,
    alt: str,
    planar: bool,
    lang: str,
) -> dict[str, Any]:
    """A choropleth over real boundaries (GeoJSON features with ``properties.code``)."""
    by_code = {r["code"]: r for r in rows}
    feats = []
    for f in features:
        r = by_code.get(f["properties"]["code"], {})
        props = {
            **f["properties"],
            "estimate": r.get("estimate"),
            "text": r.get("text", ""),
            "label": r.get("label", f["properties"].get("name", "")),
            "n": r.get("n"),
        }
        feats.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    centroids = [
        {"lon": f["properties"]["cx"], "lat": f["properties"]["cy"], **f["properties"]}
        for f in feats
    ]
    spec = _base(title, alt, {"name": "shapes"})
    spec["datasets"] = {"shapes": feats, "centroids": centroids}
    spec.update(
        width=520,
        height=420,
        projection=_projection(planar),
        layer=[
            {
                "data": {"name": "shapes", "format": {"type": "json"}},
                "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 1},
                "encoding": {
                    "color": {
                        "condition": {
                            "test": "datum.properties.estimate == null",
                            "value": SUPPRESSED_FILL,
                        },
                        "field": "properties.estimate",
                        "type": "quantitative",
                        "title": legend,
                        "scale": {"scheme": "blues", "zero": False},
                    },
                    "tooltip": [
                        {"field": "properties.label", "type": "nominal"},
                        {"field": "properties.text", "type": "nominal", "title": legend},
                    ],
                },
            },
            {
                "data": {"name": "centroids"},
                "mark": {"type": "text", "fontSize": 10, "color": INK, "dy": -6},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
            {
                "data": {"name": "centroids"},
                "mark": {
                    "type": "text",
                    "fontSize": 11,
                    "fontWeight": "bold",
                    "dy": 7,
                    "color": INK,
                },
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    )
    return spec


def geo_markers(
    features: list[dict[str, Any]],
    centroids: dict[str, tuple[float, float, float]],
    marks: list[dict[str, Any]],
    title: str,
    alt: str,
    planar: bool,
) -> dict[str, Any]:
    """Initiatives as markers by type over real COROP boundaries, beside each region's centre
    (``centroids``: code → (x, y, width of the region's bounding box))."""
    points = []
    for m in marks:
        cx, cy, span = centroids.get(m["code"], (None, None, 0.0))
        if cx is None:
            continue
        points.append({**m, "lon": cx + _TYPE_OFFSETS.get(m["type_id"], 0.0) * span, "lat": cy})
    spec = _base(title, alt, {"name": "shapes"})
    spec["datasets"] = {"shapes": features, "points": points}
    spec.update(
        width=520,
        height=420,
        projection=_projection(planar),
        layer=[
            {
                "data": {"name": "shapes", "format": {"type": "json"}},
                "mark": {"type": "geoshape", "fill": "#f2f4f7", "stroke": "#8c959f"},
            },
            {
                "data": {"name": "points"},
                "mark": {"type": "point", "filled": True, "size": 110, "opacity": 1},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    **_marker_encoding(marks),
                },
            },
            {
                "data": {"name": "points"},
                "mark": {"type": "text", "fontSize": 10, "dx": 9, "align": "left", "color": INK},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    )
    return spec
