from celery import shared_task

from aigo.site.digests import digests_send


@shared_task
def send_digests() -> int:
    """The daily digest to every confirmed follower with news."""
    return digests_send()
