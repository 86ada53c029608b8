"""Settings shared by every environment. Values that differ per machine come from the environment."""

from pathlib import Path

import dj_database_url
import dj_email_url

from aigo.db.replicas import parse_replicas, replica_databases
from aigo.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCAL_DIR = BASE_DIR / ".local"

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # runserver leaves static files to WhiteNoise, as every other server does: Django's own static
    # handler answers /static/.. with an uncaught SuspiciousFileOperation (a bare 500).
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "aigo",
    "aigo.site",
    "catalog",
    "news",
    "status",
    "analytics",
    "webhooks",
    "subscriptions",
    "accounts",
]

MIDDLEWARE = [
    # Outermost: every error under /api/ leaves in the JSON error shape, whichever layer answered it.
    "aigo.api.errors.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files, compressed and (in production) fingerprinted, before anything else runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Request latency and query count by view for /metrics (aigo.ops.metrics); static files are not counted.
    "aigo.ops.metrics.MetricsMiddleware",
    # NUL bytes in the address, query or form and over-deep JSON bodies, refused before a query or parser sees them.
    "aigo.api.bad_input.BadInputMiddleware",
    # Before anything reads the database: which replica this request reads from (aigo.db.router).
    "aigo.db.router.ReplicaRoutingMiddleware",
    "aigo.api.ratelimit.RateLimitHeadersMiddleware",
    "aigo.api.site_only.SiteSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "aigo.site.locale.SiteLocaleMiddleware",
    "aigo.admin.language.AdminLanguageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "aigo.api.site_only.SiteAuthenticationMiddleware",
    "aigo.api.site_only.SiteMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.login_throttle.AdminLoginThrottleMiddleware",
    "accounts.features.FeatureFlagsMiddleware",
    "accounts.audit.AuditMiddleware",
    "aigo.api.csp.PageCSPMiddleware",
]

ROOT_URLCONF = "aigo.urls"
WSGI_APPLICATION = "aigo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.features.features",
                "aigo.site.context.site",
            ],
        },
    },
]

