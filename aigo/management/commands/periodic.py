"""Operators' view of the periodic tasks: list them, load the schedule, run one now."""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from aigo.celery import app
from aigo.models import PeriodicTaskRun
from aigo.schedule import SCHEDULE


def sync_schedule() -> int:
    """Load the schedule written in code into django-celery-beat's tables (as beat does at start)."""
    for name, entry in SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
    return len(SCHEDULE)


def describe_schedule(task: PeriodicTask) -> str:
    if task.crontab:
        c = task.crontab
        return f"cron {c.minute} {c.hour} {c.day_of_month} {c.month_of_year} {c.day_of_week} ({c.timezone})"
    if task.interval:
        return f"every {task.interval.every} {task.interval.period}"
    return " ".join(str(task.schedule).split())


class Command(BaseCommand):
    help = "List, synchronise or run the periodic (Celery beat) tasks."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every scheduled task: schedule, last run, last outcome")
        actions.add_parser("sync", help="load the schedule from aigo/schedule.py into the database")
        run = actions.add_parser("run", help="run one task now, in this process, and report its outcome")
        run.add_argument("name", help="the schedule entry name, as `periodic list` shows it")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _sync(self, **options) -> None:
        count = sync_schedule()
        self.stdout.write(f"{count} scheduled task(s) loaded into the database scheduler.")

    def _list(self, **options) -> None:
        sync_schedule()
        runs = {run.task: run for run in PeriodicTaskRun.objects.all()}
        rows = [("NAME", "TASK", "SCHEDULE", "ENABLED", "LAST RUN", "OUTCOME")]
        tasks = PeriodicTask.objects.select_related("interval", "crontab", "solar", "clocked").order_by("name")
        for task in tasks:
            run = runs.get(task.task)
            finished = run.last_finished_at or run.last_started_at if run else None
            outcome = run.last_status if run else "never"
            if run and run.last_duration_ms is not None:
                outcome += f" ({run.last_duration_ms} ms)"
            rows.append(
                (
                    task.name,
                    task.task,
                    describe_schedule(task),
                    "yes" if task.enabled else "no",
                    finished.isoformat(timespec="seconds") if finished else "never",
                    outcome,
                )
            )
        widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())

    def _run(self, name: str, **options) -> None:
        periodic = PeriodicTask.objects.filter(name=name).first()
        if periodic is not None:
            task_name = periodic.task
            args, kwargs = json.loads(periodic.args or "[]"), json.loads(periodic.kwargs or "{}")
        elif name in SCHEDULE:
            entry = SCHEDULE[name]
            task_name, args, kwargs = entry["task"], entry.get("args", ()), entry.get("kwargs", {})
        else:
            known = ", ".join(sorted(set(SCHEDULE) | set(PeriodicTask.objects.values_list("name", flat=True))))
            raise CommandError(f"No periodic task named {name!r}. Known: {known}.")
        app.loader.import_default_modules()  # runs autodiscovery, as a worker does at start
        task = app.tasks.get(task_name)
        if task is None:
            raise CommandError(f"{name}: task {task_name!r} is not registered in this process.")
        started = time.monotonic()
        result = task.apply(args=args, kwargs=kwargs)
        elapsed_ms = round((time.monotonic() - started) * 1000)
        if result.failed():
            raise CommandError(f"{name}: failure after {elapsed_ms} ms: {result.result!r}")
        self.stdout.write(f"{name}: success in {elapsed_ms} ms -> {result.result!r}")
