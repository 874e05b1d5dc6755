import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from innomon.errors import InputError
from innomon.registry.models import Firm
from innomon.registry.services import register_firms
from innomon.survey.models import Response
from innomon.survey.services import create_wave, record_responses, wave_records


@pytest.fixture
def wave(region, firm_record, make_wave):
    register_firms(
        [
            firm_record(),
            firm_record(kvk="23456789", employees=3),
            firm_record(kvk="34567890", employees=400),
        ],
        "firms.csv",
    )
    return make_wave(2017)


def test_second_response_of_a_firm_in_a_wave_is_refused_and_nothing_written(wave):
    record_responses(wave, [{"kvk": "12345678", "status": "complete", "answers": {"a": 1}}], "r1")
    batch = [
        {"kvk": "23456789", "status": "complete", "answers": {}},
        {"kvk": "12345678", "status": "complete", "answers": {"a": 2}},
    ]
    with pytest.raises(InputError) as err:
        record_responses(wave, batch, "r2.csv")
    assert str(err.value).startswith(
        "r2.csv row 2, field 'kvk': firm 12345678 already has a response in wave 2017"
    )
    assert Response.objects.count() == 1
    assert Response.objects.get().answers == {"a": 1}
    # an unfinished response never replaces a complete one: kept as it was, no conflict
    record_responses(wave, [{"kvk": "12345678", "status": "partial", "answers": {}}], "r3")
    assert Response.objects.get().answers == {"a": 1}


def test_duplicate_within_one_batch(wave):
    with pytest.raises(InputError, match="appears twice in this batch"):
        record_responses(wave, [{"kvk": "12345678"}, {"kvk": "12345678"}], "r.csv")
    assert Response.objects.count() == 0


def test_one_response_per_firm_per_wave_is_a_database_constraint(wave):
    firm = Firm.objects.get(kvk="12345678")
    Response.objects.create(wave=wave, firm=firm, status="complete")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(wave=wave, firm=firm, status="partial")


def test_unknown_firm_and_status(wave):
    with pytest.raises(InputError, match="not registered"):
        record_responses(wave, [{"kvk": "99999999"}], "r.csv")
    with pytest.raises(InputError, match="field 'status'"):
        record_responses(wave, [{"kvk": "12345678", "status": "done"}], "r.csv")


def test_second_wave_in_a_year_is_refused(wave, make_wave):
    with pytest.raises(InputError, match="already has a wave 2017"):
        make_wave(2017)


def test_fieldwork_must_end_after_it_starts(region):
    with pytest.raises(InputError, match="fieldwork ends before it starts"):
        create_wave(
            region,
            2020,
            questionnaire_version="x",
            fieldwork_start=dt.date(2020, 3, 2),
            fieldwork_end=dt.date(2020, 3, 1),
            invited=1,
        )


def test_wave_records_hold_complete_sme_responses_only(wave):
    record_responses(
        wave,
        [
            {"kvk": "12345678", "status": "complete", "answers": {"turnover_new_market_pct": 50}},
            {"kvk": "23456789", "status": "partial", "answers": {}},
            {"kvk": "34567890", "status": "complete", "answers": {}},  # 400 employees: not an SME
        ],
        "r.csv",
    )
    records = wave_records(wave)
    assert [r["kvk"] for r in records] == ["12345678"]
    assert records[0]["province"] == "PV20"
    assert records[0]["turnover_new_market_pct"] == 50
    assert records[0]["n_initiatives"] == 0
