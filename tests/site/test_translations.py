"""The UI string catalogs: complete for zh-Hans and ja, and in step with the code."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

CATALOGS = ["ja", "zh_Hans"]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalog(root: Path, language: str):
    with open(root / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


@pytest.mark.parametrize("language", CATALOGS)
def test_every_string_is_translated_with_the_same_placeholders(language):
    for message in _catalog(settings.LOCALE_PATHS[0], language):
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(sources[0])), message.id


def test_the_catalogs_hold_every_string_the_code_marks(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the code finds no string the committed catalogs lack (run on
    a copy: it writes its catalogs next to the code it reads)."""
    project = Path(settings.BASE_DIR)
    copy = tmp_path / "code"
    skip = shutil.ignore_patterns(".*", "locale", "tests", "bench", "*.egg-info", "__pycache__")
    shutil.copytree(project, copy, ignore=skip)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=CATALOGS, no_obsolete=True, verbosity=0)
    for language in CATALOGS:
        fresh, committed = _ids(_catalog(copy / "locale", language)), _ids(_catalog(project / "locale", language))
        assert fresh - committed == set(), f"{language}: run makemessages and translate the new strings"
        assert committed - fresh == set(), f"{language}: strings no longer used; run makemessages --no-obsolete"
