"""Schemathesis over every operation of the published OpenAPI schema, against the app served on a
database of its own with the real catalog imported (tests/server.py): once with a key that has every
scope, once anonymously. Any finding fails the test, and the output says how to reproduce it.

The key run's phases: the schema's examples, coverage (boundary and invalid values of every parameter and body
field, derived from the schema: the same every run), fuzzing (Hypothesis from a fixed seed) and
stateful sequences along the links Schemathesis infers between operations (a webhook created, then
read, changed, rotated, deleted). AIGO_FUZZ_EXAMPLES and AIGO_FUZZ_SEED widen or vary the search.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.keys import SCOPES
from tests.server import app_server

pytestmark = pytest.mark.fuzz

REDIS_DB = 6
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]
EXAMPLES = os.environ.get("AIGO_FUZZ_EXAMPLES", "20")
SEED = os.environ.get("AIGO_FUZZ_SEED", "20261205")


@pytest.fixture(scope="module")
def server():
    setup = [
        ("import_sources",),
        ("seed_demo",),
        ("simulate_probes", "--models", "5", "--days", "1"),
        ("shell", "-c", "from tests.fuzz.data import load; load()"),
    ]
    env = {
        # The fuzzer counts against no limit: a 429 would stop it before it reached the code.
        "AIGO_EVENTS_RATE": "off",
        # Webhook URLs are taken without resolving their host, so endpoints get created (and read, changed,
        # rotated, deleted by the stateful phase) with no DNS query leaving the machine. Nothing is ever sent:
        # deliveries are made by the dispatch task, which no beat runs here.
        "AIGO_WEBHOOKS_ALLOW_PRIVATE": "true",
    }
    with app_server("aigo_fuzz", redis_db=REDIS_DB, setup=setup, env=env) as server:
        yield server


@pytest.fixture(scope="module")
def every_scope_key(server) -> str:
    issued = server.manage("create_api_key", "--name", "fuzz", "--scopes", ",".join(SCOPES), "--rate-limit", str(10**9))
    return issued.strip().splitlines()[-1]


def schemathesis(server, workdir: Path, *headers: str, phases: str = "examples,coverage,fuzzing,stateful") -> None:
    """Run from `workdir`, where Schemathesis keeps what `st replay` needs."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server.url}/api/schema/",
        "--phases",
        phases,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        # One worker: the machine is small, and Hypothesis's lambda descriptions are not thread-safe on
        # every Python 3.11 (SystemError: AST constructor recursion depth mismatch).
        "--workers",
        "1",
        # The headers given below are the only credentials sent: no generated X-API-Key beside them.
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    for header in headers:
        command += ["-H", header]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=900)
    report = done.stdout + done.stderr
    findings = [report.find(heading) for heading in ("= ERRORS =", "= FAILURES =") if heading in report]
    assert done.returncode == 0, report[min(findings, default=0) :]


def test_schemathesis_finds_nothing_with_a_key_that_has_every_scope(server, every_scope_key, tmp_path):
    schemathesis(server, tmp_path, f"Authorization: Bearer {every_scope_key}", f"X-API-Key: {every_scope_key}")


def test_schemathesis_finds_nothing_anonymously(server, tmp_path):
    """Random inputs only: the coverage phase's values are the key run's, and with no key every
    operation that needs one stops at the same 401 (no stateful sequence gets past it)."""
    schemathesis(server, tmp_path, phases="examples,fuzzing")
