"""Where the catalog's data comes from: one module per source, each a pure mapping of the source's
own data (installed with the project: no network) to the shape in records.py, applied to the
database by the service in apply/ (`manage.py import_sources`). docs/data.md says how the values
of several sources become the one a reader sees.
"""

from importlib import import_module

from catalog.sources.records import SourceData, SourceInfo

# In the order they are applied: genai-prices first, the catalog's first source and the one whose
# price periods (tiers, regions, dated changes) fill the price tables where it has them.
SOURCES = {
    "genai-prices": "catalog.sources.genai_prices.records",
    "models.dev": "catalog.sources.models_dev",
    "model-prices": "catalog.sources.model_prices",
    "llm-stats": "catalog.sources.llm_stats",
    "litellm": "catalog.sources.litellm",
}


def source_load(name: str, **options) -> SourceData:
    """What source `name` states, in the common shape (`options` reach its load(), e.g. a test's data)."""
    return import_module(SOURCES[name]).load(**options)


def source_info(name: str) -> SourceInfo:
    """Source `name`'s description (title, licence, attribution, version) without loading its data."""
    return import_module(SOURCES[name]).info()
