"""A package's releases on PyPI and their wheels, kept in a cache directory so a re-run reads no network."""

import hashlib
import json
import re
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

INDEX = "https://pypi.org/pypi/{package}/json"
# A final release: digits and dots ("0", "0.1.9", "1.0.398"); pre-releases ("1.0.0a1") are left out.
FINAL = re.compile(r"\d+(\.\d+)*")
TIMEOUT = 60  # seconds


@dataclass(frozen=True)
class Release:
    version: str
    day: date  # the day its wheel was uploaded (UTC)
    filename: str
    url: str
    sha256: str


def version_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def releases_list(package: str, until: str, cache: Path) -> list[Release]:
    """The package's final releases with a wheel, up to and including `until`, oldest first."""
    index = _index(package, until, cache)
    releases = []
    for version, files in index["releases"].items():
        wheels = [file for file in files if file["packagetype"] == "bdist_wheel" and not file.get("yanked")]
        if not FINAL.fullmatch(version) or not wheels or version_order(version) > version_order(until):
            continue
        wheel = wheels[0]
        releases.append(
            Release(
                version=version,
                day=date.fromisoformat(wheel["upload_time_iso_8601"][:10]),
                filename=wheel["filename"],
                # Relative on some mirrors, absolute on pypi.org: urljoin reads both.
                url=urljoin(INDEX.format(package=package), wheel["url"]),
                sha256=wheel["digests"]["sha256"],
            )
        )
    return sorted(releases, key=lambda release: version_order(release.version))


def _index(package: str, until: str, cache: Path) -> dict:
    path = cache / package / "releases.json"
    # A cached list is kept while it knows `until`: later uploads never change earlier releases.
    if path.exists() and until in (index := json.loads(path.read_text(encoding="utf-8")))["releases"]:
        return index
    index = json.loads(_get(INDEX.format(package=package)))
    if until not in index["releases"]:
        raise ValueError(f"{package} {until} is not on PyPI")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index), encoding="utf-8")
    return index


def wheel_path(package: str, release: Release, cache: Path) -> tuple[Path, bool]:
    """The release's wheel in the cache, downloaded unless already there; (path, whether it was downloaded)."""
    path = cache / package / release.filename
    if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == release.sha256:
        return path, False
    content = _get(release.url)
    if hashlib.sha256(content).hexdigest() != release.sha256:
        raise ValueError(f"{release.filename}: the download does not match PyPI's sha256")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path, True


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read()
