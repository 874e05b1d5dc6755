"""Calculate and hidden rows: parsed into calculations and context variables, checked like the
questions' rules, kept by pyxform, filtered by wave, loaded from bytes."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from pyxform.xls2xform import convert

from innomon.instrument import WORKBOOK, InstrumentError, load_instrument, parse
from innomon.instrument.derive import derive_columns
from tests.instrument.workbooks import FIRST_NEW_ROW, calc, hidden, workbook


def load(data: bytes):
    return load_instrument(data=data, source="team.xlsx")


def rejected(data: bytes) -> str:
    with pytest.raises(InstrumentError) as info:
        load(data)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("team.xlsx, ")
    return message


def test_the_shipped_workbook_loads_from_bytes_with_its_checksum():
    data = WORKBOOK.read_bytes()
    from_bytes = load_instrument(data=data)
    assert from_bytes.source == "questionnaire.xlsx"
    assert from_bytes.sha256 == hashlib.sha256(data).hexdigest()
    from_path = load_instrument()
    assert from_path.sha256 == from_bytes.sha256
    assert from_path.source == "innovatiemonitor.xlsx"
    assert from_path.calculations == from_bytes.calculations
    assert load_instrument(data=data, source="wave-2019.xlsx").source == "wave-2019.xlsx"
    with pytest.raises(ValueError, match="not both"):
        load_instrument(path=WORKBOOK, data=data)


def test_not_a_workbook_as_bytes_is_one_line():
    with pytest.raises(InstrumentError, match=r"^upload\.xlsx: is not an \.xlsx workbook"):
        load_instrument(data=b"PK no zip", source="upload.xlsx")


def test_calculations_and_context_are_records_not_questions():
    data = workbook(
        [
            hidden("region_code", "register.province"),
            hidden("bonus", "parameter.bonus_rate", **{"label::English (en)": "Bonus"}),
            calc("big", "${employees} >= 50", **{"innomon::since": 2017}),
            calc("staff_share", "if(${big} = 1, ${innovation_staff} div ${employees}, '')"),
        ]
    )
    instrument = load(data)
    assert [c.name for c in instrument.context][-2:] == ["region_code", "bonus"]
    bonus = instrument.context[-1]
    assert (bonus.kind, bonus.key, bonus.label_en, bonus.label_nl) == (
        "parameter",
        "bonus_rate",
        "Bonus",
        "",
    )
    big, share = instrument.calculations[-2:]
    assert (big.name, big.since, big.calculation_text) == ("big", 2017, "${employees} >= 50")
    assert big.expression == parse("${employees} >= 50")
    assert share.expression.references == {"big", "innovation_staff", "employees"}
    assert share.row == big.row + 1
    assert {"big", "staff_share", "region_code", "bonus"} <= instrument.names()
    assert not {"big", "region_code"} & {q.name for q in instrument.questions}
    out = derive_columns(
        instrument,
        [{"employees": 100, "innovation_staff": 25}, {"employees": 10, "innovation_staff": 5}, {}],
        {"wave.year": 2019, "parameter.top_innovator_threshold": 0.4, "parameter.bonus_rate": 2},
    )
    np.testing.assert_array_equal(out["big"], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(out["staff_share"], [0.25, np.nan, np.nan])
    np.testing.assert_array_equal(out["bonus"], [2.0, 2.0, 2.0])


def test_as_of_drops_calculations_whose_variables_a_wave_did_not_ask():
    data = workbook(
        [
            calc("gap_big", "${theme19_finance_gap_amount} > 100"),  # theme 2019
            calc("gap_flag", "coalesce(${gap_big}, 0)"),  # through gap_big: dropped too
            calc("later", "${employees} * 2", **{"innomon::since": 2018}),
            calc("always", "${employees} + 1"),
        ]
    )
    instrument = load(data)
    names = {c.name for c in instrument.as_of(2017).calculations}
    assert {"always"} <= names
    assert not {"gap_big", "gap_flag", "later"} & names
    assert {"later", "always"} <= {c.name for c in instrument.as_of(2018).calculations}
    assert {"gap_big", "gap_flag"} <= instrument.as_of(2019).names()


def test_a_relevance_may_not_use_a_calculation():
    """The web questionnaire and the import check answers with the answers alone: a condition on
    a calculation (known only when the wave is built) is refused, naming row and column, rather
    than evaluated as unanswered."""
    data = workbook(
        [calc("big", "${employees} >= 50")],
        edits=[("innovation_staff", "relevant", "${big} = 1")],
    )
    with pytest.raises(InstrumentError) as err:
        load(data)
    assert "column relevant: ${big} is a calculation, known only when the wave is built" in str(
        err.value
    )


def test_text_results_stay_text_and_selected_reads_lists():
    data = workbook(
        [
            calc("sector", "if(${sbi_section} = 'C', 'industry', '')"),
            calc("abroad", "selected(${partner_customers}, '4')"),
            calc("n_partner_places", "count-selected(${partner_customers})"),
        ]
    )
    records = [
        {"sbi_section": "C", "partner_customers": [1, 4]},
        {"sbi_section": "F", "partner_customers": "4"},
        {},
    ]
    out = derive_columns(
        load(data), records, {"wave.year": 2019, "parameter.top_innovator_threshold": 0.4}
    )
    assert out["sector"].tolist() == ["industry", None, None]
    np.testing.assert_array_equal(out["abroad"], [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(out["n_partner_places"], [2.0, 1.0, 0.0])


@pytest.mark.parametrize(
    ("rows", "column", "expected"),
    [
        ([calc("x", "")], "calculation", "the calculate row 'x' has no calculation"),
        ([calc("x", "${nope} + 1")], "calculation", "${nope} is not a question of this form"),
        ([calc("x", "${x} + 1")], "calculation", "${x} is this calculation itself"),
        (
            [calc("x", "${y} + 1"), calc("y", "1")],
            "calculation",
            f"${{y}} is calculated on row {FIRST_NEW_ROW + 1}, after this one",
        ),
        ([calc("x", ". + 1")], "calculation", "'.' has no value in a calculation"),
        ([calc("x", "${intro} = ''")], "calculation", "${intro} is a note and holds no answer"),
        ([calc("x", "1 +")], "calculation", "the expression ends too early"),
        ([calc("x", "1", required="yes")], "required", "a calculation holds no answer"),
        ([calc("x", "1", relevant="${employees} > 1")], "relevant", "write the condition"),
        ([calc("x", "1", constraint=". > 1")], "constraint", "cannot have a constraint"),
        ([hidden("h", "")], "innomon::source", "the hidden row 'h' has no source"),
        ([hidden("h", "register.turnover")], "innomon::source", "'register.turnover' is not a"),
        ([hidden("h", "wave.month")], "innomon::source", "write register.<field> (kvk, "),
        ([hidden("h", "parameter.")], "innomon::source", "is not a source"),
        ([hidden("h", "wave.year", **{"innomon::since": 2019})], "innomon::since", "no first"),
        ([hidden("h", "wave.year", relevant="1")], "relevant", "comes from its source"),
        (
            [
                {
                    "type": "integer",
                    "name": "q",
                    "label::Nederlands (nl)": "q",
                    "label::English (en)": "q",
                    "innomon::source": "wave.year",
                }
            ],
            "innomon::source",
            "only a hidden row has a source",
        ),
    ],
)
def test_each_kind_of_problem_with_calculate_and_hidden_rows(rows, column, expected):
    message = rejected(workbook(rows))
    assert f"sheet survey, row {FIRST_NEW_ROW}, column {column}: " in message
    assert expected in message


def test_a_calculation_inside_a_conditional_group_is_rejected():
    data = workbook(
        [
            {
                "type": "begin group",
                "name": "g",
                "relevant": "${employees} > 5",
                "label::Nederlands (nl)": "G",
                "label::English (en)": "G",
            },
            calc("x", "1"),
            {"type": "end group", "name": "g"},
        ]
    )
    message = rejected(data)
    assert (
        f"row {FIRST_NEW_ROW + 1}, column type: a calculation cannot be inside group 'g'" in message
    )


def test_pyxform_accepts_calculate_and_hidden_rows():
    warnings: list[str] = []
    result = convert(xlsform=WORKBOOK.read_bytes(), file_type=".xlsx", warnings=warnings)
    assert warnings == []
    assert 'nodeset="/data/innovator"' in result.xform
    assert "calculate=" in result.xform
    assert "<wave_year/>" in result.xform


@pytest.mark.parametrize(
    "text",
    [
        "coalesce(${a}, ${b})",
        "coalesce(${a}, 7) + 1",
        "coalesce(${a}, ${b} > 2)",
        "coalesce(if(${b} > 2, 'big', ''), ${a})",
        "coalesce('', '')",
    ],
)
def test_coalesce_agrees_row_by_row_and_with_one_respondent(text):
    a = np.array([None, "", 3, 0, np.nan, "x", [1, 2], []], dtype=object)
    b = np.array([1, 5, None, 2.5, 4, "", 9, None], dtype=object)
    expression = parse(text)
    columns = expression.evaluate_columns({"a": a, "b": b})
    for i in range(len(a)):
        one = expression.evaluate({"a": a[i], "b": b[i]})
        assert columns[i] == one or (one != one and columns[i] != columns[i]), (i, one)
    first = parse("coalesce(${a}, 'none')").evaluate_columns({"a": a})
    assert first.tolist() == ["none", "none", "3", "0", "none", "x", "1 2", "none"]
