"""The editors' side of the sources: mapping ids, the review queue of disagreements, merging and
splitting canonical models, and the import's records, read-only."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.canonical_edit import canonical_merge, canonical_split
from catalog.models import (
    AIModel,
    CanonicalModel,
    SourceDisagreement,
    SourceImport,
    SourceMapping,
    SourceObservation,
    SourceValue,
)
from catalog.sources.apply.disagreements import Decisions
from catalog.sources.apply.resolve import canonicals_resolve, source_recency
from tests.admin_forms import change_form_data
from tests.db import sql

from .factories import AIModelFactory, CanonicalModelFactory, ProviderFactory, SourceValueFactory
from .test_admin import _url

pytestmark = pytest.mark.django_db


def _queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _trail(table: str, record_id) -> list[tuple]:
    rows = sql(
        "SELECT user_id, old_values, new_values FROM audit_trail WHERE table_name = %s AND record_id = %s"
        " ORDER BY timestamp, id",
        [table, record_id],
    )
    return [(actor, json.loads(old) if old else None, json.loads(new)) for actor, old, new in rows]


# -- mappings ---------------------------------------------------------------------------------


def test_editor_maps_a_source_key_and_the_mapping_is_theirs_and_audited(client, editor):
    offer = AIModelFactory()
    data = {"source": "models.dev", "subject": "offer", "source_key": "acme/new-model", "model": str(offer.pk)}
    assert client.post(_url(SourceMapping, "add"), {**data, "note": "same model"}).status_code == 302
    mapping = SourceMapping.objects.get(source_key="acme/new-model")
    assert (mapping.model, mapping.rule) == (offer, "editor")
    [(actor, _old, new)] = _trail("source_mappings", mapping.pk)
    assert actor.endswith(":editor") and new["rule"] == "editor"


def test_editing_an_automatic_mapping_makes_it_the_editors(client, editor):
    mapping = SourceMapping.objects.create(
        source="models.dev", subject="offer", source_key="acme/m", model=AIModelFactory(), rule="automatic"
    )
    other = AIModelFactory()
    data = {**change_form_data(client.get(_url(SourceMapping, "change", mapping.pk))), "model": str(other.pk)}
    assert client.post(_url(SourceMapping, "change", mapping.pk), data).status_code == 302
    mapping.refresh_from_db()
    assert (mapping.model, mapping.rule) == (other, "editor")


def test_a_mapping_must_point_at_a_row_of_its_subject(client, editor):
    data = {"source": "models.dev", "subject": "offer", "source_key": "acme/x", "provider": str(ProviderFactory().pk)}
    response = client.post(_url(SourceMapping, "add"), data)
    assert "Map a provider id to a provider" in str(response.context["errors"])
    assert not SourceMapping.objects.exists()


def test_unmapped_keys_are_listed_once_each_with_a_link_to_a_prefilled_mapping(client, editor):
    for field in ("name", "context_window"):
        SourceValueFactory(source_key="acme/lost", field=field, target_id=None)
    offer = AIModelFactory()
    SourceValueFactory(source_key="acme/found", target_id=offer.pk)
    SourceValueFactory(source_key="acme/mapped-since", target_id=None)  # an editor mapped it since the import
    SourceMapping.objects.create(source="models.dev", subject="offer", source_key="acme/mapped-since", model=offer)
    SourceValueFactory(subject="score", source_key="m|mmlu", target_id=None)  # no mapping can name a score

    response = client.get(reverse_unmapped())
    rows = list(response.context["page"])
    assert [(row["source"], row["subject"], row["source_key"], row["values"]) for row in rows] == [
        ("models.dev", "offer", "acme/lost", 2)
    ]
    form = client.get(rows[0]["map_url"]).context["adminform"].form
    assert (form["source"].value(), form["subject"].value(), form["source_key"].value()) == (
        "models.dev",
        "offer",
        "acme/lost",
    )
    assert reverse_unmapped() in client.get(_url(SourceMapping, "changelist")).content.decode()


def reverse_unmapped() -> str:
    return _url(SourceMapping, "changelist") + "unmapped/"


# -- the review queue -------------------------------------------------------------------------


@pytest.fixture
def disputed():
    """A canonical model whose two offers' sources give different context windows, and the case the
    import's resolution opened for it: the maker's own offer says 128000 (genai-prices), a
    reseller's 200000 (models.dev)."""
    maker = ProviderFactory(slug="acme", name="Acme")
    canonical = CanonicalModelFactory(
        maker=maker, name={"en-US": "Acme One"}, context_window=128000, metadata={"created_by": "import"}
    )
    own = AIModelFactory(provider=maker, canonical_model=canonical)
    resold = AIModelFactory(canonical_model=canonical)
    SourceValueFactory(source="genai-prices", source_key="acme/one", target_id=own.pk, value=128000)
    SourceValueFactory(source="models.dev", source_key="reseller/acme-one", target_id=resold.pk, value=200000)
    canonicals_resolve(source_recency(), Decisions())
    return SourceDisagreement.objects.get(target_id=canonical.pk, field="context_window")


