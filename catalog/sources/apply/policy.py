"""The resolution policy (docs/data.md): which of several sources' values of one field a reader sees.

An editor's value wins; then the maker's own first-party value; then a value two or more sources
agree on; then the value of the most recently updated source. Values agree within a tolerance
that depends on the field's kind: prices 0.5 %, dates one day, everything else exactly. Pure
functions over plain values (the JSON form of observe.as_json), so the import that writes the
catalog and the pages that explain it give the same answer.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

MONEY_TOLERANCE = Decimal("0.005")
DATE_TOLERANCE_DAYS = 1


@dataclass(frozen=True)
class Candidate:
    source: str
    value: Any
    first_party: bool = False
    recency: date = date.min  # the source's snapshot date: the newer source wins a tie
    order: int = 0  # the source's place in the registry: the earlier wins when the dates tie


@dataclass(frozen=True)
class Resolution:
    value: Any  # None: nothing to show
    rule: str  # editor, decision, first-party, agreement, recent, only, none
    agree: tuple[str, ...] = ()  # sources within tolerance of the value
    differ: tuple[Candidate, ...] = ()  # the others, with what they say
    disputed: bool = False  # the sources' own values differ beyond tolerance
    candidates: tuple[Candidate, ...] = field(default=(), repr=False)


def same(kind: str, a: Any, b: Any) -> bool:
    """Whether two values of a field of `kind` agree within its tolerance."""
    if a is None or b is None:
        return a is b
    if kind == "money" or kind == "number":
        try:
            x, y = Decimal(str(a)), Decimal(str(b))
        except InvalidOperation:
            return a == b
        if kind == "number":
            return x == y
        return abs(x - y) <= MONEY_TOLERANCE * max(abs(x), abs(y))
    if kind == "date":
        try:
            return abs((date.fromisoformat(str(a)) - date.fromisoformat(str(b))).days) <= DATE_TOLERANCE_DAYS
        except ValueError:
            return a == b
    if kind == "list":
        return sorted(a) == sorted(b)
    if kind == "text":
        return str(a).strip().casefold() == str(b).strip().casefold()
    return a == b


def clusters(kind: str, candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Candidates grouped by agreement with each group's first value, largest group first."""
    groups: list[list[Candidate]] = []
    for candidate in candidates:
        home = next((group for group in groups if same(kind, group[0].value, candidate.value)), None)
        if home is None:
            groups.append([candidate])
        else:
            home.append(candidate)
    return sorted(
        groups, key=lambda group: (-len({c.source for c in group}), -max(c.recency for c in group).toordinal())
    )


def _rank(candidate: Candidate) -> tuple:
    """Newest source first, then the registry's order, then the value: the same answer every run."""
    return (-candidate.recency.toordinal(), candidate.order, str(candidate.value))


def _newest(group: list[Candidate]) -> Candidate:
    return min(group, key=_rank)


def resolve(
    kind: str,
    candidates: Sequence[Candidate],
    *,
    editor: Any = None,
    editor_rule: str = "editor",
    earliest: bool = False,
    latest: bool = False,
    bounds: bool = False,
) -> Resolution:
    """The value of one field from its sources' `candidates` and an `editor` value (None: none).

    `earliest`: without a first-party value, take the earliest date any source gives (a model is
    out no later than its first listing), rather than the agreed or newest one.
    `latest`: take the latest date given (a model is served until its last version retires); the
    versions' different days are not a dispute.
    `bounds`: every value is only an "on or before" date (a deprecation dated by a source's release
    history): the earliest is the tightest, and the later ones do not contradict it.
    """
    candidates = tuple(sorted((candidate for candidate in candidates if candidate.value is not None), key=_rank))
    groups = clusters(kind, candidates)
    disputed = len(groups) > 1

    def result(value: Any, rule: str) -> Resolution:
        agree = tuple(sorted({c.source for c in candidates if same(kind, c.value, value)}))
        differ = tuple(c for c in candidates if not same(kind, c.value, value))
        return Resolution(value, rule, agree, differ, disputed, candidates)

    if editor is not None:
        return result(editor, editor_rule)
    if not candidates:
        return Resolution(None, "none")
    if latest:
        value = max(candidates, key=lambda candidate: str(candidate.value)).value
        return replace(result(value, "latest"), disputed=False)
    if bounds:
        value = min(candidates, key=lambda candidate: str(candidate.value)).value
        return replace(result(value, "earliest"), disputed=False)
    own = clusters(kind, [candidate for candidate in candidates if candidate.first_party])
    if own:
        return result(_newest(own[0]).value, "first-party")
    if earliest:
        return result(min(candidates, key=lambda candidate: str(candidate.value)).value, "earliest")
    if len({c.source for c in groups[0]}) >= 2:
        return result(_newest(groups[0]).value, "agreement")
    if len({c.source for c in candidates}) == 1:
        return result(_newest(list(candidates)).value, "only")
    return result(_newest(list(candidates)).value, "recent")
