"""The "Data sources" and "Data quality" pages, linked from every page's footer: each source with
its licence, version and what the catalog takes from it; coverage and agreement as quality_report
computes them."""

import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import SourceImport
from catalog.quality import quality_report
from catalog.sources import SOURCES, source_info
from tests.catalog.factories import (
    AIModelFactory,
    CanonicalModelFactory,
    ProviderFactory,
    SourceValueFactory,
)
from tests.catalog.sourced import source_price, sourced_catalog
from tests.news.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _row(html: str, table_id: str, heading: str) -> list[str]:
    """The cells' text of the row of table `table_id` whose header cell says `heading`."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if cells and cells[0] == heading:
            return cells[1:]
    raise AssertionError(f"no row {heading!r} in {table_id}")


@pytest.fixture
def sourced():
    return sourced_catalog()


def test_the_data_sources_page_lists_each_source_with_its_licence_version_and_counts(client, sourced):
    html = client.get("/en-US/data-sources/").content.decode()
    for name in SOURCES:
        info = source_info(name)
        section = html[html.index(f'id="source-{name.replace(".", "")}"') :]
        section = section[: section.index("</section>")]
        assert f'<a href="{info.url}" rel="external">{info.title}</a>' in section
        assert f'<a href="{info.licence_url}" rel="external license">{info.licence}</a>' in section
        assert f"<dd>{info.version}</dd>" in section
    text = _text(html)
    assert "Values in the catalog 12 Model offers described 3 Benchmark scores 0" in text  # models.dev
    assert "Values in the catalog 4 Model offers described 2 Benchmark scores 1" in text  # LLM Stats
    assert "Last import never imported" in text and " · failed " in text


def test_the_data_sources_page_gives_llm_stats_cc_by_attribution_and_the_policy(client):
    html = client.get("/en-US/data-sources/").content.decode()
    attribution = source_info("llm-stats").attribution
    assert "CC BY 4.0" in attribution and attribution in htmllib.unescape(re.sub(r"<[^>]+>", "", html))
    assert '<a href="https://creativecommons.org/licenses/by/4.0/"' in html
    text = _text(html)
    assert "an editor's, else the one from the maker's own source" in text
    assert "prices are within 0.5 %, dates within 1 day and whole numbers are equal" in text


@pytest.mark.parametrize(
    "path", ["/en-US/", "/en-US/models/", "/en-US/models/footer-model/", "/en-US/news/", "/en-US/news/footer-story/"]
)
def test_every_page_links_the_data_sources_and_quality_pages_from_its_footer(client, path):
    AIModelFactory(slug="footer-model")
    NewsArticleFactory(slug="footer-story")
    html = client.get(path).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/en-US/data-sources/">Data sources</a>' in footer
    assert '<a href="/en-US/data-quality/">Data quality</a>' in footer


def test_the_data_quality_page_shows_the_reports_figures(client, sourced):
    html = client.get("/en-US/data-quality/").content.decode()
    report = {source.info.name: source for source in quality_report().sources}
    assert (
        report["llm-stats"].fields["released_at"].compared == 2 and report["llm-stats"].fields["released_at"].agree == 1
    )
    # genai-prices, models.dev, model-prices, LLM Stats, LiteLLM: coverage, then agreement of those compared
    assert _row(html, "quality-fields", "Release date") == [
        "–",
        "100.0% agrees 50.0% of 2 compared",
        "–",
        "100.0% agrees 50.0% of 2 compared",
        "–",
    ]
    assert _row(html, "quality-fields", "Context window") == ["–", "0.0%", "–", "0.0%", "–"]
    assert _row(html, "quality-sources", "models.dev 1.0.398")[:3] == ["12", "3", "0"]
    assert _row(html, "quality-prices", "acme") == ["2", "1", "50.0%"]
    assert _row(html, "quality-prices", "All providers") == ["2", "1", "50.0%"]
    text = _text(html)
    assert "Open 2 Resolved by an editor 1 Superseded by a source's change 1" in text
    assert "With a release date 50.0% With a release date, of those a source dates 50.0%" in text
    assert "Deprecated with their dates 0 of 0 With real benchmark scores 1" in text


def test_an_import_finishing_refreshes_the_data_pages(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        running = SourceImport.objects.create(source="model-prices", version="0.0.5")
    for path in ("/en-US/data-sources/", "/en-US/data-quality/"):
        assert "running" in client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        running.status = "done"
        running.save()
    for path in ("/en-US/data-sources/", "/en-US/data-quality/"):
        html = client.get(path).content.decode()
        assert "finished" in html and "running" not in html


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/en-US/data-sources/", "/en-US/data-quality/"])
def test_the_data_pages_need_the_same_queries_whatever_the_data(client, settings, sourced, path):
    settings.AIGO_RESPONSE_CACHE = False  # count what rendering costs, not a cache hit
    few = _queries(client, path)
    for index in range(10):
        provider = ProviderFactory(slug=f"more-{index}")
        offer = AIModelFactory(provider=provider, canonical_model=CanonicalModelFactory(maker=provider))
        SourceValueFactory(source="models.dev", field="base", value="x", target_id=offer.pk)
        source_price(offer, "genai-prices", "1")
        source_price(offer, "model-prices", "1")
    assert _queries(client, path) == few
