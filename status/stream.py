"""GET /api/v1/status/stream?models=a,b — Server-Sent Events from the status pub/sub channels.

An async view: under an ASGI server (uvicorn, see DESIGN notes in the README) a waiting client
holds no thread, so slow or idle clients never block other requests. Each connection is
recorded in the seed's `ws:subscriptions:{model}` sets while it lasts, gets a keep-alive
comment when nothing happened for a while, and unsubscribes when the client goes away.
"""

import json
import re
import secrets
import time

import redis.asyncio as aioredis
from django.conf import settings
from django.http import StreamingHttpResponse
from redis.exceptions import RedisClusterException

from aigo.api.errors import error_response
from aigo.redis import async_redis_client, rkey
from status.live import updates_channel

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MAX_MODELS = 100  # the status page follows every model it shows in one stream


def _subscriptions_key(slug: str) -> str:
    return rkey("ws", "subscriptions", slug)


async def _events(slugs: list[str], connection_id: str):
    client = await async_redis_client()
    # On a Redis Cluster, PUBLISH reaches every node, so one node's subscription (the node
    # redis-py picks from the first channel's slot) hears all the channels.
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    keepalive = getattr(settings, "AIGO_SSE_KEEPALIVE_SECONDS", 15)
    try:
        await pubsub.subscribe(*[updates_channel(slug) for slug in slugs])
        async with client.pipeline(transaction=False) as pipe:
            for slug in slugs:
                pipe.sadd(_subscriptions_key(slug), connection_id)
                pipe.expire(_subscriptions_key(slug), 24 * 3600)
            await pipe.execute()
        yield f"retry: 5000\nevent: ready\ndata: {json.dumps({'models': slugs})}\n\n"
        last_sent = time.monotonic()
        while True:
            message = await pubsub.get_message(timeout=keepalive)
            if message is None:  # a timeout, or a subscription notice it skipped
                if time.monotonic() - last_sent >= keepalive:
                    last_sent = time.monotonic()
                    yield ": keep-alive\n\n"
                continue
            last_sent = time.monotonic()
            slug = message["channel"].decode().rsplit(":", 1)[-1]
            yield f"event: status\nid: {slug}\ndata: {message['data'].decode()}\n\n"
    finally:
        try:
            async with client.pipeline(transaction=False) as pipe:
                for slug in slugs:
                    pipe.srem(_subscriptions_key(slug), connection_id)
                await pipe.execute()
            await pubsub.aclose()
        finally:
            await client.aclose()


async def status_stream(request):
    raw = request.GET.get("models", "")
    slugs = list(dict.fromkeys(slug.strip() for slug in raw.split(",") if slug.strip()))
    if not slugs or len(slugs) > MAX_MODELS or not all(SLUG.match(slug) for slug in slugs):
        return error_response(400, "invalid", f"Give 1 to {MAX_MODELS} model slugs in ?models=, comma-separated.")
    try:
        probe = await async_redis_client()
        await probe.ping()
        await probe.aclose()
    except (OSError, aioredis.RedisError, RedisClusterException):  # the last: no cluster node answered
        response = error_response(503, "stream_unavailable", "Live updates are unavailable right now.")
        response["Retry-After"] = "5"
        return response
    response = StreamingHttpResponse(_events(slugs, secrets.token_hex(8)), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # let nginx pass events through at once
    return response
