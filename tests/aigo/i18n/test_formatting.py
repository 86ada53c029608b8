"""Money, numbers and dates as each locale writes them."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from aigo.i18n import formatting


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("en-US", "$0.075"),
        ("zh-CN", "US$0.075"),
        ("ja-JP", "$0.075"),
        ("de-DE", "0,075\xa0$"),
        ("fr-FR", "0,075\xa0$US"),
    ],
)
def test_small_prices_keep_their_digits_in_every_locale(locale, expected):
    assert formatting.money(Decimal("0.075"), "USD", locale) == expected


def test_money_pads_to_the_currencys_digits_and_groups_thousands():
    assert formatting.money(Decimal("1234.5"), "EUR", "en-US") == "€1,234.50"
    assert formatting.money(Decimal("15000"), "JPY", "ja-JP") == "￥15,000"


def test_compact_numbers_follow_the_locale():
    assert formatting.compact(128_000, "en-US") == "128K"
    assert formatting.compact(128_000, "zh-CN") == "12.8万"
    assert formatting.compact(128_000, "ko-KR") == "12.8만"
    assert formatting.compact(1_000_000, "de-DE") == "1\xa0Mio."
    assert formatting.compact(128_000, "de-DE") == "128.000"  # no short form for thousands: grouped


def test_percent_takes_percent_points():
    assert formatting.percent(99.953, "en-US") == "99.95%"
    assert formatting.percent(99.9, "en-US") == "99.90%"
    assert formatting.percent(Decimal("100"), "de-DE", digits=0) == "100\xa0%"


def test_dates_follow_the_locale():
    assert formatting.day(date(2026, 3, 4), "en-US") == "Mar 4, 2026"
    assert formatting.day(date(2026, 3, 4), "zh-CN") == "2026年3月4日"
    assert formatting.moment(datetime(2026, 3, 4, 5, 6, tzinfo=UTC), "ja-JP").startswith("2026/03/04")


def test_an_unknown_locale_falls_back_to_english_instead_of_failing():
    assert formatting.money(Decimal("2"), "USD", "xx-YY") == "$2.00"
