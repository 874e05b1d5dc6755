"""Boundaries for the report's maps: CBS/PDOK province and COROP boundary files (GeoJSON,
TopoJSON or GeoPackage) given by the user, or downloaded once by ``innomon geo fetch`` into
``INNOMON_HOME/geo/``. Without them the report draws the schematic tile map of the region file,
which needs no download.

A feature belongs to the region when one of its properties is a CBS code of the region file
(``PV20``, ``CR01`` … — CBS and PDOK call the property ``statcode``); other features are left
out. Coordinates in degrees (WGS 84) are drawn with a Mercator projection; planar coordinates
(e.g. RD New, EPSG:28992, as in PDOK's files) as they are. A GeoPackage is read with sqlite3:
the polygons of every feature table (GeoPackage binary geometries, WKB; Z and M dropped).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import struct
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innomon import config
from innomon.errors import InnomonError
from innomon.region import Region as RegionData

DEFAULT_GEO_URL = "https://cartomap.github.io/nl/wgs84"
LAYERS = {"province": "provincie", "corop": "coropgebied"}
ATTRIBUTION = "Kadaster / Centraal Bureau voor de Statistiek, {year}"
_CODE = {"province": re.compile(r"^PV\d{2}$"), "corop": re.compile(r"^CR\d{2}$")}


class GeoError(InnomonError):
    """A boundary file is unusable or cannot be fetched; the message names file or URL."""

    exit_code = 1


class BoundaryFileError(GeoError):
    """A boundary file the user named is missing or unusable (exit code 2)."""

    exit_code = 2


@dataclass
class Geometry:
    """The region's boundaries per level (``province``, ``corop``): GeoJSON features with
    ``properties`` ``code``, ``name``, ``cx``, ``cy`` (a point inside for labels)."""

    layers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    planar: bool = False
    attribution: str = ""
    sources: list[str] = field(default_factory=list)

    def has(self, level: str) -> bool:
        return bool(self.layers.get(level))

    def features(self, level: str) -> list[dict[str, Any]]:
        return self.layers.get(level, [])

    def centroids(self, level: str) -> dict[str, tuple[float, float, float]]:
        out = {}
        for f in self.features(level):
            p = f["properties"]
            out[p["code"]] = (p["cx"], p["cy"], p["span"])
        return out


# --- reading ---------------------------------------------------------------------------------


def _topojson_features(topo: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """TopoJSON → GeoJSON features (polygons and multipolygons)."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo.get("arcs", []):
        points = []
        x = y = 0.0
        for pt in arc:
            if transform:
                x, y = x + pt[0], y + pt[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append([x * sx + tx, y * sy + ty])
            else:
                points.append([float(pt[0]), float(pt[1])])
        arcs.append(points)

    def ring(indexes: list[int]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        return out

    features = []
    for obj in (topo.get("objects") or {}).values():
        geoms = obj.get("geometries", [obj]) if obj.get("type") == "GeometryCollection" else [obj]
        for g in geoms:
            kind = g.get("type")
            if kind == "Polygon":
                coords: Any = [ring(r) for r in g["arcs"]]
            elif kind == "MultiPolygon":
                coords = [[ring(r) for r in poly] for poly in g["arcs"]]
            else:
                continue
            features.append(
                {
                    "type": "Feature",
                    "properties": g.get("properties") or {},
                    "geometry": {"type": kind, "coordinates": coords},
                }
            )
    if not features:
        raise BoundaryFileError(f"{where}: no polygons in the TopoJSON objects")
    return features


def _wkb_polygons(blob: bytes, where: str) -> dict[str, Any] | None:
    """A GeoPackage geometry (header + WKB) as a GeoJSON Polygon/MultiPolygon (None for
    other geometry types). Z and M values are dropped."""
    if blob[:2] != b"GP":
        raise BoundaryFileError(f"{where}: a geometry without the GeoPackage header")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 7)
    if envelope is None:
        raise BoundaryFileError(f"{where}: a geometry with an unknown envelope")
    pos = 8 + envelope

    def read(fmt: str, order: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from(order + fmt, blob, pos)
        pos += struct.calcsize(fmt)
        return values

    def geometry() -> tuple[int, Any]:
        order = "<" if read("B", "<")[0] == 1 else ">"
        kind = read("I", order)[0]
        dims = 2 + (kind // 1000 in (1, 2)) + 2 * (kind // 1000 == 3)
        base = kind % 1000
        if base == 3:
            rings = []
            for _r in range(read("I", order)[0]):
                n = read("I", order)[0]
                flat = read(f"{n * dims}d", order)
                rings.append([[flat[i], flat[i + 1]] for i in range(0, len(flat), dims)])
            return 3, rings
        if base == 6:
            return 6, [geometry()[1] for _p in range(read("I", order)[0])]
        return base, None

    base, coords = geometry()
    if base == 3:
        return {"type": "Polygon", "coordinates": coords}
    if base == 6:
        return {"type": "MultiPolygon", "coordinates": coords}
    return None


def _gpkg_features(path: Path) -> list[dict[str, Any]]:
    """The polygon features of every feature table of a GeoPackage (an SQLite file)."""
    where = str(path)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BoundaryFileError(f"{where}: cannot open the GeoPackage ({exc})") from exc
    try:
        tables = con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        features = []
        for table, column in tables:
            quoted = '"' + str(table).replace('"', '""') + '"'
            cur = con.execute(f"SELECT * FROM {quoted}")
            names = [d[0] for d in cur.description]
            for row in cur:
                record = dict(zip(names, row, strict=True))
                blob = record.pop(column)
                geom = _wkb_polygons(blob, f"{where}, table {table}") if blob else None
                if geom is not None:
                    props = {k: v for k, v in record.items() if not isinstance(v, bytes)}
                    features.append({"type": "Feature", "properties": props, "geometry": geom})
        return features
    except (sqlite3.Error, struct.error) as exc:
        raise BoundaryFileError(f"{where}: not a readable GeoPackage ({exc})") from exc
    finally:
        con.close()


def _read_features(path: Path) -> list[dict[str, Any]]:
    where = str(path)
    if path.suffix.lower() == ".gpkg":
        if not path.is_file():
            raise BoundaryFileError(f"{where}: no such file")
        return _gpkg_features(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BoundaryFileError(f"{where}: cannot read the file ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryFileError(f"{where}: not a GeoJSON or TopoJSON file ({exc})") from exc
    if isinstance(data, dict) and data.get("type") == "Topology":
        return _topojson_features(data, where)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return list(data.get("features") or [])
    raise BoundaryFileError(f"{where}: neither a GeoJSON FeatureCollection nor a TopoJSON Topology")


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """The outer rings of a polygon or multipolygon."""
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _signed_area(ring: list[list[float]]) -> float:
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def _rewind(geometry: dict[str, Any]) -> dict[str, Any]:
    """Rings wound as d3-geo (Vega's map engine) expects: exterior rings clockwise, holes
    counterclockwise. RFC 7946 GeoJSON winds them the other way round, and d3 would then draw
    the whole globe minus the region."""

    def polygon(rings: list) -> list:
        out = []
        for i, ring in enumerate(rings):
            clockwise = _signed_area(ring) < 0
            out.append(ring if clockwise == (i == 0) else list(reversed(ring)))
        return out

    if geometry.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geometry["coordinates"])}
    if geometry.get("type") == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [polygon(p) for p in geometry["coordinates"]],
        }
    return geometry


def _centre(geometry: dict[str, Any]) -> tuple[float, float, float]:
    """The area centroid of the largest outer ring, and the width of the whole bounding box."""
    best, best_area = None, -1.0
    xs: list[float] = []
    for ring in _rings(geometry):
        xs += [p[0] for p in ring]
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            a += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if a and abs(a) > best_area:
            best_area, best = abs(a), (cx / (3 * a), cy / (3 * a))
    if best is None:
        raise ValueError("no polygon")
    return best[0], best[1], (max(xs) - min(xs)) if xs else 0.0


def _code_of(props: dict[str, Any], level: str) -> str | None:
    for key in ("statcode", "code", "CODE", "STATCODE"):
        v = props.get(key)
        if isinstance(v, str) and _CODE[level].match(v.strip()):
            return v.strip()
    for v in props.values():
        if isinstance(v, str) and _CODE[level].match(v.strip()):
            return v.strip()
    return None


def load_boundaries(paths: list[Path], region: RegionData, year: int | None = None) -> Geometry:
    """Read boundary files; each must hold provinces or COROP regions of ``region`` (found by
    their CBS codes). A file without any of them is an error naming the file."""
    wanted = {
        "province": {p.code: p for p in region.provinces},
        "corop": {c.code: c for c in region.corops},
    }
    geo = Geometry(attribution=ATTRIBUTION.format(year=year or region.boundaries_year))
    coords_seen: list[float] = []
    for path in paths:
        features = _read_features(Path(path))
        found = 0
        for level in ("province", "corop"):
            for f in features:
                props = f.get("properties") or {}
                code = _code_of(props, level)
                if code is None or code not in wanted[level] or not f.get("geometry"):
                    continue
                try:
                    cx, cy, span = _centre(f["geometry"])
                except (ValueError, KeyError, TypeError, IndexError) as exc:
                    raise BoundaryFileError(
                        f"{path}: feature {code} has no usable polygon"
                    ) from exc
                rec = wanted[level][code]
                coords_seen += [cx, cy]
                geo.layers.setdefault(level, []).append(
                    {
                        "type": "Feature",
                        "geometry": _rewind(f["geometry"]),
                        "properties": {
                            "code": code,
                            "name": rec.name_nl,
                            "cx": cx,
                            "cy": cy,
                            "span": span,
                        },
                    }
                )
                found += 1
        if not found:
            raise BoundaryFileError(
                f"{path}: no province or COROP region of {region.name_en} in it (looked for "
                "CBS codes such as PV20 or CR01 in the features' properties)"
            )
        geo.sources.append(str(path))
    geo.planar = any(abs(v) > 360 for v in coords_seen)
    return geo


# --- the cache and `innomon geo fetch` -------------------------------------------------------


def geo_dir() -> Path:
    return config.home() / "geo"


def geo_url() -> str:
    """Where ``innomon geo fetch`` downloads from (``INNOMON_GEO_URL``; default: the
    simplified CBS/PDOK maps of cartomap/nl in WGS 84)."""
    return (os.environ.get("INNOMON_GEO_URL") or DEFAULT_GEO_URL).rstrip("/")


def cached_files(year: int) -> list[Path]:
    return [
        geo_dir() / f"{name}_{year}.topojson"
        for name in LAYERS.values()
        if (geo_dir() / f"{name}_{year}.topojson").is_file()
    ]


def cached_boundaries(region: RegionData) -> Geometry | None:
    """The boundaries ``innomon geo fetch`` stored for the region's boundary year, if any."""
    files = cached_files(region.boundaries_year)
    return load_boundaries(files, region, region.boundaries_year) if files else None


def fetch(region: RegionData, timeout: float = 20.0) -> list[Path]:
    """Download the province and COROP boundaries of the region's boundary year into
    ``INNOMON_HOME/geo/``. Each file is checked (it must hold the region's codes) before it is
    stored; nothing is stored when a download fails."""
    year = region.boundaries_year
    target = geo_dir()
    got: list[tuple[Path, bytes]] = []
    for name in LAYERS.values():
        url = f"{geo_url()}/{name}_{year}.topojson"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:
                body = resp.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise GeoError(
                f"cannot download {url} ({reason}); check the internet connection or "
                "INNOMON_GEO_URL, or give boundary files with `innomon report --boundaries`"
            ) from exc
        got.append((target / f"{name}_{year}.topojson", body))
    target.mkdir(parents=True, exist_ok=True)
    tmp_paths = []
    for path, body in got:
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(body)
        tmp_paths.append((tmp, path))
    try:
        for tmp, _path in tmp_paths:
            load_boundaries([tmp], region, year)
    except GeoError as exc:
        for tmp, _path in tmp_paths:
            tmp.unlink(missing_ok=True)
        raise GeoError(f"the downloaded boundaries are unusable: {exc}") from exc
    for tmp, path in tmp_paths:
        tmp.replace(path)
    return [p for _t, p in tmp_paths]
