"""Exchange rates: the ECB import, effective-dated lookups, conversions, the table's guarantees
and the editors' admin."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.currency import convert, ecb_history, ecb_import, rates_on
from catalog.models import ExchangeRate
from tests.db import sql

pytestmark = pytest.mark.django_db

D = Decimal


def _ecb(*rows):
    ecb_import(rows, progress=lambda count: None)


def _rate(currency, day, rate, source="editor"):
    return ExchangeRate.objects.create(currency=currency, effective_date=day, rate=D(rate), source=source)


# -- import ---------------------------------------------------------------------------------


def test_the_shipped_ecb_history_imports_once_and_re_imports_nothing():
    rows = [row for row in ecb_history() if row[1] >= date(2026, 10, 1)]
    assert ("USD", date(2026, 10, 30), D("1.1172")) in rows
    inserted, updated = ecb_import(rows, progress=lambda count: None)
    assert inserted == len(rows) > 500 and updated == 0
    assert ecb_import(rows, progress=lambda count: None) == (0, 0)
    assert ExchangeRate.objects.count() == len(rows)
    assert not ExchangeRate.objects.exclude(source="ecb").exists()


def test_a_revised_ecb_rate_is_updated_and_editor_rates_are_left_alone():
    _ecb(("USD", date(2026, 3, 2), D("1.10")))
    _rate("USD", date(2026, 3, 2), "1.2")
    assert ecb_import([("USD", date(2026, 3, 2), D("1.11"))], progress=lambda count: None) == (0, 1)
    assert dict(ExchangeRate.objects.values_list("source", "rate")) == {"ecb": D("1.11"), "editor": D("1.2")}


def test_the_command_reports_progress_and_takes_a_start_day(capsys):
    call_command("import_exchange_rates", "--since", "2026-10-20")
    out = capsys.readouterr().out
    assert "rates read" in out and "new" in out
    assert ExchangeRate.objects.filter(effective_date__lt=date(2026, 10, 20)).count() == 0
    assert ExchangeRate.objects.filter(currency="JPY").exists()


def test_the_command_refuses_a_bad_start_day():
    with pytest.raises(Exception, match="not a YYYY-MM-DD date"):
        call_command("import_exchange_rates", "--since", "yesterday")


# -- lookups and conversions ----------------------------------------------------------------


def test_the_rate_in_force_is_the_newest_on_or_before_the_day(django_assert_num_queries):
    _ecb(("JPY", date(2026, 1, 5), D("160")), ("JPY", date(2026, 1, 7), D("170")), ("USD", date(2026, 1, 5), D("1.1")))
    with django_assert_num_queries(1):
        rates = rates_on(["JPY", "USD", "EUR", "XYZ"], date(2026, 1, 6))
    assert {code: rate.per_eur for code, rate in rates.items()} == {"EUR": 1, "JPY": D("160"), "USD": D("1.1")}
    assert rates["JPY"].effective_date == date(2026, 1, 5)
    assert rates_on(["JPY"], date(2026, 1, 4)) == {"EUR": rates["EUR"]}


def test_an_editor_rate_wins_over_the_ecb_on_the_same_day_only():
    _ecb(("CNY", date(2026, 2, 2), D("8.0")), ("CNY", date(2026, 2, 3), D("8.1")))
    _rate("CNY", date(2026, 2, 2), "7.9")
    assert rates_on(["CNY"], date(2026, 2, 2))["CNY"].source == "editor"
    assert rates_on(["CNY"], date(2026, 2, 3))["CNY"].per_eur == D("8.1")


def test_a_conversion_crosses_through_the_euro_and_says_what_it_used():
    _ecb(("USD", date(2026, 1, 5), D("1.25")), ("JPY", date(2026, 1, 2), D("150")))
    rates = rates_on(["USD", "JPY"], date(2026, 1, 9))
    price = convert(D("2.50"), "USD", "JPY", rates)
    assert price.amount == D("300.0000") and price.rate == D("120")
    assert (price.original_amount, price.original_currency, price.currency) == (D("2.50"), "USD", "JPY")
    assert price.rate_date == date(2026, 1, 2) and price.sources == ("ecb",)
    assert convert(D("3"), "USD", "EUR", rates).amount == D("2.4000")
    assert convert(D("3"), "USD", "USD", rates).rate_date is None
    assert convert(D("3"), "USD", "BRL", rates) is None


# -- the table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "currency, rate, source",
    [("JPY", "0", "ecb"), ("JPY", "-1", "ecb"), ("EUR", "1", "ecb"), ("jpy", "1", "ecb"), ("JPY", "1", "bank")],
)
def test_the_database_refuses_impossible_rates(currency, rate, source):
    with pytest.raises(IntegrityError), transaction.atomic():
        sql(
            "INSERT INTO exchange_rates (currency, rate, effective_date, source) VALUES (%s, %s, '2026-01-01', %s)",
            [currency, rate, source],
        )


def test_one_rate_per_currency_day_and_source():
    _rate("JPY", date(2026, 1, 1), "160")
    with pytest.raises(IntegrityError), transaction.atomic():
        _rate("JPY", date(2026, 1, 1), "161")


def test_editor_rates_reach_the_audit_trail_and_the_ecb_import_does_not():
    _ecb(("USD", date(2026, 1, 5), D("1.1")))
    rate = _rate("USD", date(2026, 1, 6), "1.2")
    rate.delete()
    rows = sql("SELECT action FROM audit_trail WHERE table_name = 'exchange_rates' ORDER BY timestamp, id")
    assert [action for (action,) in rows] == ["INSERT", "DELETE"]


# -- admin ----------------------------------------------------------------------------------


def test_an_editor_adds_a_rate_and_it_is_marked_as_theirs(client, editor):
    response = client.post(
        reverse("admin:catalog_exchangerate_add"), {"currency": "KES", "rate": "140.5", "effective_date": "2026-11-02"}
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get(currency="KES").source == "editor"


def test_an_editor_cannot_change_or_delete_an_ecb_rate(client, editor):
    _ecb(("USD", date(2026, 1, 5), D("1.1")))
    ecb = ExchangeRate.objects.get()
    change = reverse("admin:catalog_exchangerate_change", args=[ecb.pk])
    response = client.post(change, {"currency": "USD", "rate": "9", "effective_date": "2026-01-05"})
    assert response.status_code == 403
    assert client.post(reverse("admin:catalog_exchangerate_delete", args=[ecb.pk]), {"post": "yes"}).status_code == 403
    assert ExchangeRate.objects.get().rate == D("1.1")


def test_the_admin_explains_a_duplicate_rate(client, editor):
    _rate("JPY", date(2026, 1, 1), "160")
    response = client.post(
        reverse("admin:catalog_exchangerate_add"), {"currency": "JPY", "rate": "161", "effective_date": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "already has a rate from this source on this day" in response.content.decode()
