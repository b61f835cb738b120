from decimal import Decimal
from fractions import Fraction

from pipeline.money import floor_ore, ratio, sek, share_text


def test_sek_text_has_two_decimals_and_keeps_the_sign():
    assert [sek(12345), sek(-5), sek(0), sek(100)] == ["123.45", "-0.05", "0.00", "1.00"]


def test_share_text_rounds_for_display_only():
    assert share_text(Fraction(2, 3)) == "0.6666666667"
    assert share_text(Fraction(4, 5), 6) == "0.800000"
    assert share_text(None) is None


def test_ratio_of_zero_total_is_no_share():
    assert ratio(5, 0) is None and ratio(0, 5) == 0


def test_floor_ore_rounds_towards_minus_infinity():
    assert floor_ore(Fraction(5, 4)) == 1 and floor_ore(Fraction(-5, 4)) == -2
    assert Fraction(Decimal("0.8")) == Fraction(4, 5)


def test_exact_text_writes_a_terminating_fraction_as_its_decimal():
    from fractions import Fraction

    import pytest

    from pipeline.money import exact_text

    assert exact_text(Fraction(3, 2)) == "1.5"
    assert exact_text(Fraction(7)) == "7"
    assert exact_text(Fraction(1, 40)) == "0.025"  # 1/40 = 25/1000
    assert exact_text(Fraction(-5, 4)) == "-1.25"
    with pytest.raises(ValueError):
        exact_text(Fraction(1, 3))
