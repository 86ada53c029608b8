"""Read API throughput: cold (response cache off), warm (Redis + in-process cache) and a floor.

Serves the app with gunicorn (2 workers, production settings) on the imported catalog and
drives each endpoint with wrk for a fixed time. The floor is a bare Django view returning the
same pre-serialized bytes through the same server, measured in the same run; every figure is
printed as a ratio to it.

    .venv/bin/python bench/api_read.py [--seconds 10] [--connections 16]
"""

import argparse
import http.client
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("AIGO_BENCH_PORT", "8765"))  # several checkouts can bench side by side
BASE = f"http://127.0.0.1:{PORT}"
ENDPOINTS = {
    "list": "/api/v1/models/?page_size=50",
    "detail": "/api/v1/models/gpt-4o/",
}


def run(*args: str) -> None:
    subprocess.run(args, cwd=ROOT, check=True)


def prepare() -> None:
    run("scripts/services.sh", "start")
    run("scripts/ensure_system.sh", "wrk")
    python = str(ROOT / ".venv/bin/python")
    run(python, "manage.py", "migrate", "--noinput", "-v", "0")
    run(python, "manage.py", "import_sources")  # idempotent: the real catalog, whatever was there
    run(python, "manage.py", "periodic", "run", "refresh-model-listings")


def serve(
    cache: bool, workers: int = 2, threads: int = 4, fragments: bool = True, connections: int | None = None
) -> subprocess.Popen:
    """gunicorn on PORT; threads=1 means sync workers, which take one connection at a time.
    `cache` is the response cache; `fragments` the cache of site pages' parts. With `connections`
    (what the bench's client holds open at once), each worker accepts at most its share of them
    and one more: a worker that wakes accepts every connection waiting, and wrk opens all of its
    own at once, so without the cap a whole line could land on one worker and measure half the
    machine (about half the rate, every latency alike)."""
    share = math.ceil(connections / workers) + 1 if connections else None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "AIGO_RESPONSE_CACHE": "true" if cache else "false",
        "AIGO_FRAGMENT_CACHE": "true" if fragments else "false",
        # DRF's anonymous throttle keeps every request of the window in one cached list: one
        # client at bench rates would measure that list, not the API.
        "AIGO_ANON_RATE": "off",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "aigo.wsgi",
            "--workers",
            str(workers),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]),
            *(["--worker-connections", str(share)] if share else []),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1).read()
            return server
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def load(path: str, seconds: int, connections: int) -> dict:
    for _ in range(20):  # warm connections, caches and the workers' imports
        urllib.request.urlopen(BASE + path).read()
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            # wrk's 2 s default counts the uncached pages' slowest answers (1-2 s under 16
            # connections) as errors; a server that fails answers with a status, which still counts.
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench/wrk_report.lua"),
            BASE + path,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    report["rps"] = report["requests"] / report["seconds"]
    return report


def post_all(path: str, bodies: list[bytes], headers: dict, clients: int, accepted) -> float:
    """POST every body to `path` from `clients` threads, each on a keep-alive connection; the
    seconds it took. Exits when a response fails `accepted(status, payload)`."""
    queue, lock, failures = list(bodies), threading.Lock(), []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if not accepted(response.status, payload):
                failures.append((response.status, payload[:200]))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"POST {path} failed: {failures[:3]}")
    return elapsed


# mode: (response cache, cache of pages' parts); "cold" first: it saves the bytes the floor serves
MODES = {"cold": (False, True), "warm": (True, True)}


def measure(paths: dict[str, str], seconds: int, connections: int, modes: dict = MODES) -> dict[tuple[str, str], dict]:
    """Each path in each mode (cold: response cache off; warm), and its floor: a bare view
    serving the same bytes through the same server, in the same run."""
    bench_dir = ROOT / ".local" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, str], dict] = {}
    for mode, (cache, fragments) in modes.items():
        server = serve(cache, fragments=fragments, connections=connections)
        try:
            for name, path in paths.items():
                if mode == "cold":  # the floor serves exactly the bytes of the real response
                    (bench_dir / f"{name}.json").write_bytes(urllib.request.urlopen(BASE + path).read())
                results[(name, mode)] = load(path, seconds, connections)
                if mode == "warm":
                    results[(name, "floor")] = load(f"/bench/floor/{name}", seconds, connections)
        finally:
            stop(server)
    return results


def report(paths: dict[str, str], results: dict[tuple[str, str], dict], seconds: int, connections: int) -> None:
    print(f"\nGET with {connections} connections for {seconds} s each; gunicorn 2 workers x 4 threads")
    columns = ["endpoint", "mode", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "vs floor"]
    print(" ".join(f"{column:>9}" for column in columns))
    row = "{:>9} {:>9} {:9.0f} {:9.2f} {:9.2f} {:9.2f} {:9d} {:>9.0%}"
    for name, path in paths.items():
        floor = results[(name, "floor")]["rps"]
        for mode in ("floor", "warm", "cold", "uncached"):
            if (name, mode) not in results:
                continue
            r = results[(name, mode)]
            print(row.format(name, mode, r["rps"], r["p50"], r["p95"], r["p99"], r["errors"], r["rps"] / floor))
        print(f"{'':8} ({path})")
    # A warm response also passes through the middleware and the cache: faster than its bare floor
    # means the floor's run was disturbed (another process on the cores), so no ratio here holds.
    disturbed = [name for name in paths if results[(name, "warm")]["rps"] > results[(name, "floor")]["rps"]]
    if disturbed:
        print(f"\nThe floor is below the warm line for {', '.join(disturbed)}: run again on a quiet machine.")
    if disturbed or any(r["errors"] for r in results.values()):
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    prepare()
    report(ENDPOINTS, measure(ENDPOINTS, args.seconds, args.connections), args.seconds, args.connections)


if __name__ == "__main__":
    main()
