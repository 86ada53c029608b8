"""genai-prices in the common shape (catalog/sources/records.py): the desired catalog the price
writer uses, told as what the source states about each provider, model and price."""

from collections.abc import Sequence
from decimal import Decimal

from genai_prices.types import Provider

from catalog.sources.history import deprecation_day, release_day
from catalog.sources.identity import model_identity
from catalog.sources.records import PRICE_FIELDS, OfferRecord, PriceRecord, ProviderRecord, SourceData, SourceInfo

from .desired import SOURCE, DesiredProvider, default_providers, desired_catalog, source_version
from .prices import UNKNOWN_START, DesiredPrice

# Offer fields the mapping states (DesiredModel.fields); modalities and capabilities are read from
# which prices a model has, a weak signal, but the only one this source gives.
OFFER_FIELDS = ("name", "description", "context_window", "modalities", "capabilities")


def info() -> SourceInfo:
    return SourceInfo(
        name=SOURCE,
        title="genai-prices",
        version=source_version(),
        # The package's data is as of its release: the day PyPI published it (the history read it).
        snapshot_date=release_day(SOURCE, source_version()),
        licence="MIT",
        licence_url="https://github.com/pydantic/genai-prices/blob/main/LICENSE",
        url="https://github.com/pydantic/genai-prices",
    )


def load(providers: Sequence[Provider] | None = None) -> SourceData:
    """The package's data (or `providers`, a changed copy in tests) in the common shape."""
    return records_of(desired_catalog(default_providers() if providers is None else providers))


def records_of(desired: list[DesiredProvider]) -> SourceData:
    data = SourceData(info=info())
    for provider in desired:
        data.providers.append(
            ProviderRecord(
                key=provider.source_id,
                name=provider.name,
                pricing_url=next(iter(provider.metadata.get("pricing_urls") or []), None),
                catalog_key=provider.source_id,
            )
        )
        for model in provider.models:
            model_id = model.source_key.split(":", 1)[1]
            maker, base = model_identity(provider.source_id, model_id)
            fields = {name: model.fields[name] for name in OFFER_FIELDS if model.fields.get(name) not in (None, [])}
            if model.deprecated:
                fields["deprecated"] = True
                # The package dates no deprecation; its past releases date some (catalog/sources/history).
                if day := deprecation_day(SOURCE, provider.source_id, model_id):
                    fields["deprecated_at"] = day
            data.offers.append(OfferRecord(provider.source_id, model_id, maker, base, fields))
            data.prices += [_price_record(provider.source_id, model_id, price) for price in model.prices]
    return data


def _price_record(provider: str, model: str, price: DesiredPrice) -> PriceRecord:
    prices = {
        name: value
        for name in ("input_per_million", "output_per_million", "audio_per_minute")
        if (value := getattr(price, name)) is not None
    }
    # The package's other prices (cache reads and writes, reasoning...) where the common shape names them.
    extra = {name: Decimal(text) for name, text in price.details.get("prices", {}).items() if name in PRICE_FIELDS}
    details = {key: value for key, value in price.details.items() if key in ("time_of_day", "variant", "free")}
    if price.volume_discounts:
        details["volume_discounts"] = price.volume_discounts
    if "converted" in price.details:
        details["converted"] = price.details["converted"]
    return PriceRecord(
        provider=provider,
        model=model,
        prices={**prices, **extra},
        currency=price.currency,
        tier=price.tier,
        region=price.region,
        effective_from=None if price.effective_from == UNKNOWN_START else price.effective_from,
        effective_to=price.effective_to,
        details=details,
    )
