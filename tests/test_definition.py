"""The monitor definition: the packaged Northern Netherlands one loads, every problem of an edited
copy is one line naming the file and the entry, and its references are checked against a
questionnaire."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from innomon import definition as d
from innomon.instrument.loader import load_instrument


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """An editable copy of the packaged definition."""
    target = tmp_path / "monitor"
    with resources.as_file(resources.files("innomon") / "monitors" / d.DEFAULT_MONITOR) as src:
        shutil.copytree(src, target)
    return target


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_packaged_definition_loads_with_its_parts() -> None:
    defn = d.load_definition()
    assert defn.code == "noord-nederland"
    assert defn.name_nl == "Innovatiemonitor Noord-Nederland"
    assert defn.parameter("top_innovator_threshold") == pytest.approx(0.40)
    assert defn.domain_ids == ("province", "corop", "sbi_group", "size_class", "age_class")
    assert defn.domain("sbi_group").value_name("industry", "en") == "Industry and energy"
    assert defn.domain("age_class").codes == ("0-4", "5-9", "10-24", "25+")
    assert defn.complementarity is not None
    assert defn.complementarity.outcome == "ntm_turnover_pct"
    assert dict(defn.participation.types)["network"] == "in_network"
    assert next(c.kind for c in defn.chapters) == "key_figures"
    assert "participants" in {i.id for i in defn.indicators}
    assert len(defn.sha256) == 64


def test_the_checksum_follows_every_file(copy: Path) -> None:
    before = d.load_definition(copy).sha256
    report = copy / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    d._load.cache_clear()
    assert d.load_definition(copy).sha256 != before


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "monitor.yaml",
            lambda m: m["domains"][2]["groups"][1]["values"].append("B"),
            "domain 'sbi_group': the value 'B' is in both group 'industry' and 'construction'",
        ),
        (
            "monitor.yaml",
            lambda m: m["roles"]["complementarity"]["controls"].append("sector"),
            "roles.complementarity: control 'sector' is not a domain",
        ),
        (
            "monitor.yaml",
            lambda m: m["parameters"]["top_innovator_threshold"].pop("source"),
            "parameter 'top_innovator_threshold': needs a 'value' and a 'source'",
        ),
        (
            "report.yaml",
            lambda r: r["chapters"][0].update(indicators=["participants", "nonsense"]),
            "chapter 1 (key_figures), indicators: indicator 'nonsense' is not in indicators.yaml",
        ),
        (
            "report.yaml",
            lambda r: r["chapters"].append({"kind": "poetry"}),
            "'kind' must be one of",
        ),
    ],
)
def test_a_broken_definition_is_one_line_naming_file_and_entry(copy, name, change, message):
    _edit(copy, name, change)
    d._load.cache_clear()
    with pytest.raises(d.DefinitionError) as err:
        d.load_definition(copy)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{copy}/{name}")
    assert message in text


def test_not_a_definition_directory(tmp_path: Path) -> None:
    with pytest.raises(d.DefinitionError, match=r"no monitor\.yaml here"):
        d.load_definition(tmp_path)
    with pytest.raises(d.DefinitionError, match="not a directory"):
        d.load_definition(tmp_path / "missing")


def test_references_are_checked_against_the_questionnaire(copy: Path) -> None:
    instrument = load_instrument()
    defn = d.load_definition()
    assert d.check_definition(defn, instrument) == []
    feeds, cannot = d.coverage(defn, instrument)
    assert "participants" in feeds
    assert not cannot

    def rename(m):
        m["domains"][2]["variable"] = "sector_code"
        m["roles"]["complementarity"]["outcome"] = "turnover_new_pct"

    _edit(copy, "monitor.yaml", rename)
    d._load.cache_clear()
    problems = d.check_definition(d.load_definition(copy), instrument)
    assert any("domain 'sbi_group': the variable 'sector_code' is not in" in p for p in problems)
    assert any("roles.complementarity: the variable 'turnover_new_pct'" in p for p in problems)
    assert all(p.startswith(f"{copy}/monitor.yaml") and "\n" not in p for p in problems)


def test_an_indicator_over_a_variable_not_asked_is_not_fed() -> None:
    defn = d.load_definition()
    early = load_instrument().as_of(2015)  # the partner questions were first asked in 2019
    feeds, cannot = d.coverage(defn, early)
    missing = dict(cannot)
    assert "partner_any" in missing
    assert "participants" in feeds
    assert d.not_asked(defn, early) == set(missing)


def test_context_values_hold_the_wave_year_and_the_parameters() -> None:
    values = d.context_values(d.load_definition(), 2019)
    assert values["wave.year"] == 2019
    assert values["parameter.top_innovator_threshold"] == pytest.approx(0.40)
