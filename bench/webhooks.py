"""Webhooks: one price change fanned out to 1,000 endpoints on a local receiver.

Prints (1) what the change's events add to an editor's save of a price (the save with the change
triggers against the same save with them disabled, and with 0 or 1,000 endpoints registered: the
fan-out is asynchronous, so they add nothing), (2) deliveries per second, dispatch included,
against the floor of the same POSTs sent bare (no database, no signing), and (3) the time from
the change's commit to the last delivery.

In a throwaway database of its own (created, migrated, dropped at the end unless --keep).

    .venv/bin/python bench/webhooks.py [--endpoints 1000] [--workers 8] [--keep]
"""

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import SERVER, admin, database_create, database_drop  # noqa: E402

DATABASE = "aigo_bench_webhooks"
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigo.settings.dev")
os.environ["AIGO_WEBHOOKS_ALLOW_HTTP"] = os.environ["AIGO_WEBHOOKS_ALLOW_PRIVATE"] = "true"
SAVES = 300


class Receiver(BaseHTTPRequestHandler):
    count = 0
    last = 0.0
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.end_headers()
        with Receiver.lock:
            Receiver.count += 1
            Receiver.last = time.monotonic()

    def log_message(self, *args):
        pass


def receiver_start() -> str:
    ThreadingHTTPServer.request_queue_size = 512
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def save_ms(price, triggers: bool) -> float:
    """Median ms of an editor's save of the price (a transaction naming the editor, one UPDATE)."""
    from django.db import transaction

    from catalog.changes import actor_set

    state = "ENABLE" if triggers else "DISABLE"
    admin(sql.SQL("ALTER TABLE pricing {} TRIGGER pricing_change_update").format(sql.SQL(state)), DATABASE)
    times = []
    for number in range(SAVES):
        price.input_per_million = Decimal("2.5") + Decimal(number % 7) / 100
        started = time.perf_counter()
        with transaction.atomic():
            actor_set("user:1:editor")
            price.save(update_fields=["input_per_million"])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(endpoints: int, workers: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction

    from catalog.changes import cursor_of
    from catalog.models import AIModel, ChangeEvent, Pricing, Provider
    from webhooks.dispatch import events_dispatch
    from webhooks.models import DispatchPosition, WebhookDelivery, WebhookEndpoint
    from webhooks.send import deliveries_due
    from webhooks.signing import secret_new
    from webhooks.tasks import CHUNK, send_webhooks

    settings.DEBUG = False
    call_command("migrate", "--noinput", verbosity=0)
    url = receiver_start()
    provider = Provider.objects.create(slug="openai", name="OpenAI")
    model = AIModel.objects.create(provider=provider, slug="gpt-4o", name={"en-US": "GPT-4o"})
    price = Pricing.objects.create(model=model, input_per_million=Decimal("2.5"), effective_from="2025-01-01")

    bare, with_events = save_ms(price, triggers=False), save_ms(price, triggers=True)
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(
            owner=f"client-{n}", url=url, event_types=["price.changed"], model_slugs=["gpt-4o"], secret=secret_new()
        )
        for n in range(endpoints)
    )
    with_endpoints = save_ms(price, triggers=True)
    # The saves' events are not the change measured below: dispatch starts after them.
    last_event = cursor_of(ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first())
    DispatchPosition.objects.update_or_create(id=1, defaults={"txid": last_event.txid, "event_id": last_event.id})

    # The floor: the same number of POSTs, bare, from as many workers.
    body = b'{"type":"price.changed"}'

    def post_bare(count: int) -> None:
        with httpx.Client() as client:
            for _ in range(count):
                client.post(url, content=body)

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(post_bare, [endpoints // workers] * workers))
    floor = endpoints / (time.monotonic() - started)

    Receiver.count = 0
    with transaction.atomic():
        price.input_per_million = Decimal("3.0")
        price.save(update_fields=["input_per_million"])
    committed = time.monotonic()
    created = events_dispatch()
    due = [str(pk) for pk in deliveries_due(limit=endpoints * 2)]

    def send_chunk(ids: list[str]) -> None:
        try:
            send_webhooks(ids)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(send_chunk, [due[start : start + CHUNK] for start in range(0, len(due), CHUNK)]))
    last = Receiver.last
    delivered = WebhookDelivery.objects.filter(status="succeeded").count()
    rate = delivered / (last - committed)

    print(
        f"{endpoints} endpoints on one receiver, {workers} sending workers; {created} deliveries, "
        f"{delivered} succeeded, {Receiver.count} received"
    )
    print(f"{'what':<58} {'figure':>10} {'vs floor':>9}")
    print(f"{'editor save of a price, change triggers off (floor), ms':<58} {bare:10.2f} {1:9.2f}")
    print(f"{'editor save of a price, with its change event, ms':<58} {with_events:10.2f} {with_events / bare:9.2f}")
    print(
        f"{f'  the same with {endpoints} endpoints registered, ms':<58} {with_endpoints:10.2f} "
        f"{with_endpoints / bare:9.2f}"
    )
    print(f"{'  added to the save by the event, ms':<58} {with_endpoints - bare:10.2f}")
    print(f"{'bare POSTs to the receiver (floor), per s':<58} {floor:10.0f} {1:9.2f}")
    print(f"{'deliveries (dispatch, lease, sign, POST, log), per s':<58} {rate:10.0f} {rate / floor:9.2f}")
    print(f"{'commit of the change to the last delivery, s':<58} {last - committed:10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE} database")
    args = parser.parse_args()
    database_create(DATABASE)
    try:
        run(args.endpoints, args.workers)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
