"""Every locale in a real browser: the home and a model page, a screenshot of each, with the
document's language, the title and the navigation in that language and prices in its currency."""

import pytest
from django.conf import settings
from django.utils.translation import gettext
from playwright.sync_api import expect

from aigo.i18n import translated

pytestmark = pytest.mark.browser
NAV = [
    *("Home", "Models", "Compare", "Price calculator", "Leaderboards"),
    *("Providers", "Status", "News", "Lifecycle", "What changed"),
]
# Comet Pro's $3.00 input price in each locale's own currency (rates in tests/browser/data.py).
PRICES = {
    "en-US": "$3.00",
    "zh-CN": "¥21.27",
    "zh-TW": "$96.82",
    "ja-JP": "￥450",
    "ko-KR": "₩4,090.91",
    "de-DE": "2,73\xa0€",
    "fr-FR": "2,73\xa0€",
    "es-ES": "2,73\xa0€",
}


def _in(locale: str, text: str) -> str:
    with translated(locale):
        return gettext(text)


def _reads_in(page, locale: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.locator(".site-nav a")).to_have_text([_in(locale, label) for label in NAV])


@pytest.mark.parametrize("locale", settings.AIGO_LOCALES)
def test_each_locale_reads_in_its_own_language(page, screenshot, locale):
    page.goto(f"/{locale}/")
    _reads_in(page, locale)
    expect(page).to_have_title(f"{_in(locale, 'AI models: prices, benchmarks, status and news')} · AI-GO")
    screenshot(f"home-{locale}")

    page.goto(f"/{locale}/models/comet-pro/")
    _reads_in(page, locale)
    expect(page.get_by_role("heading", name=_in(locale, "Prices"), exact=True)).to_be_visible()
    expect(page.locator("body")).to_contain_text(PRICES[locale])
    screenshot(f"model-{locale}")
