"""What an import did: a Tally of created, updated and kept rows per kind, a line per source, and
the SourcesReport that `manage.py import_sources` prints."""

from dataclasses import dataclass, field, fields


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edits: int = 0  # not written: an editor changed an imported field since the last import
    withdrawn: int = 0  # prices deleted before they took effect: the source no longer has them
    skipped: int = 0  # not written: they overlap an editor's price, or map to nothing
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
            parts.append(f"{self.skipped} skipped")
        if self.kept_history:
            parts.append(f"{self.kept_history} kept imported history")
        return ", ".join(parts)


@dataclass
class SourceLine:
    source: str
    version: str
    observed: dict[str, int]  # new, changed, withdrawn, unchanged values
    created: dict[str, int]  # providers, offers, canonical_models made for it
    scores: Tally

    @property
    def changed(self) -> bool:
        return (
            bool(
                self.observed["new"]
                or self.observed["changed"]
                or self.observed["withdrawn"]
                or any(self.created.values())
            )
            or self.scores.changed
        )

    def counts(self) -> dict:
        return {"values": self.observed, "created": self.created, "scores": self.scores.__dict__}

    def __str__(self) -> str:
        values = self.observed
        made = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in self.created.items() if count)
        return (
            f"{self.source} {self.version}: {values['new']} new, {values['changed']} changed, "
            f"{values['withdrawn']} withdrawn, {values['unchanged']} unchanged values"
            + (f"; created {made}" if made else "")
            + (f"; scores: {self.scores}" if self.scores.changed else "")
        )


@dataclass
class SourcesReport:
    dry_run: bool = False
    sources: list[SourceLine] = field(default_factory=list)
    offers: object = None  # resolve.Written
    canonical_models: object = None
    canonical_merged: int = 0  # "@seller/base" canonical models joined to their known maker's
    prices: Tally = field(default_factory=Tally)
    price_review: dict = field(default_factory=dict)  # price cases opened, superseded
    exact_prices: int = 0  # prices with more than 4 decimals, exact in metadata (the price writer counts)
    conflicts: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        written = [w for w in (self.offers, self.canonical_models) if w is not None]
        return (
            any(line.changed for line in self.sources)
            or bool(self.canonical_merged)
            or any(w.offers or w.canonical_models or any(w.review.values()) for w in written)
            or self.prices.changed
            or any(self.price_review.values())
        )

    def summary(self) -> list[str]:
        lines = []
        if self.canonical_merged:
            lines.append(f"Grouped: {self.canonical_merged} canonical models merged into their maker's.")
        if self.offers is not None:
            written = self.offers, self.canonical_models
            lines.append(
                f"Resolved: {self.offers.offers} offers and {self.canonical_models.canonical_models} canonical "
                f"models updated ({sum(w.kept_edits for w in written)} editor values kept); "
                f"review queue: {_review(*(w.review for w in written))}."
            )
        lines.append(f"Prices: {self.prices}; review queue: {_review(self.price_review)}.")
        lines += [f"Skipped {conflict}" for conflict in self.conflicts]
        lines.append(
            f"Nothing changed ({self.seconds:.1f}s)."
            if not self.changed
            else f"Catalog updated in {self.seconds:.1f}s."
        )
        if self.dry_run:
            lines.append("Dry run: rolled back, nothing was saved.")
        return lines


def _review(*reviews: dict) -> str:
    opened = sum(review.get("opened", 0) for review in reviews)
    superseded = sum(review.get("superseded", 0) for review in reviews)
    return f"{opened} opened, {superseded} closed"
