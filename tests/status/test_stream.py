"""The SSE stream delivers a status change, keeps idle connections alive and cleans up."""

import asyncio
import contextlib
import json

import pytest
from django.test import AsyncClient

from aigo.redis import redis_client, rkey
from status.live import updates_channel

URL = "/api/v1/status/stream"


class Reader:
    """Reads a streaming response in a task, as the ASGI server does; cancel() = the client left."""

    def __init__(self, response):
        self.chunks: asyncio.Queue[str] = asyncio.Queue()
        self.task = asyncio.create_task(self._read(response))

    async def _read(self, response):
        async for chunk in response.streaming_content:
            await self.chunks.put(chunk.decode())

    async def next(self) -> str:
        return await asyncio.wait_for(self.chunks.get(), timeout=5)

    async def event(self) -> str:
        chunk = await self.next()
        while chunk.startswith(": keep-alive"):
            chunk = await self.next()
        return chunk

    async def cancel(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@pytest.mark.asyncio
async def test_a_published_change_reaches_the_subscriber(settings):
    settings.AIGO_SSE_KEEPALIVE_SECONDS = 0.2
    response = await AsyncClient().get(URL, {"models": "gpt-4o,claude"})
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    reader = Reader(response)
    ready = await reader.next()
    assert ready.startswith("retry: 5000\nevent: ready\n") and '"gpt-4o"' in ready
    assert redis_client().scard(rkey("ws", "subscriptions", "gpt-4o")) == 1

    redis_client().publish(updates_channel("gpt-4o"), json.dumps({"model": "gpt-4o", "availability": 97.5}))
    event = await reader.event()
    assert event.startswith("event: status\n") and '"availability": 97.5' in event
    assert (await reader.next()) == ": keep-alive\n\n"

    await reader.cancel()
    assert redis_client().scard(rkey("ws", "subscriptions", "gpt-4o")) == 0, "the connection is forgotten"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query", [{}, {"models": ""}, {"models": "Bad Slug!"}, {"models": ",".join(f"m{i}" for i in range(101))}]
)
async def test_the_stream_needs_valid_models(query):
    response = await AsyncClient().get(URL, query)
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "invalid"


@pytest.mark.asyncio
async def test_the_stream_says_so_when_redis_is_down(redis_down):
    response = await AsyncClient().get(URL, {"models": "gpt-4o"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
