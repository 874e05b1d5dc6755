import copy

import pytest
import yaml

from innomon.region import RegionDataError, available_regions, load_region, parse_region


def test_default_region_has_the_cbs_geography(region_data):
    assert [p.code for p in region_data.provinces] == ["PV20", "PV21", "PV22"]
    assert [c.code for c in region_data.corops] == [f"CR0{i}" for i in range(1, 10)]
    per_province = {
        p.code: sum(len(c.municipalities) for c in p.corops) for p in region_data.provinces
    }
    assert per_province == {"PV20": 10, "PV21": 18, "PV22": 12}
    assert region_data.municipality("GM0080").name == "Leeuwarden"
    assert region_data.municipality("GM0080").province_code == "PV21"


def test_region_is_a_data_file(tmp_path):
    assert "noord-nederland" in available_regions()
    with pytest.raises(RegionDataError, match="unknown"):
        load_region("atlantis")


def _raw():
    from importlib import resources

    text = resources.files("innomon.region").joinpath("data", "noord-nederland.yaml").read_text()
    return yaml.safe_load(text)


def test_duplicate_code_is_named():
    raw = _raw()
    raw["provinces"][1]["corop"][0]["municipalities"].append(
        copy.deepcopy(raw["provinces"][0]["corop"][0]["municipalities"][0])
    )
    with pytest.raises(RegionDataError, match="appears twice"):
        parse_region(raw, "broken.yaml")


def test_malformed_code_is_named():
    raw = _raw()
    raw["provinces"][0]["corop"][0]["municipalities"][0]["code"] = "G123"
    with pytest.raises(RegionDataError, match=r"broken\.yaml: municipality code 'G123'"):
        parse_region(raw, "broken.yaml")
