"""The published OpenAPI schema describes the API as it answers: its errors, who may call each
operation, the bounds and empty values of its parameters, and examples the API accepts."""

import pytest

from accounts.keys import api_key_issue
from tests.catalog.factories import AIModelFactory

pytestmark = pytest.mark.django_db
ERROR = "#/components/schemas/Error"
STATUS_READS = [
    "/api/v1/status/models/{slug}/",
    "/api/v1/status/models/{slug}/history",
    "/api/v1/status/models/{slug}/uptime",
    "/api/v1/status/rankings",
    "/api/v1/status/probes/nearest",
    "/api/v1/status/incidents/",
    "/api/v1/status/incidents/{id}/",
]


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _error_statuses(operation: dict) -> set[int]:
    return {int(code) for code in operation["responses"] if int(code) >= 400}


def test_every_operation_documents_its_errors_in_the_one_error_shape(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        statuses = _error_statuses(operation)
        assert {429, 503} <= statuses, where
        for status in statuses:
            content = operation["responses"][str(status)]["content"]
            assert content["application/json"]["schema"]["$ref"] == ERROR, (where, status)
        parameters = {parameter["in"] for parameter in operation.get("parameters", [])}
        if "query" in parameters or "requestBody" in operation:
            assert 400 in statuses, where
        if "path" in parameters:
            assert 404 in statuses, where
        if "requestBody" in operation:
            assert {413, 415} <= statuses, where
        if path != "/api/v1/events":  # the beacon reads no key: a stray Authorization header is ignored
            assert 401 in statuses, where
        if {} not in operation.get("security", [{}]) or method not in ("get", "head"):
            # a key is needed (or a write): a key without the scope gets 403
            needs_scope = path.startswith(("/api/v1/status/probes", "/api/v1/webhooks/", "/api/v1/analytics/"))
            assert (403 in statuses) == needs_scope, where
    assert "Retry-After" in schema["paths"]["/api/v1/models/"]["get"]["responses"]["429"]["headers"]
    assert 409 in _error_statuses(schema["paths"]["/api/v1/webhooks/"]["post"])
    assert 404 in _error_statuses(schema["paths"]["/api/v1/models/"]["get"])  # a page past the last


def test_the_error_shape_is_the_one_the_api_answers(schema, client):
    shape = schema["components"]["schemas"]["ErrorDetail"]
    body = client.get("/api/v1/models/", {"page_size": "x"}).json()
    assert set(body) == {"error"} and set(body["error"]) == set(shape["properties"]) == set(shape["required"])


def test_status_reads_are_documented_as_open_to_anonymous_clients_and_any_key(schema):
    for path in STATUS_READS:
        operation = schema["paths"][path]["get"]
        assert {} in operation["security"], path
        assert 403 not in _error_statuses(operation), path


def test_page_size_bounds_in_the_schema_are_the_ones_the_api_enforces(schema, client):
    checked = 0
    for path, _method, operation in operations(schema):
        sizes = [p["schema"] for p in operation.get("parameters", []) if p["name"] == "page_size"]
        if not sizes or "{" in path or "webhooks" in path:
            continue
        low, high = sizes[0]["minimum"], sizes[0]["maximum"]
        assert low == 1
        assert client.get(path, {"page_size": low - 1}).status_code == 400, path
        assert client.get(path, {"page_size": low}).status_code == 200, path
        assert client.get(path, {"page_size": high}).status_code == 200, path
        assert client.get(path, {"page_size": high + 1}).status_code == 400, path
        checked += 1
    assert checked >= 5


def test_an_optional_text_parameter_sent_empty_is_left_out_as_the_schema_says(schema, client):
    """An empty value is what a form or a URL template sends for "no filter": the API ignores it, and
    the schema says so (allowEmptyValue) instead of forbidding it (minLength, pattern, enum)."""
    checked = 0
    for path, method, operation in operations(schema):
        if method != "get" or "{" in path or "webhooks" in path or "analytics" in path:
            continue
        if any(parameter.get("required") for parameter in operation.get("parameters", [])):
            continue  # compare, search, nearest: the required parameter has its own tests
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or parameter.get("required") or parameter["schema"].get("type") != "string":
                continue
            where = f"{path}?{parameter['name']}="
            assert parameter.get("allowEmptyValue") is True, where
            response = client.get(path, {parameter["name"]: ""})
            assert response.status_code == 200, (where, response.content[:200])
            checked += 1
    assert checked >= 20


def test_the_probe_ingestion_example_is_accepted(schema, client):
    AIModelFactory(slug="gpt-4")
    _key, raw = api_key_issue(name="prober", scopes=["write:status"])
    body = schema["paths"]["/api/v1/status/probes"]["post"]["requestBody"]["content"]["application/json"]
    example = next(iter(body["examples"].values()))["value"]
    response = client.post(
        "/api/v1/status/probes", example, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 201, response.content
    assert response.json()["stored"] == 1
