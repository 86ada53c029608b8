from celery import shared_task

from status.rollups import status_rollup


@shared_task
def rollup_status() -> dict[str, int]:
    return status_rollup()
