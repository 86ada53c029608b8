"""The LLM Stats snapshot mapped to the common shape: pure, no database."""

import json
from datetime import date
from decimal import Decimal

import pytest

from catalog.choices import CAPABILITIES, MODALITIES
from catalog.sources import llm_stats
from catalog.sources.records import OFFER_FIELDS, PRICE_FIELDS, SourceData

DATA = llm_stats.DATA


@pytest.fixture(scope="module")
def loaded() -> tuple[SourceData, dict[str, int]]:
    data, skipped = llm_stats.read()
    return data, dict(skipped)


@pytest.fixture(scope="module")
def data(loaded) -> SourceData:
    return loaded[0]


def offer(data: SourceData, provider: str, key: str):
    return next(o for o in data.offers if (o.provider, o.key) == (provider, key))


def test_counts_equal_the_snapshots(data, loaded):
    seller_offers = [row for path in DATA.glob("providers/*/models.json") for row in json.loads(path.read_text())]
    assert len(list(DATA.glob("organizations/*/models/*/model.json"))) == 169
    assert len(seller_offers) == 244
    assert len(data.benchmarks) == 342
    assert len(data.scores) == 2224
    assert len(data.prices) == 244  # every seller offer has a price
    # 169 release offers and 244 seller offers, 60 of them a maker selling its model under the model's id.
    assert len(data.offers) == 169 + 244 - 60
    # 16 organizations (not "unknown") and 20 sellers, 7 of them both.
    assert len(data.providers) == 29
    assert "unknown" not in {provider.key for provider in data.providers}
    # One knowledge cutoff is a month ("2024-09"); no model is left out.
    assert loaded[1] == {"bad date: training_cutoff": 1}


def test_every_provider_has_an_explicit_catalog_key(data):
    assert {provider.key for provider in data.providers} == set(llm_stats.CATALOG_KEYS)
    assert {provider.key: provider.catalog_key for provider in data.providers} == llm_stats.CATALOG_KEYS


def test_sellers_and_makers_map_to_the_catalogs_provider_ids():
    keys = llm_stats.CATALOG_KEYS
    assert keys["bedrock"] == "aws"
    assert keys["xai"] == "x-ai"
    assert keys["zai-org"] == "zai"
    assert (keys["amazon"], keys["microsoft"]) == ("aws", "azure")
    for same in ("anthropic", "azure", "cerebras", "cohere", "deepseek", "fireworks", "google", "groq", "mistral"):
        assert keys[same] == same
    for same in ("novita", "openai", "together", "meta", "moonshotai"):
        assert keys[same] == same
    for missing in ("deepinfra", "hyperbolic", "lambda", "replicate", "sambanova", "zeroeval", "qwen", "ibm", "nvidia"):
        assert keys[missing] is None
    assert keys.get("someone-new") is None


def test_makers_come_from_identity_then_from_the_organization():
    assert llm_stats.maker_and_base("amazon", "nova-pro") == ("amazon", "nova-pro")
    assert llm_stats.maker_and_base("zai-org", "glm-4.6") == ("zhipu", "glm-4-6")
    assert llm_stats.maker_and_base("qwen", "qwq-32b") == ("alibaba", "qwq-32b")
    assert llm_stats.maker_and_base("ibm", "granite-3.3-8b-instruct") == ("ibm", "granite-3-3-8b-instruct")
    # The family wins, as it does for every other source naming this model.
    assert llm_stats.maker_and_base("nvidia", "llama-3.1-nemotron-70b-instruct")[0] == "meta"
    assert llm_stats.maker_and_base("unknown", "mystery-1") == (None, "mystery-1")


def test_a_makers_release_and_its_api_offer_are_one_offer(data):
    sonnet = offer(data, "anthropic", "claude-3-5-sonnet-20241022")
    assert (sonnet.maker, sonnet.base) == ("anthropic", "claude-3-5-sonnet")
    assert sonnet.fields["name"] == "Claude 3.5 Sonnet"
    assert sonnet.fields["released_at"] == date(2024, 10, 22)
    assert sonnet.fields["open_weights"] is False
    assert sonnet.fields["license"] == "Proprietary"
    assert sonnet.fields["context_window"] == 200000
    assert sonnet.fields["capabilities"] == ["function_calling", "structured_outputs", "batch"]
    assert sonnet.fields["modalities"] == ["text", "image"]
    assert "training_cutoff" not in sonnet.fields  # the source has none


def test_a_resellers_offer_keeps_its_api_id_and_the_models_identity(data):
    glm = offer(data, "deepinfra", "zai-org/GLM-4.6")
    assert (glm.maker, glm.base) == ("zhipu", "glm-4-6")
    assert "released_at" not in glm.fields  # a release is the maker's fact, not the reseller's
    price = next(p for p in data.prices if (p.provider, p.model) == ("deepinfra", "zai-org/GLM-4.6"))
    assert price.prices == {"input_per_million": Decimal("0.6"), "output_per_million": Decimal("2")}
    assert (price.currency, price.effective_from) == ("USD", None)


