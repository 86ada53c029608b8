import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigo.settings.dev")

app = Celery("aigo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _load_schedule(sender: Celery, **kwargs) -> None:
    # django-celery-beat copies beat_schedule into its tables when beat starts, so the
    # schedule written in code is the one operators see (and can pause) in the admin.
    from aigo.schedule import SCHEDULE

    sender.conf.beat_schedule = SCHEDULE
