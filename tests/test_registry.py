import pytest
from django.db import IntegrityError, transaction

from innomon.errors import InputError
from innomon.registry.models import Firm, FrameCell, Municipality
from innomon.registry.services import load_frame, load_region, register_firms


def test_load_region_is_idempotent(region, region_data):
    load_region(region_data)
    assert Municipality.objects.count() == 40
    assert Municipality.objects.get(code="GM0114").corop.province.code == "PV22"


def test_register_firms_derives_section_and_size(region, firm_record):
    assert (
        register_firms(
            [firm_record(), firm_record(kvk="00000042", employees=300, sbi_code="6201")],
            "firms.csv",
        )
        == 2
    )
    firm = Firm.objects.get(kvk="12345678")
    assert (firm.sbi_section, firm.size_class, firm.is_sme) == ("C", "small", True)
    big = Firm.objects.get(kvk="00000042")
    assert (big.sbi_section, big.size_class, big.is_sme) == ("J", "large", False)


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "", "12 345678"])
def test_bad_kvk_is_a_clear_error_and_nothing_is_written(region, firm_record, kvk):
    batch = [firm_record(kvk="11111111"), firm_record(kvk=kvk), firm_record(kvk="22222222")]
    with pytest.raises(InputError) as err:
        register_firms(batch, "firms.csv")
    message = str(err.value)
    assert message.startswith("firms.csv row 2, field 'kvk':")
    assert "8 digits" in message
    assert "nothing was written" in message
    assert Firm.objects.count() == 0  # the valid rows 1 and 3 were not written either


def test_unknown_municipality_is_a_clear_error_and_nothing_is_written(region, firm_record):
    with pytest.raises(InputError) as err:
        register_firms(
            [firm_record(), firm_record(kvk="87654321", municipality="GM0363")], "firms.csv"
        )
    assert "firms.csv row 2, field 'municipality': municipality 'GM0363' is not in the region" in (
        str(err.value)
    )
    assert Firm.objects.count() == 0


def test_every_problem_is_counted(region, firm_record):
    with pytest.raises(InputError) as err:
        register_firms(
            [
                firm_record(kvk="x"),
                firm_record(kvk="87654321", employees=-3),
                firm_record(kvk="87654322", sbi_code="3400"),
            ],
            "firms.csv",
        )
    assert len(err.value.problems) == 3
    assert [p.field for p in err.value.problems] == ["kvk", "employees", "sbi_code"]
    assert "(and 2 more problem(s))" in str(err.value)


def test_duplicate_kvk_in_batch_and_in_database(region, firm_record):
    with pytest.raises(InputError, match="appears twice"):
        register_firms([firm_record(), firm_record()], "firms.csv")
    register_firms([firm_record()], "firms.csv")
    with pytest.raises(InputError, match="already registered"):
        register_firms([firm_record()], "more.csv")
    assert Firm.objects.count() == 1


def test_database_rejects_a_kvk_of_wrong_length_even_past_the_service(region):
    muni = Municipality.objects.get(code="GM0014")
    with pytest.raises(IntegrityError), transaction.atomic():
        Firm.objects.create(kvk="123", name="x", sbi_code="2511", employees=3, municipality=muni)


def test_frame_is_replaced_all_or_nothing(region):
    cells = [
        {
            "unit_level": "corop",
            "unit_code": "CR01",
            "sbi_section": "C",
            "size_class": "small",
            "count": 120,
        }
    ]
    assert load_frame(region, 2017, cells, "frame.csv") == 1
    bad = [
        *cells,
        {
            "unit_level": "corop",
            "unit_code": "CR10",
            "sbi_section": "C",
            "size_class": "small",
            "count": 3,
        },
    ]
    with pytest.raises(InputError, match=r"frame\.csv row 2, field 'unit_code'"):
        load_frame(region, 2017, bad, "frame.csv")
    with pytest.raises(InputError, match="not an SME size class"):
        load_frame(region, 2017, [{**cells[0], "size_class": "large"}], "frame.csv")
    assert list(FrameCell.objects.values_list("unit_code", "count")) == [("CR01", 120)]
