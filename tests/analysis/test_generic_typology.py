"""The typology is generic: any flag ids, no required parameter, rules over any variables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innomon.analysis.typology import (
    Condition,
    FirmClasses,
    Flag,
    Level,
    Parameter,
    Rule,
    TypologyRules,
    class_columns,
    classify,
)


def rules() -> TypologyRules:
    def level(score, id_, rule):
        return Level(score, id_, id_, id_, id_, id_, rule)

    return TypologyRules(
        (Parameter("big", 100.0, "a test"),),
        (
            Flag("exporter", "e", "e", "e", "e", Rule("all", (Condition("export", "==", 1.0),))),
            Flag(
                "big_exporter",
                "b",
                "b",
                "b",
                "b",
                Rule("all", (Condition("exporter", "==", 1.0), Condition("staff", ">=", "big"))),
            ),
        ),
        (
            level(1, "leader", Rule("all", (Condition("big_exporter", "==", 1.0),))),
            level(
                0,
                "rest",
                Rule("any", (Condition("exporter", "==", 0.0), Condition("staff", "<", "big"))),
            ),
        ),
    )


def test_any_flag_ids_and_no_required_parameter():
    data = {
        "export": np.array([1.0, 1.0, 0.0, np.nan]),
        "staff": np.array([150.0, 10.0, 500.0, 500.0]),
    }
    before = set(data)
    classes = classify(data, rules())
    assert set(data) == before  # the caller's variables are not changed
    assert [c.flags for c in classes] == [
        {"exporter": True, "big_exporter": True},
        {"exporter": True, "big_exporter": False},
        {"exporter": False, "big_exporter": False},
        {"exporter": None, "big_exporter": None},
    ]
    assert [c.level_id for c in classes] == ["leader", "rest", "rest", None]
    # the Northern Netherlands flags are properties reading the flags: absent here
    assert classes[0].top is None
    assert classes[0].frugal is None
    cols = class_columns(classes, rules())
    assert set(cols) == {"ladder_level", "exporter", "big_exporter", "level_leader", "level_rest"}
    assert cols["level_leader"].tolist()[:3] == [1.0, 0.0, 0.0]
    assert math.isnan(cols["level_rest"][3])


def test_flags_of_the_old_names_are_read_by_the_properties():
    c = FirmClasses(3, "top_innovator", "a", "b", {"top": True, "frugal": False})
    assert (c.top, c.frugal, c.micro_veteran) == (True, False, None)


def test_a_rule_over_a_variable_that_is_not_there_is_named():
    with pytest.raises(ValueError, match="unknown variable 'staff'"):
        classify({"export": np.array([1.0])}, rules())
