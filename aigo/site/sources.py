"""Where the catalog's data comes from ("Data sources": each source, its licence and what the
catalog takes from it) and how far it can be trusted ("Data quality": coverage and agreement per
source and field, the review queue, completeness). Both are linked from every page's footer."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext

from aigo.i18n.formatting import number
from aigo.site.cache import cached_page
from catalog.quality import FIELDS, quality_report, sources_summary
from catalog.sources.apply.policy import DATE_TOLERANCE_DAYS, MONEY_TOLERANCE

# The import invalidates "models" and "benchmarks" when it changes the catalog, and "sources" when
# a source's import finishes (its time and status are shown even when nothing changed).
KINDS = ("models", "benchmarks", "sources")


def _policy(locale: str) -> str:
    """docs/data.md's resolution policy in a sentence, with the tolerances the import applies."""
    return ngettext(
        "Where sources differ, the value shown is an editor's, else the one from the maker's own "
        "source, else one that two or more sources agree on, else the most recently updated "
        "source's. Values agree when prices are within %(money)s %%, dates within %(days)s day "
        "and whole numbers are equal.",
        "Where sources differ, the value shown is an editor's, else the one from the maker's own "
        "source, else one that two or more sources agree on, else the most recently updated "
        "source's. Values agree when prices are within %(money)s %%, dates within %(days)s days "
        "and whole numbers are equal.",
        DATE_TOLERANCE_DAYS,
    ) % {"money": number(MONEY_TOLERANCE * 100, locale), "days": DATE_TOLERANCE_DAYS}


@cached_page(*KINDS)
def data_sources(request, locale: str):
    return TemplateResponse(
        request,
        "site/data_sources.html",
        {"sources": list(sources_summary().values()), "policy": _policy(locale)},
    )


@cached_page(*KINDS)
def data_quality(request, locale: str):
    report = quality_report()
    labels = {
        "released_at": gettext("Release date"),
        "training_cutoff": gettext("Knowledge cutoff"),
        "context_window": gettext("Context window"),
        "max_output_tokens": gettext("Maximum output"),
        "open_weights": gettext("Open weights"),
        "deprecated": gettext("Deprecated"),
    }
    # Fields down, sources across: each cell the source's coverage and agreement of that field.
    fields = [
        (labels[name], [(source.coverage(name), source.fields[name]) for source in report.sources]) for name in FIELDS
    ]
    return TemplateResponse(
        request,
        "site/data_quality.html",
        {
            "report": report,
            "fields": fields,
            "policy": _policy(locale),
        },
    )
