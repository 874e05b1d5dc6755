"""Passports of a small built wave under a variant of the monitor definition: a passport
indicator the wave did not ask is left out (and named), never 0; a barometer rule naming a
variable of no questionnaire stops the run with one line naming the file and the entry; a
monitor without the complementarity roles makes passports without that sentence or weight."""

from __future__ import annotations

import numpy as np
import pytest

from innomon.builds.analyse import build_with_summary
from innomon.passports.content import build_passports
from innomon.passports.rules import PassportRulesError
from innomon.survey.questionnaires import wave_instrument
from tests.builds.test_robust_build import FIRMS, YEAR, _store, random_answers
from tests.builds.test_robust_build import wave as robust_wave  # noqa: F401 (fixture)
from tests.passports.test_definition_variant import variant  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ROBOTS = {
    "id": "robots",
    "name": {"nl": "Gebruikt robots", "en": "Uses robots"},
    "definition": {"nl": "Gebruikt robots.", "en": "Uses robots."},
    "kind": "share",
    "variable": "uses_robots",
    "population": "all_smes",
    "unit": "%",
}


@pytest.fixture
def answered(robust_wave):  # noqa: F811
    instrument = wave_instrument(robust_wave)
    rng = np.random.default_rng(11)
    _store(robust_wave, instrument, lambda i: random_answers(instrument, rng))
    return robust_wave


def _build(wave):
    build, _ = build_with_summary(wave, replicates=5)
    assert build.respondents == FIRMS
    return build


def test_an_indicator_the_wave_did_not_ask_is_left_out_never_zero(variant, answered):  # noqa: F811
    variant.edit("indicators.yaml", lambda d: d["indicators"].append(ROBOTS))
    variant.edit("passport.yaml", lambda d: d["indicators"].insert(0, "robots"))
    build = _build(answered)
    assert "robots" in build.summary["not_asked"]
    made = build_passports(build)
    assert len(made) == FIRMS
    for p in made:
        assert p.data["not_asked"] == ["robots"]
        ids = [row["id"] for row in p.data["indicators"]]
        assert "robots" not in ids
        assert ids[0] == "product_innovators"
    from django.utils import translation

    from innomon.passports.render import view_model

    with translation.override("en"):
        model = view_model(made[0].data, "en")
    assert (
        model["not_asked"] == f"Not asked in the {YEAR} questionnaire, so not shown: Uses robots."
    )
    assert "Uses robots" not in [r["name"] for r in model["rows"]]


def test_a_barometer_rule_on_an_unknown_variable_stops_the_passports(variant, answered):  # noqa: F811
    build = _build(answered)
    rule = {
        "id": "robot_grant",
        "name": {"nl": "Robotsubsidie", "en": "Robot grant"},
        "provider": "Provincie",
        "supports": {"nl": "Robots.", "en": "Robots."},
        "link": "https://example.org/robots",
        "source": "a test",
        "eligible": [{"fact": "uses_robots", "is": 1, "reason": {"nl": "r", "en": "r"}}],
    }
    variant.edit("instruments.yaml", lambda d: d["instruments"].append(rule))
    with pytest.raises(PassportRulesError) as err:
        build_passports(build)
    assert str(err.value) == (
        f"{variant.path}/instruments.yaml: instrument robot_grant, condition 1: the variable "
        "'uses_robots' is in no questionnaire and no build output; name a question, a "
        "calculation or context row of the questionnaire, a domain, a typology flag or a fact "
        "of instruments.yaml"
    )


def test_without_complementarity_roles_no_sentence_and_no_weight(variant, answered):  # noqa: F811
    variant.edit("monitor.yaml", lambda d: d["roles"].pop("complementarity"))
    build = _build(answered)
    made = build_passports(build)
    assert made
    for p in made:
        assert p.data["complementarity"] is None
        assert all(s["parts"]["complement"] == 0.0 for s in p.data["initiatives"])
    # the flags are the typology's, by id
    assert set(made[0].data["flags"]) == {"top", "frugal", "micro_veteran"}
