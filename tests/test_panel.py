import pytest

from innomon.registry.services import register_firms
from innomon.survey.panel import firm_histories, normalise_name, panel_overlap
from innomon.survey.services import record_responses


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Wadtech B.V.", "wadtech"),
        ("  WADTECH  bv ", "wadtech"),
        ("Café Noord V.O.F.", "cafe noord"),
        ("Jansen & Zn.", "jansen"),
        ("Drents Metaal Holding B.V.", "drents metaal"),
    ],
)
def test_normalised_names(name, expected):
    assert normalise_name(name) == expected


def test_overlap_between_waves(region, firm_record, make_wave):
    register_firms([firm_record(kvk=f"1000000{i}") for i in range(5)], "firms.csv")
    w17, w18 = make_wave(2017), make_wave(2018)
    record_responses(w17, [{"kvk": f"1000000{i}", "status": "complete"} for i in range(4)], "a")
    record_responses(
        w18,
        [{"kvk": f"1000000{i}", "status": "complete"} for i in (2, 3, 4)]
        + [{"kvk": "10000000", "status": "partial"}],
        "b",
    )
    table = {(o.year, o.other_year): o for o in panel_overlap(region)}
    assert table[(2018, 2017)].both == 2
    assert table[(2018, 2017)].responded == 3
    assert table[(2018, 2017)].share == pytest.approx(2 / 3)
    assert firm_histories(region) == {1: 3, 2: 2}
