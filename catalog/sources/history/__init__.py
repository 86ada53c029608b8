"""When the sources first marked each model deprecated, read from their past releases on PyPI.

genai-prices, models.dev and model-prices mark a model deprecated but do not say since when. All publish
dated releases, so the first release that marked a model deprecated, after one that listed it as current,
dates the deprecation: "deprecated on or before the day of that release". model-prices copies models.dev's
marks, so models.dev's releases come before its own. `manage.py sources_history`
(build.py, network: PyPI only) writes that history to data/history/deprecations.json; the source
modules read it through `deprecation_day` (seen.py, no network).
"""

from .seen import DeprecationSeen, deprecation_day, deprecations_seen, release_day, sources_dated_by_history

__all__ = ["DeprecationSeen", "deprecation_day", "deprecations_seen", "release_day", "sources_dated_by_history"]
