"""Dated exports: written in three formats that read back to the same rows, listed by the API,
rebuilt as the catalog stood on a past day, pruned."""

import csv
import datetime
import hashlib
import json
from decimal import Decimal

import orjson
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.exports import export_build, exports_prune
from catalog.exports.build import exports_root
from catalog.models import AIModel, BenchmarkScore, Pricing, Provider
from tests.catalog.factories import AIModelFactory, BenchmarkScoreFactory, PricingFactory
from tests.db import no_change_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner_session")]  # no_change_events

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def catalog():
    """gpt-4o with a price and a score, all made two months ago."""
    long_ago = timezone.now() - datetime.timedelta(days=60)
    with no_change_events():
        gpt = AIModelFactory(slug="gpt-4o", context_window=128000)
        PricingFactory(model=gpt, input_per_million=Decimal("2.50"), effective_from=TODAY - datetime.timedelta(days=60))
        BenchmarkScoreFactory(model=gpt, evaluation_date=TODAY - datetime.timedelta(days=60))
        for table in (Provider, AIModel, Pricing, BenchmarkScore):
            table.objects.update(created_at=long_ago)
    return gpt


def test_an_export_round_trips_in_every_format(catalog):
    manifest = export_build()

    folder = exports_root() / TODAY.isoformat()
    assert json.loads((folder / "manifest.json").read_text()) == manifest
    assert {source["name"] for source in manifest["sources"]} == {
        "genai-prices",
        "models.dev",
        "model-prices",
        "llm-stats",
        "litellm",
    }
    assert any("CC BY" in source["licence"] for source in manifest["sources"])
    for name, table in manifest["tables"].items():
        for entry in table["files"].values():
            assert hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            from_csv = list(csv.DictReader(handle))
        from_jsonl = [orjson.loads(line) for line in (folder / f"{name}.jsonl").read_bytes().splitlines()]
        from_parquet = pq.read_table(folder / f"{name}.parquet").to_pylist() if table["rows"] else []
        assert len(from_csv) == len(from_jsonl) == len(from_parquet) == table["rows"]
        assert from_jsonl == from_parquet
    assert manifest["tables"]["models"]["rows"] == 1 and manifest["tables"]["benchmark_scores"]["rows"] == 1


def test_a_past_day_is_rebuilt_from_the_price_history_and_the_change_events(catalog):
    AIModel.objects.filter(pk=catalog.pk).update(context_window=200000, deprecated_at=TODAY)
    Pricing.objects.filter(model=catalog).update(effective_to=TODAY - datetime.timedelta(days=1))
    PricingFactory(model=catalog, input_per_million=Decimal("2.00"), effective_from=TODAY)

    past = export_build(TODAY - datetime.timedelta(days=1))
    now = export_build(TODAY)

    def rows(manifest, table):
        path = exports_root() / manifest["as_of"] / f"{table}.jsonl"
        return [orjson.loads(line) for line in path.read_bytes().splitlines()]

    # The events are dated now: "yesterday" is before them, so they are undone.
    [before] = rows(past, "models")
    [after] = rows(now, "models")
    assert (before["context_window"], before["deprecated_at"]) == (128000, None)
    assert (after["context_window"], after["deprecated_at"]) == (200000, TODAY.isoformat())
    assert [(row["input_per_million"], row["in_effect"]) for row in rows(past, "prices")] == [("2.5000", True)]
    assert [(row["input_per_million"], row["in_effect"]) for row in rows(now, "prices")] == [
        ("2.5000", False),
        ("2.0000", True),
    ]
    assert rows(past, "benchmark_scores") and rows(past, "providers")


def test_the_command_and_the_api_list_exports_with_their_files(client, catalog):
    call_command("export_catalog", "--as-of", TODAY.isoformat())

    [listed] = client.get("/api/v1/exports/").json()
    assert listed["as_of"] == TODAY.isoformat()
    url = listed["tables"]["models"]["files"]["parquet"]["url"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert (
        hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
        == (listed["tables"]["models"]["files"]["parquet"]["sha256"])
    )
    assert client.get(f"/exports/{TODAY.isoformat()}/../../secret").status_code == 404
    assert client.get(f"/exports/{TODAY.isoformat()}/passwords.csv").status_code == 404


def test_old_exports_are_pruned(catalog, settings):
    settings.AIGO_EXPORT_RETENTION_DAYS = 30
    export_build(TODAY - datetime.timedelta(days=31))
    export_build(TODAY)

    assert exports_prune() == 1
    assert [path.name for path in exports_root().iterdir()] == [TODAY.isoformat()]
