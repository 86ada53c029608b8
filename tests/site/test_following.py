"""Following models without an account: the private page and feed, and the daily email."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core import mail

from aigo.site.digests import digests_send
from catalog.models import Pricing
from subscriptions.models import Subscription
from tests.catalog.factories import AIModelFactory, PricingFactory
from tests.db import no_change_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner_session")]  # no_change_events

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def models():
    with no_change_events():  # made before the changes followed
        gpt = AIModelFactory(slug="gpt-4o", name={"en-US": "GPT-4o"})
        AIModelFactory(slug="claude", name={"en-US": "Claude"})
        PricingFactory(model=gpt, input_per_million=Decimal("2.50"))
    return gpt


def _follow(client, slug: str):
    return client.post("/en-US/follow/", {"model": slug})


def test_following_from_the_model_page_gives_a_private_page_that_grows(client, models):
    assert 'action="/en-US/follow/"' in client.get("/en-US/models/gpt-4o/").content.decode()

    first = _follow(client, "gpt-4o")
    page = first["Location"]
    assert re.fullmatch(r"/en-US/following/[-\w]{43}/", page) and first.cookies["aigo_follow"]["httponly"]
    assert _follow(client, "claude")["Location"] == page  # the cookie: the same subscription
    assert Subscription.objects.get().model_slugs == ["gpt-4o", "claude"]

    response = client.get(page)
    html = response.content.decode()
    assert "GPT-4o" in html and "Claude" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow" and response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"


def test_forms_from_other_sites_and_unknown_addresses_are_refused(client, models):
    assert client.post("/en-US/follow/", {"model": "gpt-4o"}, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert _follow(client, "no-such-model").status_code == 404
    assert client.get("/en-US/following/guess/").status_code == 404
    assert client.get("/changes/feed/private/guess/atom.xml").status_code == 404
    assert not Subscription.objects.exists()


def test_the_private_feed_has_the_followed_models_changes_only(client, models):
    page = _follow(client, "gpt-4o")["Location"]
    token = page.split("/")[-2]
    Pricing.objects.filter(model=models).update(input_per_million=Decimal("2.00"))
    PricingFactory(model=AIModelFactory(slug="other"), input_per_million=Decimal("9"))

    response = client.get(f"/changes/feed/private/{token}/atom.xml")

    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["GPT-4o: new price"]
    assert response["Referrer-Policy"] == "no-referrer"
    client.post(f"{page}unfollow/", {"model": "gpt-4o"})
    assert ET.fromstring(client.get(f"/changes/feed/private/{token}/atom.xml").content).findall(f"{ATOM}entry") == []


def test_a_confirmed_address_gets_one_digest_with_the_news_then_can_stop(client, models):
    page = _follow(client, "gpt-4o")["Location"]
    assert client.post(f"{page}email/", {"email": "not an address"})["Location"].endswith("?notice=bad-email")
    client.post(f"{page}email/", {"email": "reader@example.com"})
    [confirmation] = mail.outbox
    link = re.search(r"http://testserver(/\S+/confirm/\S+/)", confirmation.body).group(1)
    assert digests_send() == 0  # not confirmed yet
    assert client.get(link)["Location"].endswith("?notice=confirmed")
    assert client.get(link.replace("/confirm/", "/confirm/x")).get("Location", "").endswith("?notice=bad-link")

    Pricing.objects.filter(model=models).update(input_per_million=Decimal("2.00"))
    assert digests_send() == 1
    digest = mail.outbox[-1]
    assert digest.to == ["reader@example.com"] and digest.subject == "AI-GO: 1 change to the models you follow"
    assert "GPT-4o: new price" in digest.body and "$2.50 → $2.00 (-20.0 %)" in digest.body
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{page}>"
    assert digests_send() == 0  # sent once

    client.post(f"{page}email/stop/")
    assert Subscription.objects.get().email == ""
