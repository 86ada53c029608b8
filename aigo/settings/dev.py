"""Local development: `make run`. The secret key is generated once into .local/."""

import secrets

from aigo.env import env_str

from .base import *  # noqa: F403
from .base import LOCAL_DIR, email_settings


def _local_secret() -> str:
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        LOCAL_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "") or _local_secret()

# Static files straight from the apps' folders (no collectstatic in development and tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Digests are printed to the console unless EMAIL_URL says otherwise.
globals().update(email_settings(env_str("EMAIL_URL", "console://")))
