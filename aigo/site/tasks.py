from celery import shared_task

from aigo.site.digests import digests_send
from aigo.site.status import overview_redraw


@shared_task
def send_digests() -> int:
    """The daily digest to every confirmed follower with news."""
    return digests_send()


@shared_task(ignore_result=True)
def redraw_status_overview() -> None:
    """The status overview's grid parts, drawn again after the ingests of the last moment."""
    overview_redraw()