def _pick(client, case, source: str) -> dict:
    form = client.get(_url(SourceDisagreement, "change", case.pk)).context["adminform"].form
    [index] = [value for value, label in form.fields["pick"].choices if label.startswith(f"{source}:")]
    return {"pick": index}


def test_the_queue_lists_open_cases_by_impact_with_each_sources_value_and_date(client, editor, disputed):
    canonical = CanonicalModel.objects.get(pk=disputed.target_id)
    low = SourceDisagreement.objects.create(
        subject="offer", target_id=AIModelFactory().pk, field="released_at", values={"a": "2025-01-01"}, impact=1
    )
    SourceDisagreement.objects.filter(pk=disputed.pk).update(impact=5)
    SourceDisagreement.objects.create(
        subject="offer", target_id=low.target_id, field="sunset_at", values={}, status="superseded", impact=9
    )
    response = client.get(_url(SourceDisagreement, "changelist"))
    assert list(response.context["cl"].result_list) == [disputed, low]
    page = response.content.decode()
    today = timezone.localdate(SourceValue.objects.get(source="models.dev").since).isoformat()
    assert f"genai-prices: 128000 (since {today}, checked {today})" in page
    assert f"models.dev: 200000 (since {today}, checked {today})" in page
    assert f'href="{_url(CanonicalModel, "change", canonical.pk)}">Acme One</a>' in page
    assert len(client.get(_url(SourceDisagreement, "changelist"), {"status": "all"}).context["cl"].result_list) == 3


def test_an_editor_decides_with_a_sources_value_applied_at_once_and_audited(client, editor, disputed):
    response = client.post(_url(SourceDisagreement, "change", disputed.pk), _pick(client, disputed, "models.dev"))
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert (disputed.status, disputed.chosen, disputed.chosen_source, disputed.resolved_by) == (
        "resolved",
        200000,
        "models.dev",
        "editor",
    )
    assert disputed.resolved_at is not None
    assert CanonicalModel.objects.get(pk=disputed.target_id).context_window == 200000
    [(actor, old, new)] = _trail("source_disagreements", disputed.pk)
    assert actor.endswith(":editor")
    assert (old["status"], new["status"], new["chosen"], new["resolved_by"]) == ("open", "resolved", 200000, "editor")


def test_an_editor_decides_with_their_own_value(client, editor, disputed):
    response = client.post(_url(SourceDisagreement, "change", disputed.pk), {"pick": "own", "own_value": "196000"})
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert (disputed.chosen, disputed.chosen_source) == (196000, "")
    assert CanonicalModel.objects.get(pk=disputed.target_id).context_window == 196000


def test_a_decision_on_an_offer_shows_in_the_next_api_read(client, editor, catalog, django_capture_on_commit_callbacks):
    assert client.get("/api/v1/models/gpt-4o/").json()["context_window"] == 128000  # now cached
    case = SourceDisagreement.objects.create(
        subject="offer", target_id=catalog["gpt"].pk, field="context_window", values={"a": 128000, "b": 256000}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(SourceDisagreement, "change", case.pk), _pick(client, case, "b"))
    assert response.status_code == 302
    assert client.get("/api/v1/models/gpt-4o/").json()["context_window"] == 256000


@pytest.mark.parametrize(
    "field, own, message",
    [
        ("context_window", "lots", "Enter a whole number"),
        ("context_window", "1.5", "Enter a whole number"),
        ("context_window", "0", "greater than or equal to 1"),
        ("context_window", "", "Enter your value"),
        ("released_at", "2025-02-30", "Enter a valid date"),
        ("sunset_at", "2020-01-01", "cannot be retired before it is released"),
    ],
)
def test_a_bad_own_value_is_explained_and_nothing_is_written(client, editor, field, own, message):
    canonical = CanonicalModelFactory(released_at=datetime.date(2024, 5, 1), context_window=1000)
    case = SourceDisagreement.objects.create(
        subject="canonical", target_id=canonical.pk, field=field, values={"a": 1, "b": 2}
    )
    response = client.post(_url(SourceDisagreement, "change", case.pk), {"pick": "own", "own_value": own})
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    case.refresh_from_db()
    assert (case.status, case.chosen) == ("open", None)
    assert CanonicalModel.objects.values_list(field, flat=True).get(pk=canonical.pk) == getattr(canonical, field)


