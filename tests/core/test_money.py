"""The money helpers: parsing what people type, showing amounts, and splitting sums."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import (
    MoneyFormField,
    format_amount,
    format_kr,
    format_mnkr,
    parse_amount,
    split,
    split_evenly,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1 234 567", 1_234_567),
        ("1234567", 1_234_567),
        (f"1{NBSP}234{NBSP}567", 1_234_567),
        ("1\u202f234\u202f567", 1_234_567),
        ("1 234 567 kr", 1_234_567),
        ("  300 000 000  ", 300_000_000),
        ("0", 0),
        ("\u22125", -5),
    ],
)
def test_parse_accepts_swedish_grouping(typed, value):
    assert parse_amount(typed) == value


@pytest.mark.parametrize(
    "typed",
    ["1,5", "1.5", "1 234,50", "1e9", "abc", "12 34", "1 2345", "١٢٣", "１２３", "", " ", "kr"],
)
def test_parse_refuses_decimals_junk_and_other_scripts(typed):
    with pytest.raises(ValueError, match="not a whole-krona amount"):
        parse_amount(typed)


def test_form_field_gives_a_swedish_message_and_limits():
    field = MoneyFormField(min_value=1)
    with translation.override("sv"):
        for typed in ["1,5", "1e9", "abc", "١٢٣"]:
            with pytest.raises(ValidationError) as refused:
                field.clean(typed)
            assert "hela kronor" in str(refused.value.messages[0])
        with pytest.raises(ValidationError) as refused:
            field.clean("0")
        assert "minst 1" in refused.value.messages[0]
    assert field.clean("1 234") == 1234


def test_format():
    assert format_kr(1_234_567) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert format_kr(0) == f"0{NBSP}kr"
    assert format_kr(-1500) == f"\u22121{NBSP}500{NBSP}kr"
    assert format_amount(None) == ""
    assert format_mnkr(229_200_000) == f"229,2{NBSP}mnkr"
    assert format_mnkr(229_250_000) == f"229,3{NBSP}mnkr"
    assert format_mnkr(1_234_949_999) == f"1{NBSP}234,9{NBSP}mnkr"
    assert format_mnkr(0) == f"0,0{NBSP}mnkr"


def test_split_examples():
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert split_evenly(10, 4) == [3, 3, 2, 2]
    assert split(10, [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]) == [3, 3, 4]
    assert split(-100, [1, 1, 1]) == [-33, -33, -34]
    assert split(7, [0, 1]) == [0, 7]
    with pytest.raises(ValueError, match="not all be zero"):
        split(10, [0, 0])
    with pytest.raises(ValueError, match="at least one share"):
        split(10, [])
    with pytest.raises(ValueError, match="not be negative"):
        split(10, [1, -1])


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    shares=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any),
)
def test_split_parts_sum_exactly_and_stay_within_a_krona(total, shares):
    parts = split(total, shares)
    assert sum(parts) == total
    assert len(parts) == len(shares)
    whole = sum(shares)
    for part, share in zip(parts, shares, strict=True):
        exact = Fraction(total * share, whole)
        assert abs(part - exact) < 1


@given(
    total=st.integers(min_value=0, max_value=10**12),
    shares=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=100, places=2), min_size=1, max_size=6
    ),
)
def test_split_by_percentages(total, shares):
    parts = split(total, shares)
    assert sum(parts) == total
    whole = sum(Fraction(share) for share in shares)
    for part, share in zip(parts, shares, strict=True):
        assert abs(part - Fraction(total) * Fraction(share) / whole) < 1


@given(total=st.integers(min_value=0, max_value=10**9), count=st.integers(1, 50))
def test_split_evenly_differs_by_at_most_one(total, count):
    parts = split_evenly(total, count)
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1
