import shutil
import socket
import subprocess
import time

import pytest
from django.core.management import call_command

from tests.ports import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis(settings, tmp_path):
    """A Redis server of this test's own, pointed at by the cache, which the test may stop."""
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"},
    }
    deadline = time.monotonic() + 5
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield process
    process.kill()
    process.wait()


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_names_each_dependency_when_all_are_up(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ready"
    assert body["checks"]["postgres"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_shows_the_heartbeat_after_the_task_ran(client):
    assert client.get("/readyz").json()["checks"]["redis"]["heartbeat"] == {"last_run": None, "late": True}
    call_command("periodic", "run", "heartbeat", stdout=open("/dev/null", "w"))
    heartbeat = client.get("/readyz").json()["checks"]["redis"]["heartbeat"]
    assert heartbeat["late"] is False
    assert heartbeat["age_seconds"] < 60


def test_readyz_reports_a_stopped_redis(client, own_redis):
    assert client.get("/readyz").status_code == 200

    own_redis.terminate()
    own_redis.wait()

    started = time.monotonic()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert "ConnectionError" in body["checks"]["redis"]["error"]
    assert body["checks"]["postgres"]["ok"] is True
    assert time.monotonic() - started < 5, "a dead Redis must not hang the probe"


def test_readyz_reports_an_unreachable_postgres(client, settings):
    from django.db import connections

    connection = connections["default"]
    saved_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved_port
    assert response.status_code == 503
    assert response.json()["checks"]["postgres"]["ok"] is False
    assert response.json()["checks"]["redis"]["ok"] is True
