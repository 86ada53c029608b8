"""The app as a server process of its own, for the tests that talk to it over HTTP (the API
fuzzing, the browser tests): `manage.py runserver`
with the test settings on a database of its own (created, migrated and loaded for the session,
dropped after) and a Redis database of its own, so what the clients see was committed, as in
production, while the rest of the suite keeps its per-test transactions."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from django.conf import settings
from psycopg import sql

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Server:
    url: str  # e.g. http://127.0.0.1:41234
    env: dict  # the server's environment: DATABASE_URL, REDIS_URL, settings

    def manage(self, *args: str) -> str:
        """Run a management command on the server's database; its standard output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout


def _admin_dsn() -> dict:
    owner = settings.DATABASE_OWNER
    return {"host": owner["HOST"], "port": owner["PORT"], "user": owner["USER"], "dbname": "postgres"}


def _recreate(admin: dict, name: str, *, create: bool) -> None:
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def app_server(
    name: str, *, redis_db: int, setup: Sequence[Sequence[str]] = (), env: dict | None = None
) -> Iterator[Server]:
    """A server on database `name`_<pid> once `migrate` and each `setup` command ran there."""
    database = f"{name}_{os.getpid()}"
    admin = _admin_dsn()
    _recreate(admin, database, create=True)
    redis_url = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{redis_db}"
    server = Server(
        url=f"http://127.0.0.1:{free_port()}",
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aigo.settings.test",
            "DATABASE_URL": f"postgres://{admin['user']}@{admin['host']}:{admin['port']}/{database}",
            "REDIS_URL": redis_url,
            **(env or {}),
        },
    )
    process = None
    try:
        redis.Redis.from_url(redis_url).flushdb()
        server.manage("migrate", "--noinput")
        for command in setup:
            server.manage(*command)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", server.url.removeprefix("http://"), "--noreload"],
            cwd=ROOT,
            env=server.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{server.url}/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the test server on {database} did not start") from None
                time.sleep(0.2)
        yield server
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        _recreate(admin, database, create=False)
