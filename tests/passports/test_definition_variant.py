"""The passport and the subsidy barometer follow the monitor definition: a variant of the packaged
Northern Netherlands definition in a temporary directory (``INNOMON_MONITOR``) changes the peer
groups, the labels, the indicators, the barometer's facts and rules and the typology's flags —
and every mistake in it is one line naming the file and the entry."""

from __future__ import annotations

import math
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import yaml
from django.utils import translation

import innomon.definition
from innomon.definition import load_definition
from innomon.instrument import load_instrument
from innomon.passports import rules as passport_rules_module
from innomon.passports.barometer import facts_of, instruments_for
from innomon.passports.render import group_label, view_model
from innomon.passports.rules import PassportRulesError, check_barometer, passport_rules

YEAR = 2019


def _clear() -> None:
    innomon.definition._load.cache_clear()
    passport_rules_module.passport_rules.cache_clear()
    passport_rules_module.support_instruments.cache_clear()
    passport_rules_module.barometer_facts.cache_clear()


class Variant:
    """A copy of the packaged definition whose YAML files a test edits."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def edit(self, name: str, change) -> None:
        file = self.path / name
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        change(data)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        _clear()


@pytest.fixture
def variant(tmp_path, monkeypatch):
    target = tmp_path / "my-monitor"
    shutil.copytree(resources.files("innomon") / "monitors" / "noord-nederland", target)
    monkeypatch.setenv("INNOMON_MONITOR", str(target))
    _clear()
    yield Variant(target)
    _clear()


def _instrument(**extra):
    return {
        "id": "robot_grant",
        "name": {"nl": "Robotsubsidie", "en": "Robot grant"},
        "provider": "Provincie",
        "supports": {"nl": "Robots.", "en": "Robots."},
        "link": "https://example.org/robots",
        "example": True,
        "source": "a test",
        **extra,
    }


def _rename_sector(data) -> None:
    """monitor.yaml: the domain sbi_group is called sector."""
    for d in data["domains"]:
        if d["id"] == "sbi_group":
            d["id"] = "sector"
    controls = data["roles"]["complementarity"]["controls"]
    controls[controls.index("sbi_group")] = "sector"


def _columns(**values):
    return {k: np.array([v], dtype=object) for k, v in values.items()}


# --- passport.yaml against the definition ----------------------------------------------------


def test_peer_group_steps_are_domains_of_the_definition(variant):
    variant.edit("monitor.yaml", _rename_sector)
    # the shipped passport.yaml still names sbi_group: one line naming file, step and domain
    with pytest.raises(PassportRulesError) as err:
        passport_rules()
    message = str(err.value)
    assert "\n" not in message
    assert (
        "passport.yaml, peer_group.steps, step 1: 'sbi_group' is not a domain of monitor.yaml"
        in (message)
    )
    assert "sector" in message  # the domains it may use
    variant.edit(
        "passport.yaml", lambda d: d["peer_group"].update(steps=[["sector", "size_class"], []])
    )
    assert passport_rules().steps == (("sector", "size_class"), ())


def test_a_passport_indicator_must_be_in_the_catalogue(variant):
    variant.edit("passport.yaml", lambda d: d["indicators"].append("robots"))
    with pytest.raises(
        PassportRulesError, match=r"passport\.yaml, indicators: 'robots' is not an "
    ):
        passport_rules()
    variant.edit("passport.yaml", lambda d: d.update(indicators=["ntm_sales"]))
    with pytest.raises(PassportRulesError, match="'ntm_sales' is a ratio"):
        passport_rules()


def test_group_labels_come_from_the_definitions_domains(variant):
    def rename(data):
        _rename_sector(data)
        sector = next(d for d in data["domains"] if d["id"] == "sector")
        sector["groups"][0]["name"] = {"nl": "Maakindustrie", "en": "Manufacturing"}

    variant.edit("monitor.yaml", rename)
    with translation.override("en"):
        assert group_label(["sector", "size_class"], ["industry", "micro"], "en") == (
            "Manufacturing, micro firms (0–9 employees)"
        )
        assert group_label(["province"], ["PV21"], "en", "noord-nederland") == "Fryslân"
        assert group_label(["corop"], ["CR01"], "nl", "noord-nederland") == "Oost-Groningen"
        assert group_label(["age_class"], ["25+"], "en") == "25 years or older"
        assert group_label(["unknown"], ["x"], "en") == "x"
        assert group_label([], [], "en") == "all SMEs of the region"


# --- the barometer's variables -----------------------------------------------------------------


def test_the_shipped_barometer_names_only_variables_the_questionnaire_has():
    assert check_barometer(load_definition(), [load_instrument()]) == []


def test_a_rule_naming_an_unknown_variable_is_one_clear_line(variant):
    rule = _instrument(
        eligible=[
            {"fact": "size_class", "in": ["micro", "small"], "reason": {"nl": "mkb", "en": "SME"}},
            {"fact": "uses_robots", "is": 1, "reason": {"nl": "robots", "en": "robots"}},
        ],
        awareness="support_robots",
    )
    variant.edit("instruments.yaml", lambda d: d["instruments"].append(rule))
    problems = check_barometer(load_definition(), [load_instrument()])
    assert len(problems) == 2
    where = f"{variant.path}/instruments.yaml: instrument robot_grant"
    assert problems[0].startswith(f"{where}, condition 2: the variable 'uses_robots' is in no ")
    assert problems[1].startswith(f"{where}, awareness: the variable 'support_robots' is in no ")
    assert all("\n" not in p for p in problems)


def test_a_condition_on_a_variable_the_wave_did_not_ask_is_not_known(variant):
    rule = _instrument(
        eligible=[{"fact": "theme_robots", "is": 1, "reason": {"nl": "robots", "en": "robots"}}]
    )
    variant.edit("instruments.yaml", lambda d: d["instruments"].append(rule))
    answered = facts_of(_columns(theme_robots=1.0, investor=1.0), 0)
    assert "robot_grant" in {i["id"] for i in instruments_for(answered, {})}
    not_asked = facts_of(_columns(investor=1.0), 0)  # the wave's questionnaire lacks it
    assert "theme_robots" not in not_asked
    assert "robot_grant" not in {i["id"] for i in instruments_for(not_asked, {})}


def test_the_barometers_own_facts_are_rules_of_instruments_yaml(variant):
    facts = facts_of(_columns(innovator=0.0, investor=1.0, participant=0.0), 0)
    assert facts["stage"] == "development"
    assert facts["collaborates"] is None  # knowledge institutions and partners unknown

    def only_initiatives(data):
        data["facts"]["collaborates"] = {"any": [{"fact": "participant", "is": 1}]}

    variant.edit("instruments.yaml", only_initiatives)
    facts = facts_of(_columns(innovator=0.0, investor=1.0, participant=0.0), 0)
    assert facts["collaborates"] == 0.0
    # a fact may read only the facts above it
    variant.edit(
        "instruments.yaml",
        lambda d: d["facts"].update(
            busy={"all": [{"fact": "later", "is": 1}]},
            later={"all": [{"fact": "investor", "is": 1}]},
        ),
    )
    with pytest.raises(PassportRulesError, match="fact 'busy': it reads the fact 'later'"):
        passport_rules_module.barometer_facts()


def test_a_malformed_fact_names_the_fact(variant):
    variant.edit("instruments.yaml", lambda d: d["facts"].update(stage={"cases": [{"all": []}]}))
    with pytest.raises(PassportRulesError) as err:
        passport_rules_module.barometer_facts()
    assert "instruments.yaml: fact 'stage', case 1: needs a 'value'" in str(err.value)


# --- the view model: flags, not asked, complementarity ---------------------------------------


def _data(**extra):
    data = {
        "year": YEAR,
        "kvk": "12345678",
        "region": "noord-nederland",
        "peer": {"step": 0, "columns": [], "values": [], "firms": 50, "widened": False},
        "respondents": 50,
        "indicators": [
            {"id": "investors", "kind": "share", "own": 1.0, "peer": None, "region": None}
        ],
        "not_asked": [],
        "level": None,
        "flags": {},
        "pyramid": {},
        "previous": None,
        "instruments": [],
        "initiatives": [],
        "complementarity": None,
    }
    data.update(extra)
    return data


def test_the_passport_shows_the_flags_the_typology_defines(variant):
    def add_flag(data):
        data["flags"].append(
            {
                "id": "exporter",
                "name": {"nl": "Exporteur", "en": "Exporter"},
                "definition": {"nl": "Meer dan 100 werknemers.", "en": "More than 100 employees."},
                "all": ["employees > 100"],
            }
        )

    variant.edit("typology.yaml", add_flag)
    with translation.override("en"):
        model = view_model(_data(flags={"exporter": True, "top": False, "frugal": None}), "en")
    assert model["flags"] == [{"name": "Exporter", "definition": "More than 100 employees."}]
    with translation.override("en"):
        assert view_model(_data(), "en")["flags"] == []


def test_a_not_asked_indicator_is_named_never_shown_as_zero(variant):
    with translation.override("en"):
        model = view_model(_data(not_asked=["rd_internal"]), "en")
    assert [r["name"] for r in model["rows"]] == ["Invests in innovation"] or len(
        model["rows"]
    ) == 1
    assert model["not_asked"].startswith(f"Not asked in the {YEAR} questionnaire")
    assert "R&D" in model["not_asked"] or "research" in model["not_asked"].lower()
    with translation.override("en"):
        assert view_model(_data(), "en")["not_asked"] == ""


def test_without_a_complementarity_finding_there_is_no_sentence(variant):
    with translation.override("en"):
        assert view_model(_data(complementarity=None), "en")["complementarity"] == ""
        applies = {
            "applies": True,
            "verdict": "complements",
            "sentence_en": "It pays.",
            "sentence_nl": "Het loont.",
        }
        assert "It pays." in view_model(_data(complementarity=applies), "en")["complementarity"]


def test_missing_values_are_never_facts():
    facts = facts_of(_columns(employees=math.nan, size_class=None), 0, {"sbi_section": "C"})
    assert facts["employees"] is None
    assert facts["size_class"] is None
    assert facts["sbi_section"] == "C"  # from the firm register
