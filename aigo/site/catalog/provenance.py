"""The "sources" disclosure beside each fact and price of a model page, in the reader's words:
the value shown, which sources agree, which differ and what they say, whether an editor set it,
when a source last confirmed it, and how it was chosen (catalog.provenance)."""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aigo.i18n.formatting import day, moment, money, number
from catalog import choices
from catalog.provenance import Provenance
from catalog.sources import SOURCES, source_info
from catalog.sources.records import OFFER_FIELDS

LABELS = dict(choices.MODALITIES) | dict(choices.CAPABILITIES)


@dataclass(frozen=True)
class Disclosure:
    label: str  # what the value is ("Input"); "" beside a single fact
    shown: str
    editor: bool
    agree: tuple[str, ...]
    differ: tuple[tuple[str, str], ...]  # (source, what it says)
    checked_at: datetime | None
    note: str

    @property
    def sources(self) -> set[str]:
        return {*self.agree, *(source for source, _said in self.differ)}


def value_text(kind: str, value: Any, locale: str, currency: str = "USD") -> str:
    """A value as a source states it (JSON: dates as ISO text, money as decimal text), in words."""
    if value is None or value == [] or value == "":
        return gettext("not given")
    try:
        if kind == "date":
            return day(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]), locale)
        if kind in ("int", "number"):
            return number(value, locale)
        if kind == "money":
            return money(Decimal(str(value)), currency, locale)
    except (ValueError, TypeError, InvalidOperation):
        return str(value)
    if kind == "bool":
        return gettext("yes") if value else gettext("no")
    if kind == "list":
        return ", ".join(str(LABELS.get(item, item)) for item in value)
    return str(value)


def disclosure(provenance: Provenance, kind: str, locale: str, *, label: str = "", currency: str = "USD") -> Disclosure:
    def said(value: Any) -> str:
        return value_text(kind, value, locale, currency)

    return Disclosure(
        label=str(label),
        shown=said(provenance.value),
        editor=provenance.editor,
        agree=tuple(says.source for says in provenance.agree),
        differ=tuple((says.source, said(says.value)) for says in provenance.differ),
        checked_at=provenance.checked_at,
        # catalog.provenance marks its notes with gettext_noop
        note=gettext(provenance.note) if provenance.note else "",
    )


def fact_disclosure(provenance: Provenance, column: str, locale: str, *, label: str = "") -> Disclosure:
    return disclosure(provenance, OFFER_FIELDS[column], locale, label=label)


PRICE_LABELS = {
    "input_per_million": _("Input / 1M tokens"),
    "output_per_million": _("Output / 1M tokens"),
    "image_per_unit": _("Image"),
    "audio_per_minute": _("Audio / minute"),
}


def price_disclosures(row, components: dict[str, Provenance], locale: str) -> list[Disclosure]:
    """One entry per price of the row that has a value or a source's word on it."""
    return [
        disclosure(provenance, "money", locale, label=PRICE_LABELS.get(name, name), currency=row.currency)
        for name, provenance in components.items()
        if provenance.value is not None or provenance.agree or provenance.differ
    ]


def disclosures_html(items: Sequence[Disclosure], converted: dict | None, context, locale: str) -> SafeString:
    """The "sources" disclosure of a fact, a price row or an offer: `items` and, for a price stored in
    the currency it is published in, how a source `converted` it. Built here rather than by a template
    include: a model page shows about 170 of them, and the include was a quarter of its render.
    Values are escaped as `{{ value }}` would be in `context`, texts as `{% translate %}` does."""

    def value(text) -> str:
        return render_value_in_context(text, context)

    shown, says, agree, differ, checked = (
        gettext("Shown: %(value)s"),
        gettext("says %(said)s"),
        value(gettext("Sources that agree:")),
        value(gettext("Sources that differ:")),
        value(gettext("Last checked:")),
    )
    summary, editor, none = value(gettext("sources")), value(gettext("set by an editor")), value(gettext("none"))
    parts = [f'<details class="sources"><summary>{summary}</summary>\n<dl>']
    for item in items:
        parts.append(f"\n  <dt>{value(item.label)}</dt>\n  <dd>" if item.label else "\n  \n  <dd>")
        parts.append(shown % {"value": value(item.shown)})
        if item.editor:
            parts.append(f" · <strong>{editor}</strong>")
        sources = ", ".join(value(source) for source in item.agree) if item.agree else none
        parts.append(f"<br>\n    {agree} {sources}\n    ")
        if item.differ:
            said = "; ".join(f"{value(source)} {says % {'said': value(text)}}" for source, text in item.differ)
            parts.append(f"<br>{differ} {said}")
        parts.append("\n    ")
        if item.checked_at:
            parts.append(f"<br>{checked} {conditional_escape(moment(item.checked_at, locale))}")
        parts.append("\n    ")
        if item.note:
            parts.append(f"<br>{value(capfirst(item.note))}.")
        parts.append("</dd>\n")
    parts.append("</dl>")
    if converted:
        stored = gettext(
            "Stored in the currency it is published in; %(source)s lists it in %(currency)s "
            "at a fixed rate of %(rate)s."
        )
        names = {"source": "by", "currency": "from", "rate": "rate"}
        parts.append(f"\n<p>{stored % {name: value(converted.get(key)) for name, key in names.items()}}</p>")
    parts.append("\n</details>\n")
    return mark_safe("".join(parts))  # every value above is escaped


@functools.lru_cache(maxsize=16)
def _credit(name: str) -> str:
    # Cached: some sources read their installed data to describe themselves.
    return source_info(name).attribution if name in SOURCES else ""


def attributions(sources: Iterable[str]) -> list[str]:
    """The credits the licences of these sources ask for where their data is shown (LLM Stats'
    CC BY 4.0); "editor" and unknown names have none."""
    return [credit for name in sorted(set(sources)) if (credit := _credit(name))]
