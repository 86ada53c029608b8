"""Database health: the seed's views and autovacuum settings, the slow-query capture and the admin page."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from aigo.db.health import partition_coverage, periodic_runs, replication_slots, slow_queries_capture
from aigo.db.partitions import PARTITIONED, Partitioning
from aigo.models import PeriodicTaskRun, SlowQuery
from tests.db import sql

pytestmark = pytest.mark.django_db

URL = "/admin/aigo/databasehealth/"
# No constants, so pg_stat_statements keeps the text as it is and it can be planned: ln(ln(pi)) = 0.135 s.
UNPARAMETERIZED_SLEEP = "SELECT pg_sleep(ln(ln(pi())))"


# The views and settings, in SQL (as the app role)


def test_connection_stats_counts_this_session_as_active():
    rows = sql(
        "SELECT connections, active, longest_query_seconds FROM connection_stats WHERE datname = current_database()"
    )
    connections, active, longest = rows[0]
    assert connections >= 1 and active >= 1 and longest is not None


def test_table_bloat_lists_tables_with_sizes_and_dead_tuple_share():
    rows = sql(
        "SELECT total_bytes, total_size, index_size, percent_of_total FROM table_bloat"
        " WHERE schemaname = 'public' AND tablename = 'models'"
    )
    total_bytes, total_size, index_size, percent = rows[0]
    assert total_bytes > 0 and total_size.endswith("B") and index_size.endswith("B") and percent >= 0
    assert sql("SELECT count(*) FROM table_bloat WHERE tablename = 'status_probes'")[0][0] == 0  # no storage of its own


def test_the_seeds_autovacuum_settings_are_on_models_and_every_status_probes_partition():
    assert sql("SELECT reloptions FROM pg_class WHERE oid = 'models'::regclass")[0][0] == [
        "autovacuum_vacuum_scale_factor=0.1"
    ]
    options = sql(
        "SELECT DISTINCT c.reloptions FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'status_probes'::regclass"
    )
    assert options == [(["autovacuum_vacuum_scale_factor=0.01"],)]


def test_a_new_partition_takes_the_autovacuum_settings_of_its_siblings():
    assert sql("SELECT aigo_ensure_partitions('status_probes', 'day', 20, 0)")[0][0] > 0
    newest = sql(
        "SELECT c.relname, c.reloptions FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'status_probes'::regclass ORDER BY c.relname DESC LIMIT 1"
    )
    assert newest[0][1] == ["autovacuum_vacuum_scale_factor=0.01"]


@pytest.mark.parametrize("table", ["status_probes", "audit_logs", "analytics_events"])
def test_tables_without_a_key_and_their_new_partitions_have_a_replica_identity(table):
    step = "month" if table == "audit_logs" else "day"
    assert sql("SELECT aigo_ensure_partitions(%s, %s, 40, 0)", [table, step])[0][0] > 0
    identities = sql(
        "SELECT DISTINCT c.relreplident FROM pg_class c WHERE c.oid = %s::regclass"
        " OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)",
        [table, table],
    )
    assert identities == [("f",)]  # FULL: deletes work once the table is published


# Slow queries


@pytest.fixture
def slow_settings(settings):
    settings.AIGO_SLOW_QUERY_MS = 100
    settings.AIGO_SLOW_QUERY_TOP = 1000  # the test database's migrations may have been slower still


def _logged(query: str) -> list[SlowQuery]:
    return list(SlowQuery.objects.filter(query=query))


def test_a_slow_statement_is_logged_once_per_period_with_a_plan_when_it_has_no_parameters(slow_settings):
    sql(UNPARAMETERIZED_SLEEP)
    sql(UNPARAMETERIZED_SLEEP)
    sql("SELECT pg_sleep(%s)", [0.12])
    slow_queries_capture()

    (logged,) = _logged(UNPARAMETERIZED_SLEEP)
    assert logged.calls == 2 and logged.duration_ms >= 100 and logged.queryid is not None
    assert logged.query_plan[0]["Plan"]["Node Type"] == "Result"
    assert logged.user_name and logged.database_name
    (parameterized,) = _logged("SELECT pg_sleep($1)")
    assert parameterized.query_plan is None

    # Nothing ran since: the next capture logs neither again.
    slow_queries_capture()
    assert len(_logged(UNPARAMETERIZED_SLEEP)) == 1 and len(_logged("SELECT pg_sleep($1)")) == 1


def test_statements_faster_than_the_threshold_are_not_logged(settings):
    settings.AIGO_SLOW_QUERY_MS = 10_000
    sql(UNPARAMETERIZED_SLEEP)
    slow_queries_capture()
    assert not _logged(UNPARAMETERIZED_SLEEP)


def test_the_beat_task_logs_slow_statements_and_records_its_run(slow_settings):
    sql(UNPARAMETERIZED_SLEEP)
    call_command("periodic", "run", "capture-slow-queries", stdout=io.StringIO())
    assert _logged(UNPARAMETERIZED_SLEEP)
    run = PeriodicTaskRun.objects.get(task="aigo.tasks.capture_slow_queries")
    assert run.last_status == "success"


def test_log_rows_past_retention_are_dropped(settings):
    settings.AIGO_SLOW_QUERY_RETENTION_DAYS = 30
    old = SlowQuery.objects.create(query="SELECT 1", duration_ms=500)
    SlowQuery.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=31))
    slow_queries_capture()
    assert not SlowQuery.objects.filter(pk=old.pk).exists()


# Partition coverage and periodic tasks


def test_partition_coverage_counts_the_partitions_ahead(monkeypatch):
    coverage = {row.table: row for row in partition_coverage()}
    assert coverage["status_probes"].ahead >= 7 and not coverage["status_probes"].short
    assert coverage["audit_logs"].step == "month" and coverage["audit_logs"].ahead >= 2

    monkeypatch.setitem(PARTITIONED, "status_probes", Partitioning("day", ahead=60, retention=90))
    assert {row.table: row for row in partition_coverage()}["status_probes"].short


def test_a_task_is_overdue_without_a_finished_run_within_twice_its_period():
    now = timezone.now()
    PeriodicTaskRun.objects.create(task="aigo.tasks.heartbeat", last_status="success", last_finished_at=now)
    PeriodicTaskRun.objects.create(
        task="aigo.tasks.ensure_partitions", last_status="success", last_finished_at=now - timedelta(hours=13)
    )
    PeriodicTaskRun.objects.create(task="status.tasks.rollup_status", last_status="failure", last_finished_at=now)
    runs = {run.name: run for run in periodic_runs(now)}
    assert not runs["heartbeat"].overdue and not runs["heartbeat"].failed
    assert runs["ensure-partitions"].overdue  # every 6 hours
    assert runs["rollup-status"].failed and not runs["rollup-status"].overdue
    assert runs["rotate-api-keys"].overdue and runs["rotate-api-keys"].run is None


# The admin page


def test_the_page_is_listed_on_the_admin_index_and_renders_every_section(admin_client, django_assert_max_num_queries):
    assert URL in admin_client.get("/admin/").content.decode()
    with django_assert_max_num_queries(20):
        response = admin_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for heading in [
        "Connections",
        "Largest tables",
        "Bloat estimate",
        "Slow queries",
        "Replication slots",
        "Partitions ahead",
        "Periodic tasks",
    ]:
        assert f"<h2>{heading}</h2>" in page
    assert "status_probes" in page and "capture-slow-queries" in page


def test_replication_slots_are_read_with_their_lag():
    # Slots are per cluster: other test runs on this server may have some; there is always a list.
    for slot in replication_slots():
        assert {"slot_name", "slot_type", "active", "retained_bytes", "lag_bytes"} <= slot.keys()


def test_the_page_flags_a_short_partition_range_and_an_overdue_task(admin_client, monkeypatch):
    monkeypatch.setitem(PARTITIONED, "audit_logs", Partitioning("month", ahead=24))
    PeriodicTaskRun.objects.create(
        task="aigo.tasks.heartbeat", last_status="success", last_finished_at=timezone.now() - timedelta(hours=1)
    )
    page = admin_client.get(URL).content.decode()
    assert "SHORT" in page and "OVERDUE" in page


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_need_the_view_permission(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw-not-used", is_staff=True)
    client.force_login(editor)
    assert client.get(URL).status_code == 403

    editor.user_permissions.add(Permission.objects.get(codename="view_databasehealth"))
    assert client.get(URL).status_code == 200
