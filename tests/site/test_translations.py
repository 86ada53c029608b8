"""The UI string catalogs: complete for every language the site speaks, in step with the code,
and using docs/translations.md's glossary."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

CATALOGS = ["ja", "zh_Hans", "zh_Hant", "ko", "de", "fr", "es"]
PLACEHOLDER = re.compile(r"%\(\w+\)s")
GLOSSARY = Path(settings.BASE_DIR) / "docs" / "translations.md"
# Headings that are a glossary term on their own: their translation must be the glossary's.
TERMS = {
    "Provider": "provider",
    "Context window": "context window",
    "Maximum output": "maximum output",
    "Benchmark": "benchmark",
    "Uptime": "uptime / availability",
    "Latency": "latency",
    "Region": "region",
    "Lifecycle": "lifecycle",
    "Knowledge cutoff": "knowledge cutoff",
    "Open weights": "open weights",
    "Licence": "licence",
    "Successor": "successor",
    "Source": "source (of data)",
}


def _catalog(root: Path, language: str):
    with open(root / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


def _glossary() -> dict[str, dict[str, list[str]]]:
    """docs/translations.md's table: English term -> catalog -> its accepted renderings."""
    rows = [line.split("|")[1:-1] for line in GLOSSARY.read_text().splitlines() if line.startswith("| ")]
    header = [re.search(r"\((\w+)\)", cell).group(1) for cell in rows[0][1:]]
    return {
        cells[0].strip(): {
            code: [term.strip() for term in cell.split("/")] for code, cell in zip(header, cells[1:], strict=True)
        }
        for cells in rows[2:]
    }


@pytest.mark.parametrize("language", CATALOGS)
def test_every_string_is_translated_with_the_same_placeholders(language):
    catalog = _catalog(settings.LOCALE_PATHS[0], language)
    for message in catalog:
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
        if message.pluralizable:
            assert len(strings) == catalog.num_plurals, f"{language}: {message.id!r} needs {catalog.num_plurals} forms"
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(sources[0])), message.id


@pytest.mark.parametrize("language", CATALOGS)
def test_the_glossarys_terms_are_the_ones_used(language):
    glossary, catalog = _glossary(), _catalog(settings.LOCALE_PATHS[0], language)
    for heading, term in TERMS.items():
        accepted = [rendering.casefold() for rendering in glossary[term][language]]
        assert catalog[heading].string.casefold() in accepted, f"{language}: {heading!r} is not the glossary's"


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
