"""Records the outcome of every scheduled task run, whether run by a worker or in-process."""

import time

from celery.signals import task_postrun, task_prerun
from django.db.models import F
from django.utils import timezone

from aigo.schedule import SCHEDULE

_started: dict[str, float] = {}


def _is_scheduled(task_name: str) -> bool:
    return any(entry["task"] == task_name for entry in SCHEDULE.values())


@task_prerun.connect
def _record_start(task_id: str, task, **kwargs) -> None:
    if not _is_scheduled(task.name):
        return
    from aigo.models import PeriodicTaskRun

    _started[task_id] = time.monotonic()
    PeriodicTaskRun.objects.update_or_create(
        task=task.name,
        defaults={"last_started_at": timezone.now(), "last_status": "running"},
    )


@task_postrun.connect
def _record_finish(task_id: str, task, retval, state: str, **kwargs) -> None:
    if not _is_scheduled(task.name):
        return
    from aigo.models import PeriodicTaskRun

    started = _started.pop(task_id, None)
    duration_ms = round((time.monotonic() - started) * 1000) if started is not None else None
    failed = state != "SUCCESS"
    PeriodicTaskRun.objects.filter(task=task.name).update(
        last_finished_at=timezone.now(),
        last_status=state.lower(),
        last_error=repr(retval)[:2000] if failed else "",
        last_duration_ms=duration_ms,
        runs=F("runs") + 1,
    )