def test_open_weights_follow_the_licence_and_linked_weights(data):
    assert offer(data, "meta", "llama-3.1-405b-instruct").fields["open_weights"] is True
    # Licence id "proprietary", weights on Hugging Face.
    assert offer(data, "google", "gemma-3n-e4b").fields["open_weights"] is True
    assert offer(data, "google", "gemma-3n-e4b").fields["license"] == "Proprietary"


def test_partial_dates_are_left_out(data):
    nemotron = offer(data, "nvidia", "nvidia-nemotron-nano-9b-v2")
    assert "training_cutoff" not in nemotron.fields
    assert nemotron.fields["released_at"] == date(2025, 8, 18)


def test_models_of_the_unknown_organization_keep_scores_only_with_a_maker(tmp_path):
    def write(path: str, value) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(json.dumps(value))

    write("organizations/unknown/organization.json", {"organization_id": "unknown", "name": "Unknown", "website": ""})
    for model_id in ("llama-9-70b", "mystery-1"):
        write(f"organizations/unknown/models/{model_id}/model.json", {"model_id": model_id})
        entry = {
            "model_benchmark_id": 1,
            "model_id": model_id,
            "benchmark_id": "mmlu",
            "score": 0.5,
            "normalized_score": 0.5,
            "analysis_method": None,
            "self_reported_source_link": "",
            "is_self_reported": True,
            "verified_by_llmstats": False,
            "verification_date": None,
            "updated_at": "2025-07-19T19:56:13.256021+00:00",
        }
        write(f"organizations/unknown/models/{model_id}/benchmarks.json", [entry])

    data, skipped = llm_stats.read(tmp_path)

    assert (data.providers, data.offers) == ([], [])
    assert [(s.maker, s.model, s.source_url) for s in data.scores] == [("meta", "llama-9-70b", None)]
    assert skipped == {"models of no named organization": 2, "scores of models with no maker": 1}


def test_a_known_score_keeps_its_source_and_method(data):
    score = next(s for s in data.scores if (s.model, s.benchmark) == ("claude-3-5-sonnet-20241022", "big-bench-hard"))
    assert (score.maker, score.base) == ("anthropic", "claude-3-5-sonnet")
    assert score.score == Decimal("0.931")
    assert score.normalized == Decimal("93.1")
    assert score.method == "3-shot CoT"
    assert score.source_url == "https://www.anthropic.com/news/3-5-models-and-computer-use"
    assert (score.self_reported, score.verified) == (True, False)
    assert score.evaluated_at == date(2025, 7, 19)


def test_scores_on_other_scales_are_normalized_to_100(data):
    score = next(s for s in data.scores if (s.model, s.benchmark) == ("qwen3-235b-a22b-thinking-2507", "cfeval"))
    assert (score.score, score.normalized, score.maker) == (Decimal("2134"), Decimal("21.34"), "alibaba")
    assert next(b for b in data.benchmarks if b.key == "cfeval").max_score == Decimal("10000.0")


def test_every_score_has_a_maker_a_known_benchmark_and_a_source_link(data):
    benchmarks = {benchmark.key for benchmark in data.benchmarks}
    assert all(score.maker and score.benchmark in benchmarks for score in data.scores)
    assert all(score.source_url and score.source_url.startswith("https://") for score in data.scores)
    assert all(score.normalized is not None and 0 <= score.normalized <= 100 for score in data.scores)


def test_field_names_and_values_are_the_catalogs(data):
    providers = {provider.key for provider in data.providers}
    offers = {(o.provider, o.key) for o in data.offers}
    capabilities, modalities = {c for c, _ in CAPABILITIES}, {m for m, _ in MODALITIES}
    for o in data.offers:
        assert o.provider in providers
        assert set(o.fields) <= set(OFFER_FIELDS), o
        assert set(o.fields.get("capabilities", [])) <= capabilities
        assert set(o.fields.get("modalities", [])) <= modalities
    for price in data.prices:
        assert (price.provider, price.model) in offers
        assert set(price.prices) <= set(PRICE_FIELDS)
        assert all(isinstance(amount, Decimal) for amount in price.prices.values())
    assert len(offers) == len(data.offers)


def test_load_is_deterministic_and_sorted():
    first, second = llm_stats.load(), llm_stats.load()
    assert first == second
    assert [(o.provider, o.key) for o in first.offers] == sorted((o.provider, o.key) for o in first.offers)
    assert [b.key for b in first.benchmarks] == sorted(b.key for b in first.benchmarks)
    assert [p.key for p in first.providers] == sorted(p.key for p in first.providers)


def test_source_info_credits_the_licence_and_says_the_data_was_changed():
    info = llm_stats.INFO
    assert (info.name, info.version, info.snapshot_date) == ("llm-stats", "872b75f", date(2025, 10, 24))
    assert (info.licence, info.licence_url) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    assert "LLM Stats (llm-stats.com), CC BY 4.0" in info.attribution
    assert "changed" in info.attribution


def test_the_licence_and_note_ship_next_to_the_data():
    assert "Creative Commons Attribution 4.0" in (DATA / "LICENSE.md").read_text()
    note = (DATA / "NOTE.md").read_text()
    assert "JonathanChavezTamales/llm-leaderboard" in note and "872b75f" in note
    assert "LLM Stats (llm-stats.com), CC BY 4.0" in note
    assert not (DATA / "schemas").exists()
