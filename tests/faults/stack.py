"""The processes the fault tests break: a PostgreSQL cluster and a Redis server of their own (so
restarting or flushing them disturbs nothing else), the site under gunicorn with the production
settings, a Celery worker and beat. Each is started, stopped and killed as an operator's
supervisor would; logs go to the run's temporary directory and are shown when a start fails.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import redis

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLUSTER_SCRIPT = str(ROOT / "scripts" / "pg_replica.sh")
# A browser's, so the event beacons are not dropped as a bot's.
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
# Short, so a task lost with a killed worker is handed out again within seconds.
VISIBILITY_TIMEOUT = 4


def wait_until(check, timeout: float, what: str, interval: float = 0.2):
    """check()'s first truthy value, polling; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(interval)
    return value


class Stack:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        # The cluster script makes any project-local cluster; this one is the fault tests' primary.
        self.cluster = [f"faults-{os.getpid()}", str(free_port())]
        self.pg_port = int(self.cluster[1])
        self.redis_port = free_port()
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aigo.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/aigo",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "AIGO_REDIS_PREFIX": "",
            "STATIC_ROOT": str(workdir / "static"),
            # All the traffic below comes from one address; the limits have tests of their own.
            "AIGO_ANON_RATE": "1000000/min",
            "AIGO_EVENTS_RATE": "1000000/min",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    # PostgreSQL

    def postgres(self, command: str) -> None:
        done = subprocess.run([CLUSTER_SCRIPT, command, *self.cluster], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def connect(self, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.pg_port, user="postgres", dbname="aigo", autocommit=autocommit
        )

    def sql(self, query, params=None) -> list[tuple]:
        with self.connect() as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    # Redis

    def redis(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.redis_port, db=db, socket_timeout=2)

    def start_redis(self) -> None:
        (self.workdir / "redis").mkdir(exist_ok=True)
        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir / "redis",
        )
        wait_until(self._redis_answers, 10, "Redis answers")

    def _redis_answers(self) -> bool:
        try:
            return self.redis().ping()
        except redis.RedisError:
            return False

    # The site, the worker and beat

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "aigo.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "30",
                # Its default control socket is one per machine user: another gunicorn may hold it.
                "--no-control-socket",
            ],
        )
        wait_until(self._web_answers, 30, "gunicorn answers /healthz")

    def _web_answers(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def start_worker(self) -> None:
        log = self.workdir / "worker.log"
        offset = log.stat().st_size if log.exists() else 0
        self._spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "aigo",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--hostname",
                f"faults-{os.getpid()}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
        )
        wait_until(lambda: " ready." in log.read_text()[offset:], 60, "the Celery worker is ready")

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [str(BIN / "celery"), "-A", "aigo", "beat", "--loglevel", "INFO", "--pidfile", str(self.workdir / "beat")],
        )

    def kill(self, name: str) -> None:
        """SIGKILL to the process and its children (a prefork worker's pool), as the OOM killer or a
        lost machine would: nothing is acknowledged, flushed or cleaned up."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def _spawn(self, name: str, command: list[str], cwd: Path = ROOT) -> None:
        assert name not in self.processes, f"{name} is already running"
        log = (self.workdir / f"{name}.log").open("a")
        # A session of its own: kill() reaches the whole process group.
        self.processes[name] = subprocess.Popen(
            command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def log(self, name: str, lines: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""

    # Clients

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10, headers={"User-Agent": BROWSER, **headers})

    def api_key(self, *scopes: str) -> str:
        return self.manage(
            "create_api_key", "--name", "faults", "--scopes", ",".join(scopes), "--rate-limit", "1000000"
        ).splitlines()[-1]

    # Starting and stopping it all

    def start(self) -> None:
        self.postgres("start")
        with psycopg.connect(
            host="127.0.0.1", port=self.pg_port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE aigo")
        self.start_redis()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        # The browser tests' small catalog: models, prices, a news article, an incident, an editor.
        self.manage("shell", "-c", "from tests.browser.data import load; load()")
        self.start_web()
        self.start_worker()
        self.start_beat()

    def remove(self) -> None:
        for name in reversed(list(self.processes)):  # Redis, their broker, last
            self.stop(name)
        done = subprocess.run([CLUSTER_SCRIPT, "remove", *self.cluster], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
