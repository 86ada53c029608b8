"""Every periodic task, in code. `manage.py periodic sync` (and beat at start) loads it into the
database scheduler, where operators see it in the admin."""

from celery.schedules import crontab

SCHEDULE: dict[str, dict] = {
    "heartbeat": {
        "task": "aigo.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        # A heartbeat older than its period says nothing useful: drop it instead of queueing.
        "options": {"expires": 55},
    },
    "refresh-model-listings": {
        "task": "catalog.tasks.refresh_model_listings",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
}
