"""Browser tests: Debian's Chromium, driven by Playwright, against a real server process.

The server runs `manage.py runserver` on its own database (created, migrated and loaded with
tests/browser/data.py for the session, dropped after) and its own Redis database, so what the
browser sees was committed, as in production, while the rest of the suite keeps its
per-test transactions. Screenshots go to test-artifacts/screenshots/ (not committed).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
REDIS_DB = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_dsn() -> dict:
    owner = settings.DATABASE_OWNER
    return {"host": owner["HOST"], "port": owner["PORT"], "user": owner["USER"], "dbname": "postgres"}


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def site():
    """(base URL, database DSN) of the browser tests' server."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/ensure_system.sh chromium)")
    name = f"aigo_browser_{os.getpid()}"
    admin = _admin_dsn()
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis_url = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aigo.settings.test",
        "DATABASE_URL": f"postgres://{admin['user']}@{admin['host']}:{admin['port']}/{name}",
        "REDIS_URL": redis_url,
    }
    port = _free_port()
    server = None
    try:
        redis.Redis.from_url(redis_url).flushdb()
        _manage(env, "migrate", "--noinput")
        _manage(env, "shell", "-c", "from tests.browser.data import load; load()")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the browser tests' server did not start") from None
                time.sleep(0.2)
        yield base, env["DATABASE_URL"]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
