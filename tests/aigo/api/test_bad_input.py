"""Hand-made bad input to the API (issue 15): a clear 4xx in the one JSON error shape, never a 500."""

import json

import orjson
import pytest
from django.test import Client

from accounts.audit import MAX_LOGGED_DEPTH, _scrub, request_data
from aigo.api.bad_input import MAX_BODY_DEPTH, json_depth_exceeds
from aigo.db.values import JSON_MAX_DEPTH, jsonb_problem
from tests.db import sql as _sql

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
PREFERENCES = "/api/v1/me/preferences"


@pytest.fixture
def api():
    """A client that answers what a real client would get instead of raising the server's exception."""
    return Client(raise_request_exception=False)


def _nested(depth: int, leaf="x") -> str:
    return "[" * depth + json.dumps(leaf) + "]" * depth


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def _descend(value) -> tuple[int, object]:
    """How many containers deep the first leaf is, and the leaf."""
    depth = 0
    while isinstance(value, dict | list):
        value, depth = next(iter(value.values())) if isinstance(value, dict) else value[0], depth + 1
    return depth, value


def _stored_preferences() -> int:
    return _sql("SELECT count(*) FROM user_preferences")[0][0]


# -- D6: deeply nested JSON bodies ----------------------------------------------------------


@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_body_nested_a_thousand_deep_is_refused_before_the_view(api, method):
    response = getattr(api, method)(PREFERENCES, _nested(1000), content_type="application/json")
    assert _error(response, 400)["code"] == "too_deeply_nested"
    assert _stored_preferences() == 0


def test_the_depth_bound_holds_for_every_json_type_and_endpoint(api):
    deep = '{"events": ' + _nested(MAX_BODY_DEPTH) + "}"
    for content_type in ("application/json", "text/plain", "application/json; charset=utf-8"):
        assert _error(api.post("/api/v1/events", deep, content_type=content_type), 400)["code"] == "too_deeply_nested"
    probes = api.post("/api/v1/status/probes", _nested(MAX_BODY_DEPTH + 1), content_type="application/x-ndjson")
    assert _error(probes, 400)["code"] == "too_deeply_nested"


def test_brackets_inside_strings_do_not_count_towards_the_depth():
    quoted = json.dumps({"text": "[" * 5000 + '\\"{' * 100})
    assert not json_depth_exceeds(quoted.encode(), 10)
    assert json_depth_exceeds(_nested(11).encode(), 10) and not json_depth_exceeds(_nested(10).encode(), 10)


def _depth(text: str) -> int:
    """The reference: the deepest running count of brackets, outside strings (text without escapes)."""
    depth = deepest = 0
    for index, part in enumerate(text.split('"')):
        if index % 2 == 0:
            for char in part:
                depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(char, 0)
                deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize(
    "text",
    [
        '{"probes": [' + ",".join(['{"a": 1, "m": {"b": [2]}}'] * 40) + "]}",  # shallow: told by replaces
        "[{}]" * 20 + "[[{[{}]}]]",
        "{[" * 9 + "]}" * 9,  # deeper than the replaces tell: counted
        "{]" * 30,  # mismatched pairs stay: counted
        "[[[[" * 10,  # never closed
        '[{"k": "{{{{[[[["}]' * 15,
    ],
)
@pytest.mark.parametrize("limit", [3, 4, 5, 12, 40])
def test_the_depth_is_told_as_the_brackets_nest_whichever_way_it_is_found(text, limit):
    assert json_depth_exceeds(text.encode(), limit) == (_depth(text) > limit)


def test_a_body_nested_below_the_bound_is_answered_and_logged(api):
    # Allowed through (300 < 512), refused by validation; the request log keeps a summary of it.
    body = json.dumps({"display_preferences": {"a": json.loads(_nested(300))}})
    response = api.patch(PREFERENCES, body, content_type="application/json")
    assert _error(response, 400)["details"]["fields"]["display_preferences"] == [
        f"At most {JSON_MAX_DEPTH} levels of nesting."
    ]
    logged = json.loads(_sql("SELECT request_data FROM audit_logs")[0][0])
    assert _descend(logged) == (MAX_LOGGED_DEPTH, "[nested too deep]")


def test_the_request_log_scrubber_walks_any_depth_without_recursion(rf):
    request = rf.post("/api/v1/anything", content_type="application/json")
    body = json.dumps({"token": "s3cret", "a": [{"password": "x", "b": 1}, "c"], "d": None}).encode()
    assert request_data(request, body) == {
        "token": "[redacted]",
        "a": [{"password": "[redacted]", "b": 1}, "c"],
        "d": None,
    }
    data = {}
    for _ in range(100_000):
        data = {"next": data}
    assert _descend(_scrub(data)) == (MAX_LOGGED_DEPTH, "[nested too deep]")


