import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

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


# Tasks read from the primary unless marked `replica_reads = True` (aigo.db.router). Imported when
# a task runs, not here: this module loads before Django's settings.
@task_prerun.connect
def _route_task_reads(task_id=None, task=None, **kwargs) -> None:
    from aigo.db.router import task_started

    task_started(task_id=task_id, task=task)


@task_postrun.connect
def _end_task_reads(task_id=None, **kwargs) -> None:
    from aigo.db.router import task_finished

    task_finished(task_id=task_id)
