"""The number rule (``innomon.instrument.numbers``): numbers as people type them are read where
the meaning is certain and never guessed where it is not; KvK numbers as people type them."""

from __future__ import annotations

import pytest

from innomon.instrument.numbers import TypedNumber, Uncertain, read_typed_number
from innomon.intake.kvk import read_kvk


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [
        ("1.250.000", 1250000, "grouped"),
        ("1,250,000", 1250000, "grouped"),
        ("€ 2.072.000,-", 2072000, "currency"),
        ("EUR 12.000.000", 12000000, "currency"),
        ("12,5", 12.5, None),
        ("2.5", 2.5, None),
        ("5%", 5, "percent"),
        ("23 %", 23, "percent"),
        ("ca. 18", 18, "approximate"),
        ("circa 40", 40, "approximate"),
        ("± 3", 3, "approximate"),
        ("2,5 miljoen", 2500000, "multiplier"),
        ("1764k", 1764000, "multiplier"),
        ("3 mln", 3000000, "multiplier"),
        ("1,5 mld", 1500000000, "multiplier"),
        ("1.250,50", 1250.5, "grouped"),
        ("1,250.50", 1250.5, "grouped"),
        ("1 250 000", 1250000, "grouped"),
        ("1\u00a0250", 1250, "grouped"),
        ("0,125", 0.125, None),
        ("1234,567", 1234.567, None),
        ("\u22125", -5, None),
        ("-€ 500", -500, "currency"),
        ("15", 15, None),
    ],
)
def test_a_number_whose_meaning_is_certain_is_read(text, value, note):
    read = read_typed_number(text)
    assert isinstance(read, TypedNumber), read
    assert read.value == value
    assert type(read.value) is type(value)
    if note:
        assert note in read.notes
    assert read.approximate == (note == "approximate")


@pytest.mark.parametrize("text", ["1.500", "1,500", "12.500", "1.764k"])
def test_one_separator_before_three_digits_is_never_guessed(text):
    read = read_typed_number(text)
    assert isinstance(read, Uncertain)
    assert read.ambiguous
    assert len(read.readings) == 2


def test_for_a_whole_number_only_the_thousands_reading_remains():
    read = read_typed_number("1.500", whole=True)
    assert read == TypedNumber(1500, ("thousands",))
    assert read_typed_number("1,500", whole=True).value == 1500
    # both readings whole (1764 and 1764000): still ambiguous
    assert isinstance(read_typed_number("1.764k", whole=True), Uncertain)


@pytest.mark.parametrize(
    "text", ["10-20", "<5", "weet niet", "1.25.000", "12.", "12,5,3", "1.2,3", "", "k", "5 of 6"]
)
def test_anything_else_is_no_number(text):
    read = read_typed_number(text)
    assert read == Uncertain(text)
    assert not read.ambiguous


@pytest.mark.parametrize(
    ("text", "kvk", "note"),
    [
        ("3244 9661", "32449661", "normalised"),
        ("KvK 80546249", "80546249", "normalised"),
        ("80.54.62.49", "80546249", "normalised"),
        ("kvk: 12345678", "12345678", "normalised"),
        ("KvK-nummer 1234-5678", "12345678", "normalised"),
        ("nr. 12345678", "12345678", "normalised"),
        ("12345678", "12345678", ""),
    ],
)
def test_kvk_numbers_are_normalised(text, kvk, note):
    assert read_kvk(text).kvk == kvk
    assert read_kvk(text).note == note


def test_kvk_numbers_that_cannot_be_are_refused():
    assert read_kvk("00000000").kvk is None
    assert read_kvk("00000000").problem == "zeros"
    assert read_kvk("0000 0000").problem == "zeros"
    for text in ("1234567", "123456789", "abc", "1234567a"):
        assert read_kvk(text).problem == "digits", text


def test_a_numeric_column_gives_a_lost_leading_zero_back():
    assert read_kvk("1234567", typed=True).kvk == "01234567"
    assert read_kvk("1234567", typed=True).note == "leading zero"
    assert read_kvk("1234567").kvk is None  # typed as text: seven digits are not a number


def test_the_register_refuses_00000000():
    from django.core.exceptions import ValidationError

    from innomon.registry.models import validate_kvk

    validate_kvk("12345678")
    for bad in ("00000000", "1234567"):
        with pytest.raises(ValidationError):
            validate_kvk(bad)