# -- D7: values jsonb refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"a\\u0000b"', "Must not contain the character U+0000."),
        ('{"a\\u0000": 1}', "Must not contain the character U+0000."),
        ('"\\ud800"', "Must not contain unpaired surrogates (U+D800 to U+DFFF)."),
        ('["\\udfff x"]', "Must not contain unpaired surrogates (U+D800 to U+DFFF)."),
        ("1e999", "Numbers must be finite."),
        ("-1e999", "Numbers must be finite."),
    ],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_display_preferences_jsonb_would_refuse_are_a_400(api, method, value, message):
    body = {"display_preferences": None}
    if method == "put":
        body = {"preferred_locale": "en-US", "preferred_region": None, "preferred_currency": "EUR"}
        body |= {"favorite_models": [], "display_preferences": None}
    text = json.dumps(body).replace('"display_preferences": null', f'"display_preferences": {{"theme": {value}}}')
    response = getattr(api, method)(PREFERENCES, text, content_type="application/json")
    assert _error(response, 400)["details"]["fields"] == {"display_preferences": [message]}
    assert _stored_preferences() == 0
    # The request log keeps its row, without the value jsonb would refuse there too.
    assert _sql("SELECT response_status FROM audit_logs") == [(400,)]


def test_a_paired_surrogate_and_ordinary_numbers_are_stored(api):
    text = '{"display_preferences": {"emoji": "\\ud83d\\ude00", "size": 1e300, "n": [1, 2.5]}}'
    response = api.patch(PREFERENCES, text, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["display_preferences"] == {"emoji": "😀", "size": 1e300, "n": [1, 2.5]}


def test_jsonb_problem_names_nothing_in_ordinary_values():
    assert jsonb_problem({"a": [1, 2.5, "text", None, True, {"b": "ü"}]}) is None
    deepest, too_deep = json.loads(_nested(JSON_MAX_DEPTH)), json.loads(_nested(JSON_MAX_DEPTH + 1))
    assert jsonb_problem(deepest) is None and orjson.dumps(deepest)
    assert jsonb_problem(too_deep) == f"At most {JSON_MAX_DEPTH} levels of nesting."
    with pytest.raises(orjson.JSONEncodeError):  # the bound is orjson's
        orjson.dumps(too_deep)


# -- D8: a % in a filter value --------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ("active", "Use true or false, not '%'."),
        ("capability", "Unknown value %; choose from "),
        ("modality", "Unknown value %; choose from "),
    ],
)
def test_a_percent_sign_in_a_filter_value_is_a_400_naming_it(api, parameter, message):
    response = api.get(f"/api/v1/models/?{parameter}=%25")
    assert _error(response, 400)["details"]["fields"][parameter][0].startswith(message)


def test_percent_formatting_in_a_value_stays_literal(api):
    response = api.get("/api/v1/models/?active=%25s%25(x)s")
    assert _error(response, 400)["details"]["fields"]["active"] == ["Use true or false, not '%s%(x)s'."]


# -- D9: NUL bytes in parameters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/models/?provider=%00", "provider"),
        ("/api/v1/models/?q=a%00b", "q"),
        ("/api/v1/providers/?x%00=1", "x\x00"),
        ("/api/v1/search/?q=%00", "q"),
        ("/api/v1/news/?category=%00", "category"),
        ("/api/v1/status/incidents/?model=%00", "model"),
        ("/api/v1/compare/?models=gpt-4,%00", "models"),
    ],
)
def test_a_nul_byte_in_any_api_parameter_is_a_400_naming_it(api, url, parameter):
    error = _error(api.get(url), 400)
    assert error["code"] == "invalid"
    assert error["details"]["fields"] == {parameter: ["Null characters are not allowed."]}


def test_a_nul_byte_in_an_api_path_is_a_400(api):
    assert _error(api.get("/api/v1/providers/a%00b/"), 400)["details"]["fields"] == {
        "path": ["Null characters are not allowed."]
    }


# -- D13: every /api/ response is the JSON shape --------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_ten_megabyte_body_is_a_json_413(api, method, settings):
    body = json.dumps({"display_preferences": {"a": "x" * 10_000_000}})
    error = _error(getattr(api, method)(PREFERENCES, body, content_type="application/json"), 413)
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


@pytest.mark.parametrize("debug", [False, True])
def test_an_unhandled_exception_under_the_api_is_a_json_500(api, monkeypatch, settings, debug):
    settings.DEBUG = debug

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("accounts.preferences_api.Preferences.get", broken)
    error = _error(api.get(PREFERENCES), 500)
    assert error == {"code": "internal_server_error", "message": "Internal Server Error.", "details": {}}


def test_an_unhandled_exception_on_the_site_keeps_the_html_500_page(api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("aigo.site.home.visitor_of", broken)
    response = api.get("/en-US/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_address_is_a_json_404(api, settings, debug):
    settings.DEBUG = debug
    assert _error(api.get("/api/v1/no-such-thing"), 404)["code"] == "not_found"
    assert _error(api.get("/api/v2/models/"), 404)["code"] == "not_found"


def test_a_wrong_method_is_a_json_405_with_its_allow_header(api):
    response = api.delete("/api/v1/models/")
    assert _error(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_the_site_keeps_its_html_404(api):
    response = api.get("/en-US/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
