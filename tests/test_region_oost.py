"""The second region file, Oost-Nederland (Gelderland and Overijssel): loaded like the first."""

from __future__ import annotations

from innomon.region import available_regions, load_region

from .test_cli import innomon

EXPECTED_COROPS = {
    "PV23": ["CR10", "CR11", "CR12"],
    "PV25": ["CR13", "CR14", "CR15", "CR16"],
}


def test_oost_nederland_is_a_second_region():
    assert {"noord-nederland", "oost-nederland"} <= set(available_regions())
    data = load_region("oost-nederland")
    assert data.code == "oost-nederland"
    assert data.boundaries_year == 2024
    assert [(p.code, p.name_nl, p.nuts2) for p in data.provinces] == [
        ("PV23", "Overijssel", "NL21"),
        ("PV25", "Gelderland", "NL22"),
    ]
    assert {p.code: [c.code for c in p.corops] for p in data.provinces} == EXPECTED_COROPS


def test_counts_per_province_and_corop():
    data = load_region("oost-nederland")
    per_province = {p.code: sum(len(c.municipalities) for c in p.corops) for p in data.provinces}
    assert per_province == {"PV23": 25, "PV25": 51}
    per_corop = {c.code: len(c.municipalities) for c in data.corops}
    assert per_corop == {
        "CR10": 8,
        "CR11": 3,
        "CR12": 14,
        "CR13": 16,
        "CR14": 11,
        "CR15": 16,
        "CR16": 8,
    }


def test_codes_are_unique_and_each_municipality_lies_in_a_corop_of_its_province():
    data = load_region("oost-nederland")
    codes = [p.code for p in data.provinces] + [c.code for c in data.corops]
    codes += [m.code for m in data.municipalities]
    assert len(codes) == len(set(codes))
    names = [m.name for m in data.municipalities]
    assert len(names) == len(set(names))
    corop_province = {c.code: c.province_code for c in data.corops}
    for m in data.municipalities:
        assert corop_province[m.corop_code] == m.province_code, m
    nuts3 = [c.nuts3 for c in data.corops]
    assert len(set(nuts3)) == 7
    assert all(c.nuts3.startswith("NL2") for c in data.corops)
    tiles = {(c.tile_row, c.tile_col) for c in data.corops}
    assert len(tiles) == 7


def test_known_municipalities():
    data = load_region("oost-nederland")
    assert data.municipality("GM0200").name == "Apeldoorn"
    assert data.municipality("GM0200").corop_code == "CR13"
    assert data.municipality("GM0153").name == "Enschede"
    assert data.municipality("GM0153").corop_code == "CR12"
    assert data.municipality("GM0193").province_code == "PV23"
    assert data.municipality("GM0268").corop_code == "CR15"  # Nijmegen
    assert data.municipality("GM1960").corop_code == "CR16"  # West Betuwe


def test_region_command_prints_oost_nederland(tmp_path):
    result = innomon("region", home=tmp_path, env={"INNOMON_REGION": "oost-nederland"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("oost-nederland: Oost-Nederland / Eastern Netherlands")
    assert "PV25 Gelderland (NL22)" in result.stdout
    assert "CR12 Twente (NL213)" in result.stdout
    assert "GM0153 Enschede" in result.stdout
    assert "GM0202 Arnhem" in result.stdout
    assert "Leeuwarden" not in result.stdout
    assert result.stdout.count("GM") == 76
