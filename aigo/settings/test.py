"""pytest: the same services as development, a database of its own (pytest-django makes test_aigo)."""

from aigo.env import env_str

from .dev import *  # noqa: F403

DEBUG = False
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:63790/2")
if not REDIS_CLUSTER_URLS:  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:63790/3")
# Hashing passwords slowly is a production concern only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The anonymous rate limit has tests of its own; the rest of the suite must not trip it.
AIGO_ANON_RATE = "100000/min"
CELERY_TASK_ALWAYS_EAGER = True
# Emails stay in memory (django.core.mail.outbox).
globals().update(email_settings("memory://"))  # noqa: F405
