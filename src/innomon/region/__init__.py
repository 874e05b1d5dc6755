"""The region as data: provinces, COROP regions and municipalities with their CBS codes.

A region is one YAML file in ``innomon/region/data/`` (``<code>.yaml``); adding a region is adding a
file. ``load_region`` reads and checks it and returns plain frozen records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

_CODE_PATTERNS = {
    "province": re.compile(r"^PV\d{2}$"),
    "corop": re.compile(r"^CR\d{2}$"),
    "municipality": re.compile(r"^GM\d{4}$"),
}


class RegionDataError(Exception):
    """A region file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    corop_code: str
    province_code: str


@dataclass(frozen=True)
class Corop:
    code: str
    name_nl: str
    name_en: str
    nuts3: str
    tile_row: int
    tile_col: int
    province_code: str
    municipalities: tuple[Municipality, ...]


@dataclass(frozen=True)
class Province:
    code: str
    name_nl: str
    name_en: str
    nuts2: str
    corops: tuple[Corop, ...]


@dataclass(frozen=True)
class Region:
    code: str
    name_nl: str
    name_en: str
    boundaries_year: int
    provinces: tuple[Province, ...]

    @property
    def corops(self) -> tuple[Corop, ...]:
        return tuple(c for p in self.provinces for c in p.corops)

    @property
    def municipalities(self) -> tuple[Municipality, ...]:
        return tuple(m for c in self.corops for m in c.municipalities)

    def municipality(self, code: str) -> Municipality:
        for m in self.municipalities:
            if m.code == code:
                return m
        raise KeyError(code)


def available_regions() -> list[str]:
    folder = resources.files(__package__).joinpath("data")
    return sorted(
        p.name.removesuffix(".yaml")
        for p in folder.iterdir()
        if p.name.endswith(".yaml") and not p.name.startswith("_")
    )


def region_file_text(code: str) -> str:
    """The text of the region file ``data/<code>.yaml`` (for a build's checksum)."""
    if code not in available_regions():
        raise RegionDataError(
            f"region '{code}' is unknown; available: {', '.join(available_regions())}"
        )
    return resources.files(__package__).joinpath("data", f"{code}.yaml").read_text("utf-8")


@cache
def load_region(code: str) -> Region:
    """Read and check ``data/<code>.yaml``; ``RegionDataError`` names what is wrong."""
    if code not in available_regions():
        raise RegionDataError(
            f"region '{code}' is unknown; available: {', '.join(available_regions())} "
            "(add innomon/region/data/<code>.yaml to define another)"
        )
    fname = f"{code}.yaml"
    return parse_region(yaml.safe_load(region_file_text(code)), fname)


def _check(kind: str, code: str, fname: str, seen: set[str]) -> None:
    if not _CODE_PATTERNS[kind].match(str(code)):
        raise RegionDataError(f"{fname}: {kind} code '{code}' does not look like a CBS code")
    if code in seen:
        raise RegionDataError(f"{fname}: {kind} code '{code}' appears twice")
    seen.add(code)


def parse_region(data: dict, fname: str = "<region>") -> Region:
    """Build a ``Region`` from the parsed YAML mapping (checked: codes, uniqueness, tiles)."""
    seen: set[str] = set()
    tiles: set[tuple[int, int]] = set()
    provinces = []
    try:
        for p in data["provinces"]:
            _check("province", p["code"], fname, seen)
            corops = []
            for c in p["corop"]:
                _check("corop", c["code"], fname, seen)
                tile = (int(c["tile"]["row"]), int(c["tile"]["col"]))
                if tile in tiles:
                    raise RegionDataError(f"{fname}: COROP {c['code']} shares tile {tile}")
                tiles.add(tile)
                munis = []
                for m in c["municipalities"]:
                    _check("municipality", m["code"], fname, seen)
                    munis.append(Municipality(m["code"], m["name"], c["code"], p["code"]))
                corops.append(
                    Corop(
                        c["code"],
                        c["name"]["nl"],
                        c["name"]["en"],
                        c["nuts3"],
                        tile[0],
                        tile[1],
                        p["code"],
                        tuple(munis),
                    )
                )
            provinces.append(
                Province(p["code"], p["name"]["nl"], p["name"]["en"], p["nuts2"], tuple(corops))
            )
        return Region(
            data["code"],
            data["name"]["nl"],
            data["name"]["en"],
            int(data["boundaries_year"]),
            tuple(provinces),
        )
    except (KeyError, TypeError) as exc:
        raise RegionDataError(f"{fname}: missing or malformed field {exc}") from exc