def test_a_decision_stands_while_the_sources_stand_and_is_superseded_when_one_changes(client, editor, disputed):
    client.post(_url(SourceDisagreement, "change", disputed.pk), _pick(client, disputed, "models.dev"))
    canonical = CanonicalModel.objects.get(pk=disputed.target_id)

    canonicals_resolve(source_recency(), Decisions())  # a re-import: the sources say the same
    disputed.refresh_from_db()
    canonical.refresh_from_db()
    assert (disputed.status, canonical.context_window) == ("resolved", 200000)
    assert SourceDisagreement.objects.count() == 1

    SourceValue.objects.filter(source="models.dev").update(value=210000)
    assert Decisions().get("canonical", canonical.pk, "context_window", []) is None
    canonicals_resolve(source_recency(), Decisions())  # models.dev changed its value
    disputed.refresh_from_db()
    canonical.refresh_from_db()
    assert disputed.status == "superseded"
    assert canonical.context_window == 128000, "the policy decides again: the maker's own value"
    reopened = SourceDisagreement.objects.get(status="open")
    assert reopened.values == {"genai-prices": 128000, "models.dev": 210000}


def test_editors_neither_add_nor_delete_cases_nor_change_superseded_ones(client, editor, disputed):
    assert client.get(_url(SourceDisagreement, "add")).status_code == 403
    assert client.post(_url(SourceDisagreement, "delete", disputed.pk), {"post": "yes"}).status_code == 403
    SourceDisagreement.objects.filter(pk=disputed.pk).update(status="superseded")
    response = client.post(_url(SourceDisagreement, "change", disputed.pk), {"pick": "own", "own_value": "5"})
    assert response.status_code == 403
    assert SourceDisagreement.objects.get(pk=disputed.pk).chosen is None


# -- canonical models: merge and split --------------------------------------------------------


@pytest.fixture
def two_models():
    """Two canonical models that are one: "Acme One" with two offers, "acme-one-copy" with one."""
    one = CanonicalModelFactory(slug="acme-one", key="acme/one")
    copy = CanonicalModelFactory(slug="acme-one-copy", key="acme/one-copy", metadata={"aliases": ["acme/1"]})
    predecessor = CanonicalModelFactory(successor=copy)
    AIModelFactory.create_batch(2, canonical_model=one)
    AIModelFactory(canonical_model=copy)
    return one, copy, predecessor


def _pinned_offers(canonical) -> list[bool]:
    return [offer.metadata.get("canonical_pinned", False) for offer in canonical.offers.all()]


def test_merge_moves_every_offer_pinned_keeps_the_key_as_an_alias_and_deletes_the_source(two_models):
    one, copy, predecessor = two_models
    assert canonical_merge(sources=[copy], target=one) == 1
    one.refresh_from_db()
    assert _pinned_offers(one) == [False, False, True]
    assert one.metadata["aliases"] == ["acme/1", "acme/one-copy"]
    assert not CanonicalModel.objects.filter(pk=copy.pk).exists()
    predecessor.refresh_from_db()
    assert predecessor.successor == one


def test_editor_merges_through_the_admin_action(client, editor, two_models):
    one, copy, _ = two_models
    selection = {"action": "merge_into", "_selected_action": [str(copy.pk)]}
    page = client.post(_url(CanonicalModel, "changelist"), selection)
    assert page.status_code == 200 and "Merge into" in page.content.decode()
    response = client.post(_url(CanonicalModel, "changelist"), {**selection, "apply": "1", "target": str(one.pk)})
    assert response.status_code == 302
    assert one.offers.count() == 3 and not CanonicalModel.objects.filter(pk=copy.pk).exists()


def test_split_moves_the_offers_to_a_new_pinned_canonical_model_of_the_same_maker(two_models):
    one, _, _ = two_models
    moved = one.offers.first()
    canonical = canonical_split(offers=[moved], name="Acme One Mini", slug="acme-one-mini")
    assert (canonical.display_name(), canonical.maker) == ("Acme One Mini", one.maker)
    assert list(canonical.offers.all()) == [moved]
    assert _pinned_offers(canonical) == [True]
    assert one.offers.count() == 1


