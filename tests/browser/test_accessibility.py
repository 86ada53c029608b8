"""axe-core (the accessibility engine browsers' audits use) finds no WCAG 2.1 A/AA violation:
labels, landmarks, contrast, language, names of links and buttons."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

PAGES = [
    "/en-US/",
    "/en-US/models/",
    "/zh-CN/models/comet-pro/",
    "/en-US/models/c/comet-pro/",
    "/en-US/compare/?models=atlas-large,comet-pro",
    "/en-US/calculator/?models=atlas-mini&input_tokens=1000000",
    "/ja-JP/status/",
    "/en-US/status/atlas-mini/",
    "/en-US/incidents/",
    "/en-US/leaderboards/",
    "/en-US/providers/openai/",
    "/zh-CN/news/comet-pro-launch/",
    "/en-US/search/?q=comet",
    "/en-US/no-such-page/",
    "/en-US/lifecycle/",
    "/ja-JP/data-sources/",
    "/en-US/data-quality/",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(page, path):
    page.goto(path)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
