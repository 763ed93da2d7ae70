"""Money is integer minor units; format for people, parse admin input, never floats."""
import pytest

from store.money import MoneyError, cents_to_decimal_string, format_money, parse_money


@pytest.mark.parametrize("cents, currency, expected", [
    (0, "USD", "$0.00"),
    (5, "USD", "$0.05"),
    (3900, "USD", "$39.00"),
    (123456789, "USD", "$1,234,567.89"),
    (-1250, "USD", "-$12.50"),
    (1999, "eur", "€19.99"),
    (1999, "GBP", "£19.99"),
    (1500, "JPY", "1,500 JPY"),
    (1999, "CHF", "19.99 CHF"),
])
def test_format_money(cents, currency, expected):
    assert format_money(cents, currency) == expected


def test_format_money_of_nothing_is_empty():
    assert format_money(None) == ""


@pytest.mark.parametrize("text, expected", [
    ("39", 3900),
    ("39.5", 3950),
    ("39.50", 3950),
    ("$39.50", 3950),
    ("  12.05 ", 1205),
    ("0", 0),
    ("0.99", 99),
    ("12,5", 1250),  # a decimal comma, as typed on many keyboards
])
def test_parse_money_accepts_amounts(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "-5", "-5.00", "5.999", "1,000.00", "1.000,00", "12.3.4", "$", "1e3", "NaN", "inf",
    "٣٩",  # Arabic-Indic digits: not something an admin means to type as a price
    "１２",  # full-width digits
    "12 34", "9999999999",
])
def test_parse_money_rejects_bad_input(text):
    with pytest.raises(MoneyError):
        parse_money(text)


def test_parse_money_none_is_an_error():
    with pytest.raises(MoneyError, match="Enter an amount"):
        parse_money(None)


def test_parse_zero_decimal_currency():
    assert parse_money("1500", "JPY") == 1500
    with pytest.raises(MoneyError):
        parse_money("15.50", "JPY")


@pytest.mark.parametrize("cents, expected", [(1200, "12.00"), (5, "0.05"), (0, "0.00"), (-250, "-2.50"),
                                             (123456, "1234.56")])
def test_decimal_string_for_machines(cents, expected):
    assert cents_to_decimal_string(cents) == expected
