"""What a visitor and an editor do, in a real browser (Chromium), against a real server."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.data import EDITOR

pytestmark = pytest.mark.browser


def test_a_visitor_filters_the_catalog_and_opens_a_model(page, screenshot):
    page.goto("/en-US/models/")
    page.select_option("#f-provider", ["openai"])
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"provider=openai"))
    rows = page.locator("tbody th[scope=row] a")
    expect(rows).to_have_count(2)
    screenshot("catalog-filtered")
    page.get_by_role("link", name="Atlas Mini").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atlas Mini")
    expect(page.locator("body")).to_contain_text("$0.15")
    screenshot("model")


def test_a_visitor_switches_to_chinese_and_to_yen(page, screenshot):
    page.goto("/en-US/models/comet-pro/")
    page.select_option("#pref-locale", "zh-CN")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/zh-CN/models/comet-pro/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("彗星 专业版")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="价格", exact=True)).to_be_visible()  # "Prices", translated
    screenshot("model-zh-CN")
    page.select_option("#pref-currency", "JPY")
    page.get_by_role("button", name="保存").click()
    # 3.00 USD at 165 JPY / 1.10 USD per EUR = 450 JPY, with the original beside it.
    expect(page.locator("body")).to_contain_text("JP¥450")
    expect(page.locator("body")).to_contain_text("US$3.00")  # the price as published, beside its conversion
    expect(page.locator("body")).to_contain_text("1 USD = 150 JPY")
    screenshot("model-zh-CN-JPY")


def test_a_visitor_compares_three_models(page, screenshot):
    page.goto("/en-US/compare/?models=atlas-large,comet-pro")
    page.fill("#c-add", "nova")
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(r"models=atlas-large,comet-pro,nova-flash"))
    expect(page.locator("thead th")).to_have_count(3)
    screenshot("compare")


def test_a_visitor_opens_the_status_page_and_an_incident(page, screenshot):
    page.goto("/en-US/status/")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Atlas Mini")  # the degraded model comes first
    expect(first_row).to_contain_text("Down")
    screenshot("status")
    page.get_by_role("link", name="Elevated errors in eu-west").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Elevated errors in eu-west")
    expect(page.locator("ol li")).to_have_count(2)
    screenshot("incident")


def test_a_visitor_reads_a_news_article_and_searches_with_a_typo(page, screenshot):
    page.goto("/en-US/")
    screenshot("home")
    page.get_by_role("link", name="Comet Pro launches").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comet Pro launches")
    expect(page.locator("article strong").last).to_have_text("fast")
    screenshot("article")
    page.fill("#site-search", "comit pro")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Comet Pro", exact=True)).to_be_visible()
    screenshot("search")


def test_keyboard_users_reach_the_content_and_see_where_focus_is(page):
    page.goto("/en-US/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"


def test_an_editor_renames_a_model_in_chinese_and_the_site_shows_it(page, screenshot):
    page.goto("/admin/login/")
    page.fill("#id_username", EDITOR[0])
    page.fill("#id_password", EDITOR[1])
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/catalog/aimodel/?q=nova-flash")
    page.locator("#result_list tbody tr a").first.click()
    page.fill("input[name='name_zh-CN']", "新星 闪电 二代")
    screenshot("admin-model")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto("/zh-CN/models/nova-flash/")
    expect(page.get_by_role("heading", level=1)).to_have_text("新星 闪电 二代")


@pytest.mark.parametrize("path", ["/en-US/", "/zh-CN/models/", "/en-US/models/comet-pro/", "/ja-JP/status/"])
def test_pages_fit_a_phone_screen(browser, site_url, path):
    context = browser.new_context(base_url=site_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(path)
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    name = path.strip("/").replace("/", "-") or "root"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)
    context.close()