def test_editor_splits_offers_out_from_the_offers_list_and_a_taken_slug_is_refused(client, editor, two_models):
    one, _, _ = two_models
    offers = [str(pk) for pk in one.offers.values_list("pk", flat=True)]
    listed = client.get(_url(AIModel, "changelist"), {"canonical_model": one.pk}).context["cl"].result_list
    assert sorted(str(offer.pk) for offer in listed) == sorted(offers)
    selection = {"action": "offers_split_out", "_selected_action": offers, "apply": "1", "name": "Acme Two"}
    refused = client.post(_url(AIModel, "changelist"), {**selection, "slug": "acme-one-copy"})
    assert "already has this slug" in str(refused.context["form"].errors)
    assert one.offers.count() == 2
    assert client.post(_url(AIModel, "changelist"), {**selection, "slug": "acme-two"}).status_code == 302
    assert CanonicalModel.objects.get(slug="acme-two").offers.count() == 2


def test_choosing_an_offers_canonical_model_by_hand_pins_it(client, editor, two_models):
    one, copy, _ = two_models
    offer = one.offers.first()
    data = {**change_form_data(client.get(_url(AIModel, "change", offer.pk))), "canonical_model": str(copy.pk)}
    assert client.post(_url(AIModel, "change", offer.pk), data).status_code == 302
    offer.refresh_from_db()
    assert (offer.canonical_model, offer.metadata["canonical_pinned"]) == (copy, True)


def test_the_canonical_page_lists_its_offers_and_edits_its_facts(client, editor, two_models):
    one, _, _ = two_models
    page = client.get(_url(CanonicalModel, "change", one.pk))
    assert {form.instance for form in page.context["inline_admin_formsets"][0].formset.forms} == set(one.offers.all())
    data = {**change_form_data(page), "released_at": "2025-03-01", "license": "MIT"}
    assert client.post(_url(CanonicalModel, "change", one.pk), data).status_code == 302
    one.refresh_from_db()
    assert (str(one.released_at), one.license, one.offers.count()) == ("2025-03-01", "MIT", 2)


# -- the import's records: read-only ----------------------------------------------------------


@pytest.fixture
def recorded():
    run = SourceImport.objects.create(source="models.dev", version="1.0", status="done")
    observation = SourceObservation.objects.create(
        source="models.dev", subject="offer", source_key="acme/one", field="context_window", value=1, source_import=run
    )
    return [run, observation, SourceValueFactory(target_id=AIModelFactory().pk)]


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_the_imports_records_refuse_every_write_even_to_a_superuser(request, client, recorded, who):
    if who == "editor":
        request.getfixturevalue("editor")
    else:
        client = request.getfixturevalue("admin_client")
    for row in recorded:
        model = type(row)
        assert client.get(_url(model, "change", row.pk)).status_code == 200  # to read
        assert client.get(_url(model, "add")).status_code == 403
        assert client.post(_url(model, "change", row.pk), {"source": "changed"}).status_code == 403
        assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        row.refresh_from_db()
        assert row.source == "models.dev"


# -- no query per row -------------------------------------------------------------------------


def _more_rows(n: int) -> None:
    run = SourceImport.objects.create(source="llm-stats", version="1", status="done")
    for _ in range(n):
        canonical = CanonicalModelFactory()
        offer = AIModelFactory(canonical_model=canonical)
        value = SourceValueFactory(target_id=offer.pk)
        SourceValueFactory(subject="provider", field="name", value="P", target_id=offer.provider_id)
        SourceValueFactory(target_id=None)
        SourceMapping.objects.create(source="models.dev", subject="offer", source_key=value.source_key, model=offer)
        SourceObservation.objects.create(
            source="models.dev", subject="offer", source_key=value.source_key, field="f", value=1, source_import=run
        )
        for subject, target in (("offer", offer.pk), ("canonical", canonical.pk)):
            SourceDisagreement.objects.create(
                subject=subject, target_id=target, field="context_window", values={"models.dev": 128000, "x": 1}
            )


@pytest.mark.parametrize(
    "model",
    [SourceDisagreement, CanonicalModel, SourceMapping, SourceImport, SourceObservation, SourceValue, AIModel],
    ids=lambda model: model.__name__,
)
def test_changelists_read_a_fixed_number_of_queries_whatever_the_rows(client, editor, model):
    _more_rows(1)
    few = _queries(client, _url(model, "changelist"))
    _more_rows(12)
    assert _queries(client, _url(model, "changelist")) == few


def test_the_unmapped_keys_page_reads_a_fixed_number_of_queries(client, editor):
    _more_rows(1)
    few = _queries(client, reverse_unmapped())
    _more_rows(12)
    assert _queries(client, reverse_unmapped()) == few
