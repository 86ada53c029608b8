"""The Lifecycle page and its feeds: upcoming retirements, the latest releases and deprecations,
each linking to the model's page, the same events as an iCalendar file and as Atom entries."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import AIModel, CanonicalModel
from tests.catalog.factories import AIModelFactory, CanonicalModelFactory, ProviderFactory, SourceValueFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _canonical(slug: str, maker, **dates):
    return CanonicalModelFactory(
        slug=slug, key=f"{maker.slug}/{slug}", name={"en-US": slug.title()}, maker=maker, **dates
    )


@pytest.fixture
def timeline():
    today = timezone.localdate()
    days = lambda n: today + timedelta(days=n)  # noqa: E731
    maker, reseller = ProviderFactory(slug="maker", name="Maker"), ProviderFactory(slug="reseller", name="Reseller")
    successor = _canonical("successor", maker, released_at=days(-30))
    AIModelFactory(slug="successor-api", provider=maker, canonical_model=successor)
    soon = _canonical(
        "retiring-soon", maker, released_at=days(-400), deprecated_at=days(-20), sunset_at=days(10), successor=successor
    )
    AIModelFactory(slug="aaa-resold", provider=reseller, canonical_model=soon)
    AIModelFactory(slug="zzz-own", provider=maker, canonical_model=soon)
    later = _canonical("retiring-later", maker, sunset_at=days(100))
    AIModelFactory(slug="later-resold", provider=reseller, canonical_model=later)
    _canonical("unoffered", maker, sunset_at=days(50))
    _canonical("retiring-next-year", maker, sunset_at=days(200))
    _canonical("retired-yesterday", maker, sunset_at=days(-1))
    _canonical("fresh", maker, released_at=days(-5))
    _canonical("old-news", maker, released_at=days(-120), deprecated_at=days(-100))
    _canonical("announced", maker, released_at=days(90))  # a release date still to come
    return {"today": today, "soon": soon, "later": later, "successor": successor}


def test_a_retirement_links_its_makers_notice_not_a_resellers(client, timeline):
    own, resold = (AIModel.objects.get(slug=slug) for slug in ("zzz-own", "later-resold"))
    SourceValueFactory(source="litellm", target_id=own.pk, field="lifecycle_url", value="https://maker.example/retired")
    SourceValueFactory(source="litellm", target_id=resold.pk, field="lifecycle_url", value="https://reseller.example/x")
    retirements = _section(client.get("/en-US/lifecycle/").content.decode(), "retirements")
    row = retirements[: retirements.index("Retiring-Soon")]  # its date cell comes first
    assert '<a href="https://maker.example/retired" rel="nofollow noopener">notice</a>' in row
    # The reseller's notice dates its own offer, not the model: Retiring-Later has none.
    assert retirements.count(">notice</a>") == 1 and "reseller.example" not in retirements


def _section(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_retirements_come_soonest_first_and_link_to_the_model_and_the_successor(client, timeline):
    html = client.get("/en-US/lifecycle/").content.decode()
    retirements = _section(html, "retirements")
    assert retirements.index("Retiring-Soon") < retirements.index("Unoffered") < retirements.index("Retiring-Later")
    assert "Retiring-Next-Year" not in html and "Retired-Yesterday" not in html
    assert '<a href="/en-US/models/c/retiring-soon/">Retiring-Soon</a>' in retirements
    assert '<a href="/en-US/models/c/successor/">Successor</a>' in retirements
    assert '<a href="/en-US/models/c/retiring-later/">Retiring-Later</a>' in retirements
    # No provider offers it: no page to link to.
    assert re.search(r'<th scope="row">Unoffered\s*</th>', retirements) and "/models/c/unoffered" not in html


def test_the_latest_releases_and_deprecations_come_newest_first(client, timeline):
    html = client.get("/en-US/lifecycle/").content.decode()
    releases = _section(html, "releases")
    names = ["Fresh", "Successor", "Old-News", "Retiring-Soon"]
    assert [releases.index(name) for name in names] == sorted(releases.index(name) for name in names)
    assert "Announced" not in releases  # not out yet
    deprecations = _section(html, "deprecations")
    assert deprecations.index("Retiring-Soon") < deprecations.index("Old-News")


def test_a_deprecation_dated_by_a_sources_releases_reads_on_or_before(client, timeline):
    """Retiring-Soon's day is only the first of models.dev's releases marking its maker's offer deprecated
    (LLM Stats dating a reseller's offer that day says nothing of the maker's announcement); Old-News's
    maker announced it, as LLM Stats states."""
    own, resold = (AIModel.objects.get(slug=slug) for slug in ("zzz-own", "aaa-resold"))
    day = timeline["soon"].deprecated_at.isoformat()
    SourceValueFactory(source="models.dev", target_id=own.pk, field="deprecated_at", value=day)
    SourceValueFactory(source="genai-prices", target_id=own.pk, field="deprecated_at", value=day)
    SourceValueFactory(source="llm-stats", target_id=resold.pk, field="deprecated_at", value=day)
    old_news = CanonicalModel.objects.get(slug="old-news")
    old_news_api = AIModelFactory(slug="old-news-api", provider=old_news.maker, canonical_model=old_news)
    day = old_news.deprecated_at.isoformat()
    SourceValueFactory(source="llm-stats", target_id=old_news_api.pk, field="deprecated_at", value=day)
    SourceValueFactory(source="models.dev", target_id=old_news_api.pk, field="deprecated_at", value=day)

    html = client.get("/en-US/lifecycle/").content.decode()

    rows = _section(html, "deprecations").split("<tr>")
    soon_row, old_row = (next(row for row in rows if name in row) for name in ("Retiring-Soon", "Old-News"))
    assert "<td>on or before <time" in soon_row
    assert "on or before" not in old_row
    retiring = next(row for row in _section(html, "retirements").split("<tr>") if "Retiring-Soon" in row)
    assert "<td>on or before " in retiring
    # The model page says the same of the day it shows, and why in its sources.
    page = client.get("/en-US/models/c/retiring-soon/").content.decode()
    assert re.search(r"Deprecated</dt>\s*<dd[^>]*>\s*on or before ", page), page[page.find("Deprecated") :][:300]
    assert "On or before: the day a source&#x27;s release first marked it deprecated." in page
    summaries = re.findall(r"SUMMARY:(.*)\r\n", client.get("/en-US/lifecycle/calendar.ics").content.decode())
    assert "Deprecated (on or before this day): Retiring-Soon" in summaries
    assert "Deprecation announced: Old-News" in summaries


def test_the_latest_lists_stop_at_thirty(client, timeline):
    maker = ProviderFactory(slug="prolific")
    for index in range(35):
        _canonical(f"prolific-{index}", maker, released_at=timeline["today"] - timedelta(days=1))
    releases = _section(client.get("/en-US/lifecycle/").content.decode(), "releases")
    assert releases.count("<tr>") == 1 + 30 and "Fresh" not in releases


def test_the_lifecycle_page_is_in_the_nav_and_speaks_the_urls_locale(client, timeline):
    html = client.get("/ja-JP/").content.decode()
    assert 'href="/ja-JP/lifecycle/"' in html
    page = client.get("/ja-JP/lifecycle/")
    assert page.status_code == 200 and page["Content-Language"] == "ja-JP"
    assert '<a href="/ja-JP/models/c/retiring-soon/">' in page.content.decode()


def test_an_editors_new_retirement_date_shows_at_once(client, timeline, django_capture_on_commit_callbacks):
    assert "Retiring-Next-Year" not in client.get("/en-US/lifecycle/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        model = CanonicalModel.objects.get(slug="retiring-next-year")
        model.sunset_at = timeline["today"] + timedelta(days=3)
        model.save()
    assert "Retiring-Next-Year" in _section(client.get("/en-US/lifecycle/").content.decode(), "retirements")


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/en-US/lifecycle/", "/en-US/lifecycle/calendar.ics", "/en-US/lifecycle/atom.xml"])
def test_the_lifecycle_page_and_feeds_need_the_same_queries_whatever_the_rows(client, settings, timeline, path):
    settings.AIGO_RESPONSE_CACHE = False  # count what rendering costs, not a cache hit
    few = _queries(client, path)
    maker = ProviderFactory(slug="busy")
    for index in range(15):
        model = _canonical(
            f"busy-{index}",
            maker,
            released_at=timeline["today"] - timedelta(days=index + 1),
            deprecated_at=timeline["today"],
            sunset_at=timeline["today"] + timedelta(days=index),
            successor=timeline["successor"],
        )
        AIModelFactory(slug=f"busy-{index}-api", provider=maker, canonical_model=model)
    assert _queries(client, path) == few


def test_the_calendar_is_one_all_day_event_per_date_and_reads_back(client, timeline):
    icalendar = pytest.importorskip("icalendar")
    response = client.get("/en-US/lifecycle/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    today, soon = timeline["today"], timeline["soon"]
    assert set(events) == {
        "Retirement: Retiring-Soon",
        "Retirement: Unoffered",
        "Retirement: Retiring-Later",
        "Release: Fresh",
        "Release: Successor",
        "Release: Old-News",
        "Release: Retiring-Soon",
        "Deprecation announced: Retiring-Soon",
        "Deprecation announced: Old-News",
    }
    retirement = events["Retirement: Retiring-Soon"]
    start = retirement.decoded("DTSTART")
    assert type(start) is date and start == today + timedelta(days=10)  # all day, not a moment
    assert retirement.decoded("DTEND") == start + timedelta(days=1)
    assert str(retirement["UID"]) == f"{soon.pk}-retirement@ai-go"
    assert str(retirement["URL"]) == "http://testserver/en-US/models/c/retiring-soon/"
    assert "Successor: Successor" in str(retirement["DESCRIPTION"])
    assert str(events["Retirement: Unoffered"]["URL"]) == "http://testserver/en-US/lifecycle/"
    assert len({str(event["UID"]) for event in events.values()}) == len(events)
    assert events["Release: Fresh"].decoded("DTSTART") == today - timedelta(days=5)


def test_the_calendar_keeps_each_events_uid_when_its_date_moves(client, timeline, django_capture_on_commit_callbacks):
    icalendar = pytest.importorskip("icalendar")
    first = icalendar.Calendar.from_ical(client.get("/en-US/lifecycle/calendar.ics").content)
    soon = timeline["soon"]
    with django_capture_on_commit_callbacks(execute=True):
        soon.sunset_at = timeline["today"] + timedelta(days=20)
        soon.save()
    second = icalendar.Calendar.from_ical(client.get("/en-US/lifecycle/calendar.ics").content)

    def retirement(calendar):
        return next(event for event in calendar.walk("VEVENT") if event["UID"] == f"{soon.pk}-retirement@ai-go")

    assert retirement(first).decoded("DTSTART") == timeline["today"] + timedelta(days=10)
    assert retirement(second).decoded("DTSTART") == timeline["today"] + timedelta(days=20)


def test_the_atom_feed_has_the_calendars_events_as_entries(client, timeline):
    response = client.get("/en-US/lifecycle/atom.xml")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = {entry.findtext(f"{ATOM}id"): entry for entry in feed.iter(f"{ATOM}entry")}
    soon = timeline["soon"]
    assert len(entries) == 9
    retirement = entries[f"{soon.pk}-retirement@ai-go"]
    assert retirement.findtext(f"{ATOM}title").startswith("Retirement: Retiring-Soon (")
    assert retirement.find(f"{ATOM}link").get("href") == "http://testserver/en-US/models/c/retiring-soon/"
    assert feed.find(f"{ATOM}link").get("href") == "http://testserver/en-US/lifecycle/"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"


def test_the_page_points_to_its_feeds(client, timeline):
    html = client.get("/en-US/lifecycle/").content.decode()
    assert 'href="/en-US/lifecycle/calendar.ics"' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/en-US/lifecycle/atom.xml"' in html
