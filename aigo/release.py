"""Which release of the code is running: settings.AIGO_RELEASE when the deploy names it, else the git
commit of the checkout, else the package's version. Backups record it; caches are keyed by it."""

import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings


def release_id() -> str:
    return settings.AIGO_RELEASE or _checkout_release()


@cache
def _checkout_release() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):  # no git where the code is deployed
        commit = None
    if commit is not None and commit.returncode == 0:
        return commit.stdout.strip()
    try:
        return version("aigo")
    except PackageNotFoundError:
        return "unknown"