# The app's connection: it logs in as the app role (AIGO_DB_APP_ROLE), never as the owner or a superuser
# (`check --deploy` warns when it does).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://aigo_app@127.0.0.1:54320/aigo"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# True behind PgBouncer in transaction mode: Django's server-side cursors outlive a transaction
# (WITH HOLD) when iterating in autocommit, session state the pooler would hand to another client.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The role the app runs as (aigo/db/role.py); empty when DATABASE_URL already names it and no
# switch is wanted (e.g. behind PgBouncer in transaction mode).
AIGO_DB_APP_ROLE = env_str("AIGO_DB_APP_ROLE", "aigo_app")
# The tables' owner, for migrations, the test database, backup and restore, replication set-up and
# online rebuilds (aigo/db/owner.py): its host, port, user and password; the database is DATABASE_URL's.
# Unset, the local services' superuser `postgres` on DATABASE_URL's server.
_OWNER_URL = env_str("DATABASE_OWNER_URL", "")
_OWNER = (
    dj_database_url.parse(_OWNER_URL) if _OWNER_URL else {**DATABASES["default"], "USER": "postgres", "PASSWORD": ""}
)
DATABASE_OWNER = {key: _OWNER[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:63790/0")
# Prefix for every raw Redis key the project writes (tests give each test its own).
AIGO_REDIS_PREFIX = env_str("AIGO_REDIS_PREFIX", "")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            # Redis is a fast copy, never the only copy: a dead Redis must cost a timeout of
            # a fraction of a second, not hang the request.
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# A Redis Cluster for the cache, sessions, rate limits, live status, trending and pub/sub:
# comma-separated node URLs (aigo.redis.cluster). Celery's broker stays on CELERY_BROKER_URL's
# single Redis: Celery cannot use a cluster as its broker.
REDIS_CLUSTER_URLS = env_list("REDIS_CLUSTER_URLS", [])
if REDIS_CLUSTER_URLS:
    CACHES["default"]["LOCATION"] = ",".join(REDIS_CLUSTER_URLS)
    CACHES["default"]["OPTIONS"]["CLIENT_CLASS"] = "aigo.redis.cluster.ClusterClient"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# UI string catalogs (locale/<code>/LC_MESSAGES/django.po, compiled by the Makefile);
# aigo.site.locale maps each AIGO_LOCALES entry to one of these.
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# URLs typed without a scheme are https (the Django 6.0 default).
FORMS_URLFIELD_ASSUME_HTTPS = True

STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# Files the app writes for readers: the dated exports (MEDIA_ROOT/exports/<day>/), kept this many days.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(LOCAL_DIR / "media"))
MEDIA_URL = "/media/"
AIGO_EXPORT_RETENTION_DAYS = env_int("AIGO_EXPORT_RETENTION_DAYS", 90)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content locales: the keys of every localized JSONB field. en-US is the fallback of last resort.
AIGO_DEFAULT_LOCALE = "en-US"
AIGO_LOCALES = env_list("AIGO_LOCALES", ["en-US", "zh-CN", "zh-TW", "ja-JP", "ko-KR", "de-DE", "fr-FR", "es-ES"])
# Serving regions; the first is the primary (writes, and reads when no replica fits).
AIGO_REGIONS = env_list("AIGO_REGIONS", ["us-east", "us-west", "eu-west", "asia-east", "asia-se"])

# Regional read replicas (aigo.db.replicas, aigo.db.router): "eu-west=postgres://...,asia-east=postgres://..."
# adds the aliases replica_eu_west, replica_asia_east with the primary's options. Reads go to
# the request's region's replica while it is reachable and lags at most AIGO_REPLICA_MAX_LAG_SECONDS
# (checked at most every AIGO_REPLICA_HEALTH_SECONDS per process); writes and migrations go to the primary.
AIGO_DB_REPLICAS = parse_replicas(env_list("AIGO_DB_REPLICAS", []), AIGO_REGIONS)
DATABASES.update(replica_databases(DATABASES["default"], AIGO_DB_REPLICAS, env_int("AIGO_REPLICA_CONNECT_TIMEOUT", 2)))
DATABASE_ROUTERS = ["aigo.db.router.ReplicaRouter"]
AIGO_REPLICA_MAX_LAG_SECONDS = env_float("AIGO_REPLICA_MAX_LAG_SECONDS", 30.0)
AIGO_REPLICA_HEALTH_SECONDS = env_float("AIGO_REPLICA_HEALTH_SECONDS", 5.0)
# After a successful write a client reads from the primary for this long (a cookie), so it sees its own writes.
AIGO_READ_YOUR_WRITES_SECONDS = env_int("AIGO_READ_YOUR_WRITES_SECONDS", 15)

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:63790/1")
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Tasks are idempotent, so a task lost with its worker is worth running again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died without acknowledging it (SIGKILL, OOM, a lost machine) is handed to
# another worker once it has been unacknowledged this long: more than the hard time limit, or a
# task still running would be handed out twice. Checked every tenth of it.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * CELERY_TASK_TIME_LIMIT)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, CELERY_VISIBILITY_TIMEOUT // 10),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every request at INFO: each webhook delivery is in its log table instead.
    "loggers": {"django.db.backends": {"level": "INFO"}, "httpx": {"level": "WARNING"}},
}

# Feature flags a region has not set (accounts.features); editors switch them in the admin.
AIGO_FEATURE_DEFAULTS = {"news_section": True, "ai_chat": False, "dark_mode": True}

# Sessions live in Redis only (the seed's session:* keys); a Redis restart logs editors out.
SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# Content Security Policy for every HTML page (django-csp): scripts and styles from this site
# only (inline style attributes allowed: the admin uses them), no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # News articles may show editors' images from other https sites.
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# /readyz reports the heartbeat task as late when its last run is older than this (seconds).
AIGO_HEARTBEAT_MAX_AGE = env_int("AIGO_HEARTBEAT_MAX_AGE", 180)

ADMIN_URL = env_str("ADMIN_URL", "admin/")

# The release the deploy names (e.g. its image tag); unset, the git commit or the package version (aigo/release.py).
AIGO_RELEASE = env_str("AIGO_RELEASE", "")
# Where `manage.py backup` writes (one directory per backup).
AIGO_BACKUP_DIR = env_str("AIGO_BACKUP_DIR", str(LOCAL_DIR / "backups"))

# API keys (accounts.keys): keys older than this get a successor from the daily rotation task;
# the old key keeps working for the grace period, then expires.
AIGO_API_KEY_ROTATE_AFTER_DAYS = env_int("AIGO_API_KEY_ROTATE_AFTER_DAYS", 90)
AIGO_API_KEY_ROTATION_GRACE_DAYS = env_int("AIGO_API_KEY_ROTATION_GRACE_DAYS", 7)

# API rate limits (aigo.api.ratelimit): anonymous requests per client IP, N/sec|min|hour|day;
# "off" disables every limit.
AIGO_ANON_RATE = env_str("AIGO_ANON_RATE", "120/min")
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 = never trust X-Forwarded-For.
AIGO_TRUSTED_PROXIES = env_int("AIGO_TRUSTED_PROXIES", 0)

# Days of raw status probes kept (older daily partitions are dropped); probes older than this
# are refused at ingestion.
AIGO_STATUS_RETENTION_DAYS = env_int("AIGO_STATUS_RETENTION_DAYS", 90)

# Days of analytics events kept (older daily partitions are dropped).
AIGO_ANALYTICS_RETENTION_DAYS = env_int("AIGO_ANALYTICS_RETENTION_DAYS", 90)
# POST /api/v1/events per client IP (N/sec|min|hour|day, or "off"), counted apart from AIGO_ANON_RATE.
AIGO_EVENTS_RATE = env_str("AIGO_EVENTS_RATE", "60/min")

# How far in the future a probe's time may be (probe clocks drift).
AIGO_STATUS_CLOCK_SKEW_SECONDS = env_int("AIGO_STATUS_CLOCK_SKEW_SECONDS", 120)

# Automatic incidents (status.detection): availability below this percentage for this many
# consecutive 5-minute buckets opens one.
AIGO_INCIDENT_AVAILABILITY_THRESHOLD = env_float("AIGO_INCIDENT_AVAILABILITY_THRESHOLD", 95.0)
AIGO_INCIDENT_CONSECUTIVE_BUCKETS = env_int("AIGO_INCIDENT_CONSECUTIVE_BUCKETS", 3)

# Webhooks (webhooks.send): http:// and private, loopback or link-local addresses are refused
# unless allowed (development, tests); each request's timeout in seconds.
AIGO_WEBHOOKS_ALLOW_HTTP = env_bool("AIGO_WEBHOOKS_ALLOW_HTTP", False)
AIGO_WEBHOOKS_ALLOW_PRIVATE = env_bool("AIGO_WEBHOOKS_ALLOW_PRIVATE", False)
AIGO_WEBHOOKS_TIMEOUT = env_float("AIGO_WEBHOOKS_TIMEOUT", 10.0)

# Email (Django's email framework) from EMAIL_URL, e.g. smtp://user:password@host:587 or
# console:// (dj-email-url): without one, followers get no digest (their feed still works).


def email_settings(url: str) -> dict:
    """EMAIL_BACKEND, EMAIL_HOST... of an EMAIL_URL, and whether digests are sent (one is set)."""
    parsed = {name: value for name, value in dj_email_url.parse(url).items() if value is not None} if url else {}
    return {**parsed, "EMAIL_URL": url, "AIGO_EMAIL_DIGESTS": bool(url)}


globals().update(email_settings(env_str("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AI-GO <noreply@localhost>")
AIGO_DIGEST_MAX_EVENTS = env_int("AIGO_DIGEST_MAX_EVENTS", 200)
# Where links in emails point (no request to take the host from).
AIGO_SITE_URL = env_str("AIGO_SITE_URL", "http://127.0.0.1:8000")

# Cache rendered API responses in memory and Redis (aigo.api.cache); off only to measure.
AIGO_RESPONSE_CACHE = env_bool("AIGO_RESPONSE_CACHE", True)
# Cache the parts of site pages apart from the page ({% fragment %}, aigo.site.fragments); off only
# to measure or to compare a page rendered whole with the same page built from its parts.
AIGO_FRAGMENT_CACHE = env_bool("AIGO_FRAGMENT_CACHE", True)

# Slow statements (aigo.db.health): every capture logs at most AIGO_SLOW_QUERY_TOP statements whose
# mean time since the last capture is at least AIGO_SLOW_QUERY_MS; the log keeps this many days.
AIGO_SLOW_QUERY_MS = env_float("AIGO_SLOW_QUERY_MS", 200.0)
AIGO_SLOW_QUERY_TOP = env_int("AIGO_SLOW_QUERY_TOP", 10)
AIGO_SLOW_QUERY_RETENTION_DAYS = env_int("AIGO_SLOW_QUERY_RETENTION_DAYS", 30)

# /metrics (Prometheus) answers only "Authorization: Bearer <this>"; unset, it answers 404.
AIGO_METRICS_TOKEN = env_str("AIGO_METRICS_TOKEN", "")

REST_FRAMEWORK = {
    # JSON only: responses are cached as rendered bytes (aigo.api.cache); the docs are Swagger UI.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["aigo.api.ratelimit.RedisRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "aigo.api.pagination.StrictPageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "aigo.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "aigo.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "AI-GO API",
    "DESCRIPTION": "The global reference for AI models: providers, models, prices, benchmarks and status.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar: the docs work without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The change events' types: one enum for the feed and the webhooks' filters.
    "ENUM_NAME_OVERRIDES": {"ChangeTypeEnum": "catalog.models.changes.EVENT_TYPES"},
    # What Django's <slug:...> converter matches: another value is no route at all.
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
}
