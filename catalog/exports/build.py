"""Writing an export: each table as CSV, JSON Lines and Parquet in MEDIA_ROOT/exports/<day>/, with
manifest.json (row counts, each file's SHA-256, the sources' licences and the credit they ask for).

Written into a temporary folder and renamed into place, so a reader never sees half an export and
a re-run replaces the day's export whole.
"""

import csv
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.utils import timezone

from catalog.sources import SOURCES, source_info

from .tables import TABLES

FORMATS = ("csv", "jsonl", "parquet")


def exports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(folder: Path, name: str, rows: list[dict]) -> dict[str, dict]:
    columns = list(rows[0]) if rows else []
    paths = {fmt: folder / f"{name}.{fmt}" for fmt in FORMATS}
    with paths["csv"].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    with paths["jsonl"].open("wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row) + b"\n")
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    pq.write_table(table, paths["parquet"])
    return {
        fmt: {"file": path.name, "sha256": _sha256(path), "bytes": path.stat().st_size} for fmt, path in paths.items()
    }


def _sources() -> list[dict]:
    out = []
    for name in SOURCES:
        info = source_info(name)
        out.append(
            {
                "name": info.name,
                "title": info.title,
                "version": info.version,
                "snapshot_date": info.snapshot_date.isoformat() if info.snapshot_date else None,
                "licence": info.licence,
                "licence_url": info.licence_url,
                "url": info.url,
                "attribution": info.attribution,
            }
        )
    return out


def export_build(as_of: date | None = None, progress: Callable[[str], None] = lambda line: None) -> dict:
    """Write the export of the catalog as it stood at the end of `as_of` (default: today); returns its manifest."""
    as_of = as_of or timezone.localdate()
    root = exports_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{as_of.isoformat()}-", dir=root))
    try:
        tables = {}
        for name, rows_of in TABLES.items():
            rows = rows_of(as_of)
            tables[name] = {"rows": len(rows), "files": _write(staging, name, rows)}
            progress(f"{name}: {len(rows):,} rows")
        manifest = {
            "as_of": as_of.isoformat(),
            "generated_at": timezone.now().isoformat(),
            "tables": tables,
            "sources": _sources(),
            "licence_note": "Each source's data keeps its licence; credit those that ask for it as given.",
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        target = root / as_of.isoformat()
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def exports_list() -> list[dict]:
    """Every export's manifest, newest first."""
    root = exports_root()
    manifests = sorted(root.glob("*/manifest.json"), reverse=True) if root.exists() else []
    return [json.loads(path.read_text(encoding="utf-8")) for path in manifests]


def exports_prune(today: date | None = None) -> int:
    """Remove the exports older than AIGO_EXPORT_RETENTION_DAYS; returns how many."""
    cutoff = (today or timezone.localdate()) - timedelta(days=settings.AIGO_EXPORT_RETENTION_DAYS)
    removed = 0
    for folder in exports_root().glob("????-??-??") if exports_root().exists() else []:
        if date.fromisoformat(folder.name) < cutoff:
            shutil.rmtree(folder)
            removed += 1
    return removed
