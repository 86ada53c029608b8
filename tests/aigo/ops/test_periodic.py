import io

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from aigo.models import PeriodicTaskRun
from aigo.redis import redis_client, rkey
from aigo.schedule import SCHEDULE

pytestmark = pytest.mark.django_db


@shared_task(name="tests.always_fails")
def always_fails():
    raise RuntimeError("disk on fire")


def _periodic(*args) -> str:
    out = io.StringIO()
    call_command("periodic", *args, stdout=out)
    return out.getvalue()


def test_sync_loads_the_schedule_into_the_database_scheduler_idempotently():
    _periodic("sync")
    _periodic("sync")
    task = PeriodicTask.objects.get(name="heartbeat")
    assert task.task == "aigo.tasks.heartbeat"
    assert task.crontab.minute == "*"
    assert PeriodicTask.objects.filter(name="heartbeat").count() == 1


def test_list_shows_every_scheduled_task_before_and_after_a_run():
    before = _periodic("list")
    assert "heartbeat" in before and "cron * * * * *" in before and "never" in before

    _periodic("run", "heartbeat")

    line = next(line for line in _periodic("list").splitlines() if line.startswith("heartbeat"))
    assert "success" in line and "never" not in line


def test_run_executes_the_task_and_records_its_outcome():
    output = _periodic("run", "heartbeat")
    assert output.startswith("heartbeat: success in")
    run = PeriodicTaskRun.objects.get(task="aigo.tasks.heartbeat")
    assert run.last_status == "success" and run.runs == 1 and run.last_duration_ms is not None
    assert redis_client().get(rkey("heartbeat")) is not None

    _periodic("run", "heartbeat")
    assert PeriodicTaskRun.objects.get(task="aigo.tasks.heartbeat").runs == 2


def test_run_reports_a_failing_task_and_records_the_error(monkeypatch):
    monkeypatch.setitem(SCHEDULE, "always-fails", {"task": "tests.always_fails", "schedule": 60})
    with pytest.raises(CommandError, match="always-fails: failure after .*disk on fire"):
        _periodic("run", "always-fails")
    run = PeriodicTaskRun.objects.get(task="tests.always_fails")
    assert run.last_status == "failure"
    assert "disk on fire" in run.last_error


def test_run_of_an_unknown_task_names_the_known_ones():
    with pytest.raises(CommandError, match="No periodic task named 'nope'. Known: .*heartbeat"):
        _periodic("run", "nope")


def test_tasks_outside_the_schedule_are_not_recorded():
    always_fails.apply()
    assert not PeriodicTaskRun.objects.filter(task="tests.always_fails").exists()


def test_celery_defaults_are_safe_for_idempotent_tasks():
    from aigo.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.broker_url.startswith("redis://")
