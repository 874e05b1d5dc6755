"""Maps over real boundaries: a small geometry fixture built here (no download) as GeoJSON and
TopoJSON; boundary files without the region, or unreadable ones, are one-line errors naming the
file; `innomon geo fetch` offline fails with one line and stores nothing."""

from __future__ import annotations

import itertools
import json
import re
import socket
import sqlite3
import struct

import pytest

from innomon.publish.geo import GeoError, load_boundaries
from innomon.region import load_region
from tests.test_cli import assert_one_line_error, innomon

REGION = load_region("noord-nederland")
STEP_X, STEP_Y, WEST, NORTH = 0.5, 0.4, 5.0, 53.6


def _square(row: int, col: int, rows: int = 1, cols: int = 1) -> list[list[float]]:
    x0, y0 = WEST + col * STEP_X, NORTH - row * STEP_Y
    x1, y1 = x0 + cols * STEP_X, y0 - rows * STEP_Y
    return [[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]


def _province_geojson() -> dict:
    features = []
    for p in REGION.provinces:
        rows = [c.tile_row for c in p.corops]
        cols = [c.tile_col for c in p.corops]
        ring = _square(min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)
        features.append(
            {
                "type": "Feature",
                "properties": {"statcode": p.code, "statnaam": p.name_nl},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _corop_topojson() -> dict:
    """Each COROP region a square at its tile, quantised and delta-encoded as TopoJSON does."""
    scale, translate = [0.001, 0.001], [4.0, 52.0]
    arcs, geometries = [], []
    for c in REGION.corops:
        ring = _square(c.tile_row, c.tile_col)
        q = [
            [round((x - translate[0]) / scale[0]), round((y - translate[1]) / scale[1])]
            for x, y in ring
        ]
        arcs.append([q[0]] + [[b[0] - a[0], b[1] - a[1]] for a, b in itertools.pairwise(q)])
        geometries.append(
            {
                "type": "Polygon",
                "arcs": [[len(arcs) - 1]],
                "properties": {"statcode": c.code, "statnaam": c.name_nl},
            }
        )
    return {
        "type": "Topology",
        "transform": {"scale": scale, "translate": translate},
        "objects": {"coropgebied_2024": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


@pytest.fixture
def boundary_files(tmp_path):
    provinces = tmp_path / "provincie_2024.geojson"
    provinces.write_text(json.dumps(_province_geojson()))
    corop = tmp_path / "coropgebied_2024.topojson"
    corop.write_text(json.dumps(_corop_topojson()))
    return provinces, corop


def test_geojson_and_topojson_boundaries_are_read_for_the_region(boundary_files):
    geo = load_boundaries(list(boundary_files), REGION)
    assert [f["properties"]["code"] for f in geo.features("province")] == [
        "PV20",
        "PV21",
        "PV22",
    ]
    assert len(geo.features("corop")) == 9
    assert not geo.planar
    # the TopoJSON arcs decode back to the squares (centre of CR01's tile)
    c = next(c for c in REGION.corops if c.code == "CR01")
    cx, cy, span = geo.centroids("corop")["CR01"]
    assert cx == pytest.approx(WEST + (c.tile_col + 0.5) * STEP_X, abs=1e-6)
    assert cy == pytest.approx(NORTH - (c.tile_row + 0.5) * STEP_Y, abs=1e-6)
    assert span == pytest.approx(STEP_X, abs=1e-6)
    assert "Kadaster" in geo.attribution


def _gpkg(path, features):
    """A minimal GeoPackage: the geometry-columns table and one feature table whose
    geometries are GeoPackage binaries (header, no envelope) around little-endian WKB."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT)")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('provincie_gegeneraliseerd', 'geom')")
    con.execute(
        "CREATE TABLE provincie_gegeneraliseerd (fid INTEGER, statcode TEXT, statnaam TEXT, "
        "geom BLOB)"
    )
    for i, f in enumerate(features):
        ring = f["geometry"]["coordinates"][0]
        wkb = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
        wkb += b"".join(struct.pack("<dd", x, y) for x, y in ring)
        blob = b"GP\x00\x01" + struct.pack("<i", 28992) + wkb
        con.execute(
            "INSERT INTO provincie_gegeneraliseerd VALUES (?, ?, ?, ?)",
            (i, f["properties"]["statcode"], f["properties"]["statnaam"], blob),
        )
    con.commit()
    con.close()


def test_geopackage_boundaries_in_rd_coordinates_are_read(tmp_path):
    features = _province_geojson()["features"]
    for f in features:
        ring = f["geometry"]["coordinates"][0]
        f["geometry"]["coordinates"] = [[[x * 40_000, y * 10_000] for x, y in ring]]
    path = tmp_path / "gebieden.gpkg"
    _gpkg(path, features)
    geo = load_boundaries([path], REGION)
    assert [f["properties"]["code"] for f in geo.features("province")] == ["PV20", "PV21", "PV22"]
    assert geo.planar
    ring = geo.features("province")[0]["geometry"]["coordinates"][0]
    assert len(ring) == 5
    assert ring[0][0] > 100_000


def test_planar_coordinates_are_drawn_as_they_are(tmp_path):
    data = _province_geojson()
    for f in data["features"]:
        ring = f["geometry"]["coordinates"][0]
        f["geometry"]["coordinates"] = [[[x * 40_000, y * 10_000] for x, y in ring]]
    path = tmp_path / "rd.geojson"
    path.write_text(json.dumps(data))
    assert load_boundaries([path], REGION).planar


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("other.geojson", json.dumps({"type": "FeatureCollection", "features": []}), "no province"),
        ("broken.geojson", "{not json", "not a GeoJSON or TopoJSON"),
        ("list.json", "[1, 2]", "neither a GeoJSON"),
        ("gebieden.gpkg", "", "not a readable GeoPackage"),
    ],
)
def test_unusable_boundary_files_are_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(GeoError, match=re.escape(message)) as caught:
        load_boundaries([path], REGION)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.django_db
def test_the_report_draws_real_boundaries_when_given(demo_report, boundary_files, tmp_path):
    import vl_convert

    from innomon.publish.report import write_report
    from innomon.survey.models import Wave

    geo = load_boundaries(list(boundary_files), REGION)
    wave = Wave.objects.get(pk=demo_report.wave_id)
    [path] = write_report(wave, tmp_path, ["en"], ["html"], geo)
    html = path.read_text()
    specs = dict(
        re.findall(r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', html, re.S)
    )
    for chart in ("map-province", "map-corop", "map-initiatives"):
        spec = json.loads(specs[chart])
        assert spec["projection"]["type"] == "mercator"
        assert spec["layer"][0]["mark"]["type"] == "geoshape"
        svg = vl_convert.vegalite_to_svg(spec)
        assert svg.count("<path") >= 3, chart
    corop = json.loads(specs["map-corop"])
    shapes = corop["datasets"]["shapes"]
    assert {s["properties"]["code"] for s in shapes} == {c.code for c in REGION.corops}
    assert "Kadaster / Centraal Bureau voor de Statistiek" in html


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_geo_fetch_offline_is_one_line_and_stores_nothing(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/nl/wgs84"
    result = innomon("geo", "fetch", home=tmp_path, env={"INNOMON_GEO_URL": url})
    assert_one_line_error(result, "cannot download", url, "--boundaries")
    assert not (tmp_path / "geo").exists() or not list((tmp_path / "geo").iterdir())


def test_a_missing_boundary_file_is_a_wrong_command_line(tmp_path):
    missing = tmp_path / "provincie.geojson"
    result = innomon("report", "2017", "--boundaries", str(missing), home=tmp_path)
    assert_one_line_error(result, str(missing), "cannot read the file", code=2)


def test_report_of_a_missing_wave_is_one_line(tmp_path):
    result = innomon("report", "2017", home=tmp_path, env={"DATABASE_URL": None})
    assert_one_line_error(result, "there is no wave 2017")
