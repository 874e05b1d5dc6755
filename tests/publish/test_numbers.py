"""Dutch and English number formatting: one path for text, tables and chart labels."""

import math

import pytest

from innomon.publish.numbers import THIN_SPACE, format_number, format_percent, format_range


def test_dutch_uses_a_decimal_comma_and_narrow_no_break_space_thousands():
    assert THIN_SPACE == "\u202f"
    assert format_number(5576, "nl") == "5\u202f576"
    assert format_number(1234567.891, "nl", 2) == "1\u202f234\u202f567,89"
    assert format_percent(36.049, "nl") == "36,0%"
    assert format_range(7.5179, 20.041, "nl") == "7,5–20,0"


def test_english_uses_a_decimal_point_and_comma_thousands():
    assert format_number(5576, "en") == "5,576"
    assert format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert format_percent(36.049, "en") == "36.0%"


def test_negative_numbers_have_a_minus_sign_and_negative_zero_has_none():
    assert format_number(-0.82, "nl", 1) == "−0,8"
    assert format_number(-0.04, "en", 1) == "0.0"
    assert format_number(-1500, "en") == "−1,500"


@pytest.mark.parametrize("bad", [None, math.nan, math.inf])
def test_a_missing_number_cannot_be_formatted(bad):
    with pytest.raises(ValueError, match="cannot format"):
        format_number(bad, "nl")
