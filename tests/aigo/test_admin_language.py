"""The admin speaks the editor's language: their browser's, or the one they pick in its header,
with the per-locale inputs named in it; the site and the API are not affected by the choice."""

import pytest
from django.utils import translation

from tests.catalog.factories import AIModelFactory

pytestmark = pytest.mark.django_db

# What a browser sends -> Django's catalog; every one ships the admin's own strings.
BROWSERS = {
    "en": "en",
    "zh-CN": "zh-hans",
    "zh-TW": "zh-hant",
    "ja": "ja",
    "ko": "ko",
    "de": "de",
    "fr": "fr",
    "es": "es",
}


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("header", BROWSERS)
def test_the_admin_follows_the_browsers_language(client, editor, header):
    language = BROWSERS[header]
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=f"{header},en;q=0.5")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == language
    assert f'<html lang="{language}"' in html
    assert _in(language, "Log out") in html  # Django's own string
    assert _in(language, "AI-GO editors") in html  # ours
    if language != "en":
        assert _in(language, "Log out") != "Log out" and _in(language, "AI-GO editors") != "AI-GO editors"


def test_an_editor_picks_the_admins_language_in_its_header(client, editor):
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'action="/admin/language/"' in page and '<option value="ko" lang="ko">한국어</option>' in page
    response = client.post("/admin/language/", {"language": "ko", "next": "/admin/"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    again = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de")
    assert again["Content-Language"] == "ko" and _in("ko", "Log out") in again.content.decode()


def test_the_login_page_speaks_it_too(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert _in("fr", "Log in") in html and _in("fr", "AI-GO editors") in html


def test_each_locales_input_is_named_in_the_editors_language_then_its_own(client, editor):
    model = AIModelFactory()
    editor.is_superuser = True
    editor.save()
    client.cookies["django_language"] = "de"
    html = client.get(f"/admin/catalog/aimodel/{model.pk}/change/").content.decode()
    assert "Japanisch (Japan) · 日本語" in html and "Chinesisch (Traditionell, Taiwan) · 繁體中文" in html
    assert "Deutsch (Deutschland)" in html and "Deutsch (Deutschland) ·" not in html


def test_the_admins_language_leaves_the_site_and_the_api_alone(client, editor):
    client.cookies["django_language"] = "de"
    page = client.get("/en-US/")
    assert page["Content-Language"] == "en-US" and "AI models, compared" in page.content.decode()
    assert "Accept-Language" not in page.get("Vary", "")
    error = client.get("/api/v1/models/", {"locale": "xx"}).json()["error"]
    assert error["code"] == "unknown_locale" and "Unknown locale" in error["message"]
