"""Browser tests: Debian's Chromium, driven by Playwright, against a real server process.

The server runs `manage.py runserver` on its own database (created, migrated and loaded with
tests/browser/data.py for the session, dropped after) and its own Redis database, so what the
browser sees was committed, as in production, while the rest of the suite keeps its
per-test transactions. Screenshots go to test-artifacts/screenshots/ (not committed).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.server import app_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
REDIS_DB = 4


@pytest.fixture(scope="session")
def site_server():
    """The browser tests' server (tests/server.py): its URL, environment and manage.py."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/ensure_system.sh chromium)")
    load = ("shell", "-c", "from tests.browser.data import load; load()")
    with app_server("aigo_browser", redis_db=REDIS_DB, setup=[load]) as server:
        yield server


@pytest.fixture(scope="session")
def site(site_server):
    """(base URL, database DSN) of the browser tests' server."""
    return site_server.url, site_server.env["DATABASE_URL"]


# Per module, not per session: sync Playwright keeps an event loop running while it is open,
# which the suite's asyncio tests (run after these) cannot share.
@pytest.fixture(scope="session")
def site_url(site):
    return site[0]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(base_url=site_url, viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
