"""The audit trail (database triggers) and the request log (partitioned audit_logs)."""

import datetime
import json

import pytest
from django.db import ProgrammingError, transaction

from accounts.audit import audit_context_set
from aigo.db.partitions import partitions_ensure
from catalog.models import AIModel
from tests.admin_forms import change_form_data
from tests.catalog.factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    DocumentationFactory,
    PricingFactory,
    ProviderFactory,
)
from tests.db import sql as _sql

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]


def _trail(table: str, record_id) -> list[tuple]:
    rows = _sql(
        "SELECT action, user_id, old_values, new_values, host(ip_address), user_agent FROM audit_trail"
        " WHERE table_name = %s AND record_id = %s ORDER BY timestamp, id",
        [table, record_id],
    )
    return [
        (action, actor, json.loads(old) if old else None, json.loads(new) if new else None, ip, agent)
        for action, actor, old, new, ip, agent in rows
    ]


def test_catalog_writes_are_recorded_with_the_acting_user():
    audit_context_set(actor="user:7:editor", ip="203.0.113.9", user_agent="pytest")
    model = AIModelFactory(slug="m1", context_window=1000)
    model.context_window = 2000
    model.save()
    model.save()  # nothing changed: not recorded
    AIModel.objects.filter(pk=model.pk).delete()

    trail = _trail("models", model.pk)
    assert [row[0] for row in trail] == ["INSERT", "UPDATE", "DELETE"]
    assert {row[1] for row in trail} == {"user:7:editor"}
    assert trail[1][2]["context_window"] == 1000 and trail[1][3]["context_window"] == 2000
    assert trail[0][4] == "203.0.113.9" and trail[0][5] == "pytest"
    assert "search_vector" not in trail[0][3], "derived columns are left out"


def test_every_catalog_table_is_audited():
    audited = {
        table
        for (table,) in _sql(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE '%%_audit'"
        )
    }
    assert {
        "providers",
        "models",
        "model_endpoints",
        "pricing",
        "benchmark_suites",
        "benchmark_scores",
        "documentation",
        "api_keys",
    } <= audited


def test_every_audited_table_records_the_row_and_its_values():
    # Tables whose trigger leaves out no column once recorded NULL values (TG_ARGV was NULL).
    started = _sql("SELECT clock_timestamp()")[0][0]
    model = AIModelFactory()
    PricingFactory(model=model)
    BenchmarkScoreFactory(model=model)
    DocumentationFactory(model=model)
    model.endpoints.create(region="us-east", endpoint_url="https://api.example.com")
    _sql("INSERT INTO incidents (severity, status, title, started_at) VALUES ('minor', 'investigating', 'Slow', now())")
    _sql("UPDATE providers SET name = 'Renamed' WHERE id = %s", [model.provider_id])
    rows = _sql(
        "SELECT table_name, action, record_id, old_values, new_values FROM audit_trail WHERE timestamp >= %s", [started]
    )
    assert {table for table, *_ in rows} >= {
        "providers",
        "models",
        "pricing",
        "benchmark_scores",
        "documentation",
        "model_endpoints",
        "incidents",
    }
    for table, action, record_id, old, new in rows:
        assert record_id is not None and new is not None, (table, action)
        assert (old is not None) == (action == "UPDATE"), (table, action)


def test_api_key_digests_never_reach_the_trail():
    rows = _sql("SELECT tgargs FROM pg_trigger WHERE tgname = 'api_keys_audit'")
    assert b"key_hash" in bytes(rows[0][0])


def test_the_app_role_cannot_rewrite_or_erase_history():
    ProviderFactory()
    for statement in ["UPDATE audit_trail SET user_id = 'nobody'", "DELETE FROM audit_trail", "DELETE FROM audit_logs"]:
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            _sql(statement)


