"""Dated exports of the public catalog (CSV, JSON Lines, Parquet, with a manifest), today's or as
the catalog stood on a past day (`manage.py export_catalog --as-of`)."""

from .build import export_build, exports_list, exports_prune

__all__ = ["export_build", "exports_list", "exports_prune"]
