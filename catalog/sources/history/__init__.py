"""When the sources first marked each model deprecated, read from their past releases on PyPI.

genai-prices and models.dev mark a model deprecated but do not say since when. Both publish dated
releases, so the first release that marked a model deprecated, after one that listed it as current,
dates the deprecation: "deprecated on or before the day of that release". `manage.py sources_history`
(build.py, network: PyPI only) writes that history to data/history/deprecations.json; the source
modules read it through `deprecation_day` (seen.py, no network).
"""

from .seen import DeprecationSeen, deprecation_day, deprecations_seen, release_day, sources_dated_by_history

__all__ = ["DeprecationSeen", "deprecation_day", "deprecations_seen", "release_day", "sources_dated_by_history"]
