import pytest

from innomon.classification import is_sme, sbi_section, size_class


@pytest.mark.parametrize(
    ("employees", "expected"),
    [
        (0, "micro"),
        (9, "micro"),
        (10, "small"),
        (49, "small"),
        (50, "medium"),
        (249, "medium"),
        (250, "large"),
        (12000, "large"),
    ],
)
def test_size_class_boundaries(employees, expected):
    assert size_class(employees) == expected


def test_large_firms_are_not_smes():
    assert is_sme(249)
    assert not is_sme(250)


def test_negative_employees_rejected():
    with pytest.raises(ValueError, match="0 or more"):
        size_class(-1)


@pytest.mark.parametrize(
    ("code", "section"),
    [("0111", "A"), ("2511", "C"), ("35", "D"), ("62.01", "J"), ("7112", "M"), ("99", "U")],
)
def test_sbi_section(code, section):
    assert sbi_section(code) == section


@pytest.mark.parametrize("code", ["04", "34", "1", "abc", "123456", "00"])
def test_sbi_section_rejects_codes_that_do_not_exist(code):
    with pytest.raises(ValueError, match="SBI code"):
        sbi_section(code)
