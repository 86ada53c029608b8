"""aigo.env: the typed environment reader, and the settings modules that depend on it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from aigo.env import env_bool, env_int, env_list, env_str

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR = "AIGO_TEST_ENV_VAR"


@pytest.fixture(autouse=True)
def clean_var(monkeypatch):
    """Neither the variable nor its _FILE twin leaks in from the surrounding environment."""
    monkeypatch.delenv(VAR, raising=False)
    monkeypatch.delenv(f"{VAR}_FILE", raising=False)


# --- env_bool ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["true", "TRUE", "True", "1", "yes", "YES", "on", "On", " true "])
def test_env_bool_accepts_true_spellings(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, False) is True


@pytest.mark.parametrize("raw", ["false", "FALSE", "False", "0", "no", "No", "off", "OFF"])
def test_env_bool_accepts_false_spellings(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_returns_the_default_when_unset(default):
    assert env_bool(VAR, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_rejects_other_values_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_bool(VAR, False)
    assert VAR in str(exc_info.value)
    assert raw in str(exc_info.value)


# --- env_int -------------------------------------------------------------------------------


def test_env_int_parses_an_integer(monkeypatch):
    monkeypatch.setenv(VAR, "42")
    assert env_int(VAR, 7) == 42


def test_env_int_returns_the_default_when_unset():
    assert env_int(VAR, 7) == 7


@pytest.mark.parametrize("raw", ["12x", "1.5", "twelve", ""])
def test_env_int_rejects_a_non_integer_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_int(VAR, 7)
    assert VAR in str(exc_info.value)


# --- env_str -------------------------------------------------------------------------------


def test_env_str_without_default_and_unset_raises_naming_the_variable():
    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_str(VAR)
    assert VAR in str(exc_info.value)


def test_env_str_returns_the_default_when_unset():
    assert env_str(VAR, "fallback") == "fallback"
    assert env_str(VAR, None) is None


def test_env_str_returns_the_value_when_set(monkeypatch):
    monkeypatch.setenv(VAR, "value")
    assert env_str(VAR) == "value"
    assert env_str(VAR, "fallback") == "value"


def test_env_str_keeps_an_empty_value_rather_than_the_default(monkeypatch):
    monkeypatch.setenv(VAR, "")
    assert env_str(VAR, "fallback") == ""


# --- env_list ------------------------------------------------------------------------------


def test_env_list_splits_strips_and_drops_empty_items(monkeypatch):
    monkeypatch.setenv(VAR, " a.example, b.example ,,c.example, ,")
    assert env_list(VAR, ["default"]) == ["a.example", "b.example", "c.example"]


def test_env_list_of_an_empty_value_is_empty(monkeypatch):
    monkeypatch.setenv(VAR, "")
    assert env_list(VAR, ["default"]) == []


def test_env_list_returns_a_copy_of_the_default_when_unset():
    default = ["x", "y"]
    result = env_list(VAR, default)
    assert result == default
    assert result is not default


# --- <NAME>_FILE ---------------------------------------------------------------------------


def test_file_variable_wins_over_the_plain_variable_and_is_stripped(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("  from-file\n\n")
    monkeypatch.setenv(VAR, "from-env")
    monkeypatch.setenv(f"{VAR}_FILE", str(secret))
    assert env_str(VAR) == "from-file"


def test_file_variable_feeds_the_typed_readers(monkeypatch, tmp_path):
    path = tmp_path / "value"
    path.write_text("on\n")
    monkeypatch.setenv(f"{VAR}_FILE", str(path))
    assert env_bool(VAR, False) is True
    path.write_text("8080\n")
    assert env_int(VAR, 0) == 8080
    path.write_text("a, b,\n")
    assert env_list(VAR, []) == ["a", "b"]


def test_file_variable_pointing_at_a_missing_file_raises(monkeypatch, tmp_path):
    missing = tmp_path / "does-not-exist"
    monkeypatch.setenv(VAR, "from-env")
    monkeypatch.setenv(f"{VAR}_FILE", str(missing))
    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_str(VAR)
    assert f"{VAR}_FILE" in str(exc_info.value)
    assert str(missing) in str(exc_info.value)


def test_empty_file_variable_is_ignored(monkeypatch):
    monkeypatch.setenv(VAR, "from-env")
    monkeypatch.setenv(f"{VAR}_FILE", "")
    assert env_str(VAR) == "from-env"


# --- settings modules ----------------------------------------------------------------------


def _run_django_setup(settings_module, **overrides):
    env = dict(os.environ)
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "ALLOWED_HOSTS_FILE"):
        env.pop(name, None)
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(overrides)
    code = "import django; django.setup(); from django.conf import settings; print(len(settings.SECRET_KEY))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run_django_setup("aigo.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_start_with_secret_key_and_allowed_hosts():
    result = _run_django_setup("aigo.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "50"


def test_production_settings_reject_a_malformed_boolean():
    result = _run_django_setup(
        "aigo.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.org",
        SECURE_SSL_REDIRECT="maybe",
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr


def test_settings_in_use_have_a_secret_key():
    from django.conf import settings

    assert isinstance(settings.SECRET_KEY, str)
    assert settings.SECRET_KEY.strip()


def test_dev_local_secret_creates_a_key_once_and_reuses_it(monkeypatch, tmp_path):
    # Pointed at a temporary directory: the real .local/secret_key is never touched.
    import aigo.settings.dev as dev

    local_dir = tmp_path / ".local"
    monkeypatch.setattr(dev, "LOCAL_DIR", local_dir)
    first = dev._local_secret()
    assert len(first) >= 50
    key_file = local_dir / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert dev._local_secret() == first
