"""The review queue: a case per field whose sources disagree beyond tolerance, kept in step with
what the sources say, and the editors' decisions on them.

A decision stands while every source says what it said when the editor decided; once one changes
its value the case is superseded and, if the sources still disagree, a new one opens.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from catalog.models import SourceDisagreement

from .policy import Candidate, Resolution

Case = tuple[str, Any, str, Resolution]  # (subject, target id, field, resolution)


def snapshot(candidates: Sequence[Candidate]) -> dict[str, Any]:
    """What each source says, as a case records it (a source with several offers: their values, sorted)."""
    by_source: dict[str, list] = {}
    for candidate in candidates:
        by_source.setdefault(candidate.source, []).append(candidate.value)
    return {source: values[0] if len(values) == 1 else sorted(values, key=str) for source, values in by_source.items()}


class Decisions:
    """Editors' standing decisions, by (subject, target, field)."""

    def __init__(self) -> None:
        self.rows = {
            (row.subject, row.target_id, row.field): row for row in SourceDisagreement.objects.filter(status="resolved")
        }

    def get(self, subject: str, target: Any, field: str, candidates: Sequence[Candidate]) -> Any:
        """The decided value, while the sources say what they said when it was taken; else None."""
        row = self.rows.get((subject, target, field))
        if row is None or row.values != snapshot(candidates):
            return None
        return row.chosen


def disagreements_sync(cases: Iterable[Case], evaluated: set[tuple] | None = None) -> dict[str, int]:
    """Open a case for each disputed field not already in the queue as it stands; supersede the
    cases whose sources changed, and those of `evaluated` fields that are no longer disputed."""
    current = {
        (row.subject, row.target_id, row.field): row
        for row in SourceDisagreement.objects.filter(status__in=["open", "resolved"])
    }
    now = timezone.now()
    opened, superseded = [], []
    for subject, target, field, resolution in cases:
        values = snapshot(resolution.candidates)
        row = current.pop((subject, target, field), None)
        if row is not None and row.values == values:
            continue
        if row is not None:
            superseded.append(row)
        opened.append(SourceDisagreement(subject=subject, target_id=target, field=field, values=values, opened_at=now))
    for key, row in current.items():
        if evaluated is not None and key in evaluated:
            superseded.append(row)  # the sources agree now: nothing left to decide
    for row in superseded:
        row.status = "superseded"
        row.resolved_at = row.resolved_at or now
    SourceDisagreement.objects.bulk_update(superseded, ["status", "resolved_at"], batch_size=1000)
    SourceDisagreement.objects.bulk_create(opened, batch_size=1000)
    return {"opened": len(opened), "superseded": len(superseded)}
