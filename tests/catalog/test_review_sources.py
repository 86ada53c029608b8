"""The review queue and editors' mappings through real imports: a disagreement (of a fact or of a
price) opens when sources differ beyond tolerance, an editor's decision holds across re-imports
until a source changes its value, and an editor's mapping moves what a source says to the row they
chose."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from genai_prices.types import ModelPrice

from catalog.models import AIModel, Pricing, SourceDisagreement, SourceMapping, SourceValue
from catalog.review import disagreement_decide
from catalog.sources.apply.sync import sources_import

from .conftest import LATER
from .importing import genai_import, package_model, package_provider


def _gpt_4o_context_says(context: int):
    openai = package_provider("openai")
    package_model(openai, "gpt-4o").context_window = context
    return openai


def test_a_disagreement_opens_is_decided_and_holds_until_a_source_changes(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    # models.dev says 128000; genai-prices now says 256000: beyond tolerance (integers are exact).
    report = genai_import(_gpt_4o_context_says(256000), today=LATER)
    assert report.offers.review["opened"] >= 1
    case = SourceDisagreement.objects.get(target_id=gpt.pk, field="context_window", status="open")
    assert case.values["genai-prices"] == 256000 and case.values["models.dev"] == 128000

    editor = User.objects.create_user("editor")
    disagreement_decide(case=case, value=128000, source="models.dev", user=editor)
    gpt.refresh_from_db()
    assert gpt.context_window == 128000

    again = genai_import(_gpt_4o_context_says(256000), today=LATER)
    gpt.refresh_from_db()
    case.refresh_from_db()
    assert gpt.context_window == 128000 and case.status == "resolved" and case.resolved_by == "editor"
    assert not again.changed

    # genai-prices changes its value again: the decision no longer stands, a new case opens.
    genai_import(_gpt_4o_context_says(512000), today=LATER)
    case.refresh_from_db()
    assert case.status == "superseded"
    current = SourceDisagreement.objects.get(target_id=gpt.pk, field="context_window", status="open")
    assert current.values["genai-prices"] == 512000


def test_a_disagreement_closes_when_the_sources_agree_again(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    genai_import(_gpt_4o_context_says(256000), today=LATER)
    case = SourceDisagreement.objects.get(target_id=gpt.pk, field="context_window", status="open")
    genai_import(package_provider("openai"), today=LATER)
    case.refresh_from_db()
    assert case.status == "superseded"
    assert not SourceDisagreement.objects.filter(target_id=gpt.pk, field="context_window", status="open").exists()


def test_an_editors_mapping_moves_a_sources_values_to_the_row_they_chose(db_catalog):
    mapping = SourceMapping.objects.get(source="llm-stats", subject="offer", source_key="openai/gpt-4o-2024-08-06")
    assert mapping.rule == "automatic" and mapping.model.canonical_model.key == "openai/gpt-4o"
    other = AIModel.objects.get(slug="gpt-4o-mini")
    mapping.model, mapping.rule = other, "editor"
    mapping.save()

    sources_import(names=["llm-stats"], today=LATER)

    values = SourceValue.objects.filter(source="llm-stats", subject="offer", source_key=mapping.source_key)
    assert values.exists() and set(values.values_list("target_id", flat=True)) == {other.pk}
    mapping.refresh_from_db()
    assert (mapping.model, mapping.rule) == (other, "editor")


def _gpt_4o_price_says(input_price: str, output_price: str):
    openai = package_provider("openai")
    package_model(openai, "gpt-4o").prices = ModelPrice(
        input_mtok=Decimal(input_price), output_mtok=Decimal(output_price)
    )
    return openai


def test_a_price_disagreement_is_decided_on_the_current_price_and_released_when_a_source_changes(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    today = timezone.localdate()  # a decision goes to the price in force on the clock's day
    # The other sources still say 2.5 / 10.
    genai_import(_gpt_4o_price_says("2", "8"), today=today)
    cases = SourceDisagreement.objects.filter(subject="price", target_id=gpt.pk, status="open")
    assert set(cases.values_list("field", flat=True)) == {"input_per_million", "output_per_million"}
    case = cases.get(field="input_per_million")
    assert case.values["genai-prices"] == "2" and case.values["models.dev"] == "2.5"

    disagreement_decide(case=case, value="2.5", source="models.dev", user=User.objects.create_user("editor"))
    current = Pricing.objects.get(model=gpt, tier="standard", effective_from=today)
    assert (current.input_per_million, current.output_per_million) == (Decimal("2.5"), Decimal("8"))

    genai_import(_gpt_4o_price_says("2", "8"), today=today)
    current.refresh_from_db()
    case.refresh_from_db()
    assert current.input_per_million == Decimal("2.5") and case.status == "resolved"

    # genai-prices changes its price: the decision no longer stands, the source's value is back.
    genai_import(_gpt_4o_price_says("1.5", "6"), today=today)
    current.refresh_from_db()
    case.refresh_from_db()
    assert case.status == "superseded" and "decided" not in current.metadata
    assert (current.input_per_million, current.output_per_million) == (Decimal("1.5"), Decimal("6"))
