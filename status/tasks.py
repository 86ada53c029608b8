from celery import shared_task

from status.rollups import status_rollup


@shared_task
def rollup_status() -> dict[str, int]:
    return status_rollup()


@shared_task
def detect_incidents() -> dict[str, int]:
    from dataclasses import asdict

    from status.detection import incidents_detect

    return asdict(incidents_detect())
