"""The catalog tables, named and typed as the seed (../shared/seed/ai-go-database-design.md).

Deviations from the seed, all stricter: flags, arrays, JSON maps and timestamps that have a
default are NOT NULL; CHECK constraints the seed implies; no index that only repeats a UNIQUE
constraint (the seed's idx_*_slug names are given to the UNIQUE constraints instead).

One module per table family; every name is re-exported here, so `from catalog.models import
AIModel` works and migration 0001 still finds `catalog.models.DateRange`.
"""

# Django registers models in import order, which orders reverse relations (and so cascading
# deletes) and content types: kept in the order the tables were declared in one module.
# isort: off
from .constraints import EN
from .providers import Provider
from .ai_models import AIModel, ModelEndpoint
from .pricing import PRICE_FIELDS, DateRange, Pricing
from .benchmarks import BenchmarkScore, BenchmarkSuite
from .documentation import Documentation
from .exchange_rates import ExchangeRate
from .listings import ModelListing
from .canonical import CanonicalModel
from .sources import SourceDisagreement, SourceImport, SourceMapping, SourceObservation, SourceValue
from .changes import EVENT_TYPES, ChangeEvent

# isort: on

__all__ = [
    "EN",
    "EVENT_TYPES",
    "PRICE_FIELDS",
    "AIModel",
    "BenchmarkScore",
    "BenchmarkSuite",
    "CanonicalModel",
    "ChangeEvent",
    "DateRange",
    "Documentation",
    "ExchangeRate",
    "ModelEndpoint",
    "ModelListing",
    "Pricing",
    "Provider",
    "SourceDisagreement",
    "SourceImport",
    "SourceMapping",
    "SourceObservation",
    "SourceValue",
]
