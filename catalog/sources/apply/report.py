"""What an import did: a Tally of created, updated and kept rows per kind, and the ImportReport
that `manage.py import_catalog` prints."""

from dataclasses import dataclass, field, fields


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edits: int = 0  # not written: an editor changed an imported field since the last import
    withdrawn: int = 0  # prices deleted before they took effect: the package no longer has them
    skipped: int = 0  # prices not imported: they overlap an editor's price
    kept_history: int = 0  # prices not imported: they overlap closed imported history

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn)

    def add(self, other: "Tally") -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self) -> str:
        parts = [f"{self.created} created", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.kept_edits:
            parts.append(f"{self.kept_edits} kept editor edits")
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        if self.skipped:
            parts.append(f"{self.skipped} skipped: conflicts with an editor's price")
        if self.kept_history:
            parts.append(f"{self.kept_history} kept imported history")
        return ", ".join(parts)


@dataclass
class ImportReport:
    source_version: str
    dry_run: bool = False
    providers: Tally = field(default_factory=Tally)
    models: Tally = field(default_factory=Tally)
    prices: Tally = field(default_factory=Tally)
    missing_models: int = 0
    exact_prices: int = 0
    conflicts: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.providers.changed or self.models.changed or self.prices.changed

    def summary(self) -> list[str]:
        lines = [
            f"genai-prices {self.source_version} in {self.seconds:.1f}s. Providers: {self.providers}. "
            f"Models: {self.models}. Prices: {self.prices}."
        ]
        if self.missing_models:
            lines.append(f"{self.missing_models} models are no longer in genai-prices (metadata.missing_from_source).")
        if self.exact_prices:
            lines.append(
                f"{self.exact_prices} prices have more than 4 decimals: rounded in their column, "
                "exact in metadata.exact_prices."
            )
        lines += [f"Skipped {conflict}" for conflict in self.conflicts]
        lines.append("Nothing changed." if not self.changed else "Catalog updated.")
        if self.dry_run:
            lines.append("Dry run: rolled back, nothing was saved.")
        return lines
