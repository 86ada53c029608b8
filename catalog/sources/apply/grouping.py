"""Canonical models the import made for offers whose maker no rule knew ("@seller/base": a model
a reseller lists under its own name) join the one model of that base whose maker is known, once
a source names it: OpenRouter's "anubis-pro-105b-v1" is TheDrummer's. Where two known makers share
a base, or an editor placed an offer in the reseller's model, nothing is merged (editors decide
in the admin).
"""

from collections import defaultdict

from catalog.canonical_edit import EDITOR_KEY_PREFIX, canonical_merge
from catalog.models import CanonicalModel


def _base(key: str) -> str:
    return key.partition("/")[2]


def canonicals_consolidate() -> int:
    """Merge each import-made "@seller/base" canonical model into the known maker's model of that
    base, when there is exactly one; returns the canonical models merged."""
    known = defaultdict(list)
    for row in CanonicalModel.objects.exclude(key__startswith="@").exclude(key__startswith=EDITOR_KEY_PREFIX):
        known[_base(row.key)].append(row)
    merged = 0
    resold = CanonicalModel.objects.filter(key__startswith="@", metadata__created_by="import").exclude(
        offers__metadata__canonical_pinned=True
    )
    for row in resold.order_by("key"):
        targets = known.get(_base(row.key), [])
        if len(targets) == 1:
            canonical_merge(sources=[row], target=targets[0], pin=False)
            merged += 1
    return merged
