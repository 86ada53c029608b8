"""Probe ingestion: validate a batch (checks), store it in one transaction (store), then refresh the
live state.

A batch none of whose rows is stored yet costs what a raw COPY costs; a retried batch (or one
with a duplicate inside) takes the staging table's way and stores nothing twice. Either way the
batch is stored whole or not at all. After the commit the newest values go to Redis
(status.live); a dead Redis costs the live view, never the rows.
"""

import functools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from aigo.ops.metrics import PROBES_STORED
from status.ingest.checks import MAX_ROWS, ValidBatch, probes_validate
from status.ingest.store import probes_store
from status.live import LiveRow, live_state_publish

__all__ = [
    "MAX_ROWS",
    "IngestReport",
    "InvalidProbes",
    "ValidBatch",
    "probes_ingest",
    "probes_store",
    "probes_validate",
]

log = logging.getLogger(__name__)


class InvalidProbes(Exception):
    """The batch has invalid rows and partial storage was not asked for: nothing was stored."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len({error['index'] for error in errors})} invalid probe(s)")
        self.errors = errors


@dataclass
class IngestReport:
    received: int
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    # None until the commit ran the Redis update: with an enclosing transaction open it runs later.
    live_state_updated: bool | None = None


def _publish(report: IngestReport, live: list[LiveRow]) -> None:
    report.live_state_updated = live_state_publish(live)


def probes_ingest(*, rows: Sequence[Any], partial: bool = False) -> IngestReport:
    """Validate and store a batch: all of it or nothing, or with `partial` the valid rows only.

    Raises InvalidProbes (nothing stored) when a row is invalid and `partial` is false.
    """
    started = time.monotonic()
    valid, errors = probes_validate(rows)
    if errors and not partial:
        raise InvalidProbes(errors)
    report = IngestReport(received=len(rows), rejected=len({error["index"] for error in errors}), errors=errors)
    if not valid.rows:
        report.live_state_updated = True  # nothing to show
        return report
    with transaction.atomic(savepoint=False):
        report.stored = probes_store(batch=valid)
        transaction.on_commit(functools.partial(_publish, report, valid.live))
    PROBES_STORED.inc(report.stored)
    report.duplicates = len(valid.rows) - report.stored
    log.info(
        "probes ingested: %d stored, %d duplicates, %d rejected in %.0f ms",
        report.stored,
        report.duplicates,
        report.rejected,
        (time.monotonic() - started) * 1000,
    )
    return report
