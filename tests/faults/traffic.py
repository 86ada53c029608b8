"""A steady mix of clients for the fault tests, each in a thread of its own: API and site reads,
probe batches (retried until accepted, as a prober does) and event beacons (sent once, as a
browser does). Every answer is recorded, so a test can say what clients saw and when, and
what must be stored."""

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from tests.status.probes import probe

from .stack import Stack

READS = ("/api/v1/models/", "/api/v1/providers/openai/", "/api/v1/status/models/atlas-large/", "/en-US/")
PROBE_MODEL, PROBE_REGION = "atlas-large", "asia-se"
# Pauses between one client's requests: steady, not a load test on two shared cores.
PAUSE = 0.05


@dataclass
class Answer:
    kind: str
    at: float  # time.monotonic()
    status: int  # 0: no HTTP answer at all
    retry_after: str | None


@dataclass
class Traffic:
    stack: Stack
    probe_key: str
    # Marks this traffic's probes (their location) and beacons (their sessions) apart from others'.
    tag: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:8]}")
    answers: list[Answer] = field(default_factory=list)
    probes_sent: int = 0  # probes in batches the API accepted
    beacons: dict[str, int] = field(default_factory=dict)  # session id -> status of its one try
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> "Traffic":
        for run in (self._read, self._ingest, self._beacon):
            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _send(self, client: httpx.Client, kind: str, method: str, url: str, **kwargs) -> int:
        try:
            response = client.request(method, url, **kwargs)
            status, retry_after = response.status_code, response.headers.get("Retry-After")
        except httpx.HTTPError:
            status, retry_after = 0, None
        self.answers.append(Answer(kind, time.monotonic(), status, retry_after))
        return status

    def _read(self) -> None:
        with self.stack.client() as client:
            while not self._stop.is_set():
                for url in READS:
                    self._send(client, "read", "GET", url)
                time.sleep(PAUSE)

    def _ingest(self) -> None:
        # Distinct times within the retention window, one second apart: every probe is new.
        start = datetime.now(UTC) - timedelta(hours=2)
        headers = {"Authorization": f"Bearer {self.probe_key}"}
        with self.stack.client(**headers) as client:
            batch_number = 0
            while not self._stop.is_set():
                batch = [
                    probe(
                        start + timedelta(seconds=2 * batch_number + offset),
                        model=PROBE_MODEL,
                        region=PROBE_REGION,
                        probe_location=self.tag,
                    )
                    for offset in (0, 1)
                ]
                # A prober retries a refused batch until it is taken: ingestion is idempotent.
                while self._send(client, "ingest", "POST", "/api/v1/status/probes", json=batch) not in (200, 201):
                    time.sleep(PAUSE)
                self.probes_sent += len(batch)
                batch_number += 1
                time.sleep(PAUSE)

    def _beacon(self) -> None:
        with self.stack.client() as client:
            number = 0
            while not self._stop.is_set():
                session = f"{self.tag}-{number}"
                events = [{"type": "page_view", "session_id": session, "properties": {"path": path}} for path in "ab"]
                self.beacons[session] = self._send(client, "beacon", "POST", "/api/v1/events", json=events)
                number += 1
                time.sleep(PAUSE)

    def of(self, kind: str, start: float = 0, end: float = float("inf")) -> list[Answer]:
        return [answer for answer in self.answers if answer.kind == kind and start <= answer.at < end]
