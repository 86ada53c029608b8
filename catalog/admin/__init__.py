"""The catalog's admin: one module per area, each registering its admins on import.

- `catalog`: providers, offers (models), endpoints, prices, benchmarks, documentation, exchange rates;
- `canonical`: canonical models, with merge and split;
- `mappings`: which catalog row a source's id is, and the ids no rule could map;
- `disagreements`: the review queue of the sources' disagreements, and the editor's decision;
- `sources`: what the import recorded (imports, observations, current values), read-only.
"""

from . import canonical, catalog, disagreements, mappings, sources

__all__ = ["canonical", "catalog", "disagreements", "mappings", "sources"]
