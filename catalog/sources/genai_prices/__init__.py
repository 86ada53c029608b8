"""The genai-prices package mapped onto catalog rows: pure functions, no database.

`desired_catalog()` turns the package's providers into plain dataclasses, one per provider,
model and price period, in the order they should be imported. `catalog.sources.apply.sync` compares them
with the database and writes the difference.

catalog/sources/identity.py names and matches models (slugs, makers, foundation ids); prices.py turns a model's prices
into price periods; desired.py builds the providers and models from both.
"""

from catalog.sources.identity import normalise_id, slug_candidates

from .desired import SOURCE, DesiredModel, DesiredProvider, default_providers, desired_catalog, source_version
from .prices import UNKNOWN_START, DesiredPrice, decimal_text, price_key_name, variant_tier

__all__ = [
    "SOURCE",
    "UNKNOWN_START",
    "DesiredModel",
    "DesiredPrice",
    "DesiredProvider",
    "decimal_text",
    "default_providers",
    "desired_catalog",
    "normalise_id",
    "price_key_name",
    "slug_candidates",
    "source_version",
    "variant_tier",
]
