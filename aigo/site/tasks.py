import time

from celery import shared_task
from redis.exceptions import RedisError

from aigo.redis import redis_client
from aigo.site.digests import digests_send
from aigo.site.status import overview_redraw, overview_redraw_key

# Seconds between the first drop of a burst and its redraw, and how long a redraw may stay pending
# (a lost task must not stop the next ones).
REDRAW_DELAY = 1
REDRAW_PENDING_MAX = 30


@shared_task
def send_digests() -> int:
    """The daily digest to every confirmed follower with news."""
    return digests_send()


def redraw_status_overview_soon(**_signal) -> None:
    """After an ingest dropped the overview (status.live.status_dropped), one redraw by the worker
    a moment later: probes report in bursts (ten batches within a second), each dropping the page,
    and only the last drop's redraw is worth drawing. The ingest's own request pays nothing."""
    try:
        first = redis_client().set(overview_redraw_key(), time.time(), nx=True, ex=REDRAW_PENDING_MAX)
    except RedisError:
        return
    if first:
        redraw_status_overview.apply_async(countdown=REDRAW_DELAY)


@shared_task(ignore_result=True)
def redraw_status_overview() -> None:
    """The status overview's grid parts, drawn again after the ingests of the last moment."""
    try:
        redis_client().delete(overview_redraw_key())  # an ingest from now on asks for a redraw of its own
    except RedisError:
        return
    overview_redraw()
