"""The import's fast paths give what the plain ones give: answer dicts built per set of
answered questions, JSON through orjson (the standard library where orjson differs), raw
``IN`` look-ups, and distinct answers handed to ``validate_table``."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from innomon.instrument._values import factorize
from innomon.intake.importer import _answer_rows
from innomon.survey.responses import json_text, select_in


def _plain_rows(columns, rows):
    return [{k: v[i] for k, v in columns.items() if v[i] is not None} for i in rows]


@pytest.mark.parametrize("patterns", [3, 400])  # few sets of answered questions, and many
def test_answer_rows_as_row_by_row(patterns):
    rng = random.Random(patterns)
    n = 400
    shapes = [[rng.random() < 0.6 for _ in range(12)] for _ in range(patterns)]
    columns = {}
    for c in range(12):
        col = np.empty(n, dtype=object)
        for i in range(n):
            col[i] = rng.choice([1, 2.5, "x", [1, 2]]) if shapes[i % patterns][c] else None
        columns[f"q{c}"] = col
    columns["never"] = np.full(n, None, dtype=object)
    rows = sorted(rng.sample(range(n), 300))
    got = _answer_rows(columns, rows)
    want = _plain_rows(columns, rows)
    assert got == want
    assert [list(d) for d in got] == [list(d) for d in want]  # the columns' order kept
    assert len({id(d) for d in got}) == len(got)  # a dict of its own per row


def test_answer_rows_of_rows_without_answers():
    columns = {"a": np.array([None, 1, None], dtype=object)}
    got = _answer_rows(columns, [0, 2])
    assert got == [{}, {}]
    assert got[0] is not got[1]


def test_json_text_reads_back_as_the_standard_library():
    value = {"a": 1, "b": [1, 2], "c": 2.5, "d": "tëkst", "e": 30.0, "f": [("g", True)]}
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize(
    "value", [{"a": None}, {"b": [None]}, {1: "int key"}, {"big": 2**70}, {"x": math.nan}]
)
def test_json_text_where_orjson_differs_is_the_standard_library(value):
    assert json_text(value) == json.dumps(value)


def test_json_text_refuses_what_the_standard_library_refuses():
    import datetime as dt

    with pytest.raises(TypeError):
        json_text({"when": dt.date(2020, 1, 1)})


@pytest.mark.django_db
def test_select_in_as_the_orm():
    from innomon.region import load_region
    from innomon.registry.models import Firm, Municipality
    from innomon.registry.services import load_region as store_region

    store_region(load_region("noord-nederland"))
    muni = Municipality.objects.first()
    for k in range(3):
        Firm.objects.create(
            kvk=f"1234567{k}",
            name=f"Firma {k}",
            sbi_code="2511",
            sbi_section="C",
            employees=5,
            size_class="small",
            municipality=muni,
        )
    wanted = ["12345670", "12345672", "99999999"]
    got = sorted(select_in(Firm, "kvk", wanted, ("kvk", "id")))
    assert got == sorted(Firm.objects.filter(kvk__in=wanted).values_list("kvk", "id"))
    assert select_in(Firm, "kvk", [], ("kvk",)) == []
    assert select_in(Firm, "kvk", wanted, ("kvk",), municipality_id=-1) == []


def test_validate_table_with_given_factors_as_without():
    from innomon.instrument import load_instrument
    from innomon.instrument.validate import validate_table

    instrument = load_instrument()
    q = next(q for q in instrument.variables() if q.type == "integer")
    texts = [5, -3, None, 5, 10**9, None]
    values = np.array([*texts, None], dtype=object)[:-1]
    columns = {q.name: values}
    plain = validate_table(instrument, columns, False)
    factors = {q.name: factorize(values.tolist())}
    given = validate_table(instrument, columns, False, factors=factors)
    assert [(p.row, p.variable, p.rule) for p in given] == [
        (p.row, p.variable, p.rule) for p in plain
    ]
    with pytest.raises(ValueError, match="rows"):
        validate_table(instrument, columns, False, factors={q.name: factorize([1])})
