"""The resolution policy (docs/data.md) as a table of cases: which value a reader sees, by which
rule, who agrees and whether the field goes to the review queue."""

from datetime import date

import pytest

from catalog.sources.apply.policy import Candidate, resolve, same

OLD, NEW, NEWER = date(2026, 1, 1), date(2026, 5, 1), date(2026, 11, 1)


def said(source, value, *, first_party=False, recency=OLD, order=0):
    return Candidate(source, value, first_party=first_party, recency=recency, order=order)


CASES = [
    # (case, kind, candidates, editor, earliest) -> (value, rule, agree, disputed)
    ("nothing said", "int", [], None, False, (None, "none", (), False)),
    ("one source", "int", [said("a", 128000)], None, False, (128000, "only", ("a",), False)),
    (
        "the editor's value wins over every source",
        "int",
        [said("a", 128000, first_party=True), said("b", 128000)],
        100000,
        False,
        (100000, "editor", (), False),  # the sources agree among themselves
    ),
    (
        "the maker's own value wins over two agreeing sources",
        "int",
        [said("a", 200000, first_party=True), said("b", 100000), said("c", 100000)],
        None,
        False,
        (200000, "first-party", ("a",), True),
    ),
    (
        "two sources agreeing win over a more recent one",
        "int",
        [said("a", 100000), said("b", 100000), said("c", 200000, recency=NEWER)],
        None,
        False,
        (100000, "agreement", ("a", "b"), True),
    ),
    (
        "without agreement, the most recently updated source",
        "int",
        [said("a", 100000, recency=OLD), said("b", 200000, recency=NEWER)],
        None,
        False,
        (200000, "recent", ("b",), True),
    ),
    (
        "integers are exact: one token apart is a disagreement",
        "int",
        [said("a", 8191), said("b", 8192, recency=NEW)],
        None,
        False,
        (8192, "recent", ("b",), True),
    ),
    (
        "prices within 0.5 % agree",
        "money",
        [said("a", "3.00"), said("b", "3.014")],
        None,
        False,
        ("3.00", "agreement", ("a", "b"), False),
    ),
    (
        "prices beyond 0.5 % disagree",
        "money",
        [said("a", "3.00", recency=NEW), said("b", "3.02")],
        None,
        False,
        ("3.00", "recent", ("a",), True),
    ),
    (
        "dates a day apart agree",
        "date",
        [said("a", "2025-09-29"), said("b", "2025-09-30")],
        None,
        False,
        ("2025-09-29", "agreement", ("a", "b"), False),
    ),
    (
        "dates two days apart disagree",
        "date",
        [said("a", "2025-09-29", recency=NEW), said("b", "2025-10-01")],
        None,
        False,
        ("2025-09-29", "recent", ("a",), True),
    ),
    (
        "a canonical model's release: the earliest date any source gives, without the maker's",
        "date",
        [said("a", "2025-10-01", recency=NEWER), said("b", "2025-09-29"), said("c", "2025-10-01")],
        None,
        True,
        ("2025-09-29", "earliest", ("b",), True),
    ),
    (
        "the maker's release date wins even over the earliest",
        "date",
        [said("a", "2025-09-29"), said("b", "2025-10-15", first_party=True)],
        None,
        True,
        ("2025-10-15", "first-party", ("b",), True),
    ),
    (
        "text agrees whatever its case",
        "text",
        [said("a", "Apache-2.0"), said("b", "apache-2.0 ")],
        None,
        False,
        ("Apache-2.0", "agreement", ("a", "b"), False),
    ),
    (
        "lists agree whatever their order",
        "list",
        [said("a", ["text", "image"]), said("b", ["image", "text"])],
        None,
        False,
        (["image", "text"], "agreement", ("a", "b"), False),
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "candidates", "editor", "earliest", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_policy(case, kind, candidates, editor, earliest, expected):
    resolution = resolve(kind, candidates, editor=editor, earliest=earliest)
    value, rule, agree, disputed = expected
    assert same(kind, resolution.value, value) and resolution.rule == rule
    assert resolution.agree == agree and resolution.disputed is disputed
    assert {c.source for c in resolution.differ} == {c.source for c in candidates} - set(agree)


def test_the_answer_does_not_depend_on_the_order_sources_are_read():
    candidates = [said("a", 1, recency=NEW, order=0), said("b", 2, recency=NEW, order=1), said("c", 3)]
    answers = {resolve("int", order).value for order in (candidates, candidates[::-1], candidates[1:] + candidates[:1])}
    assert answers == {1}  # same day: the source earlier in the registry


def test_an_editor_decision_is_its_own_rule():
    resolution = resolve("int", [said("a", 1), said("b", 2)], editor=2, editor_rule="decision")
    assert (resolution.value, resolution.rule, resolution.agree) == (2, "decision", ("b",))


def test_a_models_retirement_is_the_latest_of_its_versions_and_not_a_dispute():
    versions = [said("litellm", "2026-10-23", first_party=True), said("litellm", "2027-01-14", first_party=True)]
    resolution = resolve("date", versions, latest=True)
    assert (resolution.value, resolution.rule, resolution.disputed) == ("2027-01-14", "latest", False)
    assert resolve("date", versions, latest=True, editor="2026-12-01").value == "2026-12-01"
    assert resolve("date", [], latest=True).value is None


def test_deprecations_dated_by_release_histories_are_bounds_so_the_earliest_wins_without_a_dispute():
    bounds = [said("model-prices", "2026-10-26", first_party=True), said("genai-prices", "2026-10-12")]
    resolution = resolve("date", bounds, bounds=True)
    assert (resolution.value, resolution.rule, resolution.disputed) == ("2026-10-12", "earliest", False)
    assert resolve("date", bounds, bounds=True, editor="2026-09-30").value == "2026-09-30"
    assert resolve("date", bounds).disputed  # as plain dates they would be a case for the queue
