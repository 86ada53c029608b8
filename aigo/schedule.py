"""Every periodic task, in code. `manage.py periodic sync` (and beat at start) loads it into the
database scheduler, where operators see it in the admin."""

from datetime import timedelta

from celery.schedules import crontab

SCHEDULE: dict[str, dict] = {
    "heartbeat": {
        "task": "aigo.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        # A heartbeat older than its period says nothing useful: drop it instead of queueing.
        "options": {"expires": 55},
    },
    "rebuild-redis-if-lost": {
        "task": "aigo.tasks.rebuild_redis_if_lost",
        # One EXISTS while Redis keeps its data: the live status and trending come back within
        # seconds of a flush or an empty restart.
        "schedule": timedelta(seconds=15),
        "options": {"expires": 15},
    },
    "maintain-replicas": {
        "task": "aigo.tasks.maintain_replicas",
        "schedule": crontab(minute=23),
        "options": {"expires": 3000},
    },
    "capture-slow-queries": {
        "task": "aigo.tasks.capture_slow_queries",
        "schedule": crontab(minute="*/10"),
        # The next run covers the same statements (counters since the last capture): never queue two.
        "options": {"expires": 540},
    },
    "ensure-partitions": {
        "task": "aigo.tasks.ensure_partitions",
        "schedule": crontab(minute=17, hour="*/6"),
        "options": {"expires": 3600},
    },
    "rotate-api-keys": {
        "task": "accounts.tasks.rotate_api_keys",
        "schedule": crontab(minute=41, hour=3),
        # A missed day is caught up by the next run: never queue a stale one behind it.
        "options": {"expires": 6 * 3600},
    },
    "rollup-status": {
        "task": "status.tasks.rollup_status",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    "detect-incidents": {
        "task": "status.tasks.detect_incidents",
        "schedule": crontab(minute="1-59/5"),
        "options": {"expires": 240},
    },
    "refresh-model-listings": {
        "task": "catalog.tasks.refresh_model_listings",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    "import-sources": {
        "task": "catalog.tasks.import_sources",
        # Daily: the sources' packages and snapshot change with a deploy, editors' mappings any time.
        "schedule": crontab(minute=37, hour=4),
        "options": {"expires": 6 * 3600},
    },
    "announce-lifecycle": {
        "task": "catalog.tasks.announce_lifecycle",
        # Hourly, so a sunset is announced early on its day whatever the time zone of the reader.
        "schedule": crontab(minute=11),
        "options": {"expires": 3000},
    },
    "dispatch-webhooks": {
        "task": "webhooks.tasks.dispatch_webhooks",
        # Every few seconds: the time from a change to its webhooks is mostly this period.
        "schedule": timedelta(seconds=5),
        "options": {"expires": 5},
    },
    "export-catalog": {
        "task": "catalog.tasks.export_catalog",
        # After the day's import (04:37): the export of the day has what the sources said today.
        "schedule": crontab(minute=17, hour=5),
        "options": {"expires": 6 * 3600},
    },
    "send-digests": {
        "task": "aigo.site.tasks.send_digests",
        # Daily, early in Europe's morning and the Americas' night; a missed day is caught up next time.
        "schedule": crontab(minute=5, hour=6),
        "options": {"expires": 6 * 3600},
    },
    "rank-review-queue": {
        "task": "analytics.tasks.rank_review_queue",
        # The trending scores it reads move by the minute; the queue's order need not.
        "schedule": crontab(minute="7-59/15"),
        "options": {"expires": 600},
    },
    "drain-events": {
        "task": "analytics.tasks.drain_events",
        # Accepted events reach analytics_events within seconds; a run drains until the buffer is
        # empty and one at a time (a lock), so a run that finds another at work returns at once.
        "schedule": timedelta(seconds=2),
        "options": {"expires": 2},
    },
    "refresh-daily-stats": {
        "task": "analytics.tasks.refresh_daily_stats",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    "flush-news-views": {
        "task": "news.tasks.flush_news_views",
        "schedule": crontab(minute="*"),
        # Each run flushes everything pending, leftovers included: a skipped run loses nothing.
        "options": {"expires": 55},
    },
    "release-scheduled-news": {
        "task": "news.tasks.release_scheduled_news",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
}