def test_an_admin_edit_names_the_editor_in_the_trail_and_the_request_log(admin_client, admin_user):
    model = AIModelFactory(slug="edited")
    url = f"/admin/catalog/aimodel/{model.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["context_window"] = "4096"
    response = admin_client.post(url, data, HTTP_USER_AGENT="Firefox/1", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302

    update = [row for row in _trail("models", model.pk) if row[0] == "UPDATE"][-1]
    assert update[1] == f"user:{admin_user.pk}:{admin_user.username}"
    assert update[3]["context_window"] == 4096 and update[4] == "198.51.100.4"

    log = _sql(
        "SELECT action, resource_type, resource_id, response_status, actor, host(ip_address), request_data"
        " FROM audit_logs ORDER BY id DESC LIMIT 1"
    )[0]
    assert log[0] == f"POST {url}" and log[1] == "admin:catalog_aimodel_change" and str(log[2]) == str(model.pk)
    assert log[3] == 302 and log[4] == update[1] and log[5] == "198.51.100.4"
    assert json.loads(log[6])["context_window"] == "4096"

    history = admin_client.get(f"/admin/catalog/aimodel/{model.pk}/history/")
    assert history.status_code == 200
    assert b"context_window" in history.content and admin_user.username.encode() in history.content


def test_secrets_in_request_bodies_are_redacted_in_the_log(client):
    client.post("/admin/login/", {"username": "someone", "password": "hunter2-secret"})
    request_data = _sql("SELECT request_data FROM audit_logs ORDER BY id DESC LIMIT 1")[0][0]
    assert "hunter2" not in request_data and json.loads(request_data)["password"] == "[redacted]"


def test_api_writes_are_logged_and_reads_are_not(client):
    client.get("/api/v1/me/preferences")
    client.patch("/api/v1/me/preferences", {"preferred_currency": "EUR"}, content_type="application/json")
    rows = _sql("SELECT action, resource_type, response_status, request_data FROM audit_logs")
    assert [(action, resource, status) for action, resource, status, _ in rows] == [
        ("PATCH /api/v1/me/preferences", "api:accounts:preferences", 200)
    ]
    assert json.loads(rows[0][3]) == {"preferred_currency": "EUR"}


def test_a_body_jsonb_would_refuse_is_still_logged(client):
    # NaN parses in Python's json but not in jsonb: the log row must not be lost to it.
    response = client.patch("/api/v1/me/preferences", '{"preferred_currency": NaN}', content_type="application/json")
    assert response.status_code == 400
    rows = _sql("SELECT action, request_data FROM audit_logs")
    assert [(action, json.loads(data)) for action, data in rows] == [
        ("PATCH /api/v1/me/preferences", {"unparsed_bytes": len('{"preferred_currency": NaN}')})
    ]


# -- monthly partitions ---------------------------------------------------------------------


def _month_start(offset: int) -> datetime.datetime:
    today = datetime.datetime.now(datetime.UTC)
    year, month = today.year, today.month + offset
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime.datetime(year, month, 1, tzinfo=datetime.UTC)


def test_partitions_are_kept_two_months_ahead_and_ensuring_again_creates_nothing():
    assert partitions_ensure()["audit_logs"] == {"created": 0, "dropped": 0}
    names = {
        name
        for (name,) in _sql("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass")
    }
    assert {f"audit_logs_{_month_start(i):%Y_%m}" for i in range(3)} <= names


@pytest.mark.parametrize("offset", [0, 1])
def test_rows_at_a_month_boundary_land_in_their_own_month(offset):
    boundary = _month_start(offset + 1)
    last_moment = boundary - datetime.timedelta(microseconds=1)
    for moment in (last_moment, boundary):
        _sql("INSERT INTO audit_logs (timestamp, action) VALUES (%s, 'boundary')", [moment])
    placed = _sql("SELECT tableoid::regclass::text FROM audit_logs WHERE action = 'boundary' ORDER BY timestamp")
    assert placed == [(f"audit_logs_{last_moment:%Y_%m}",), (f"audit_logs_{boundary:%Y_%m}",)]


def test_a_row_beyond_the_kept_partitions_is_refused_not_misfiled():
    with pytest.raises(Exception, match="no partition"), transaction.atomic():
        _sql("INSERT INTO audit_logs (timestamp, action) VALUES (%s, 'far')", [_month_start(6)])
