"""Production settings plus the benchmark's floor view (bench/urls.py). Used by bench/ only."""

from aigo.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
