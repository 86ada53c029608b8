"""Benchmark leaderboards: every suite by category, and one suite's ranking."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from aigo.i18n import resolve
from aigo.site.cache import cached_page
from aigo.site.catalog.provenance import attributions
from catalog import choices, selectors
from catalog.models import BenchmarkSuite


@cached_page("benchmarks")
def leaderboards(request, locale: str):
    """Every benchmark suite, grouped by category, with how many models it ranks."""
    category = request.GET.get("category", "")
    suites = selectors.suite_list()
    if category in dict(choices.BENCHMARK_CATEGORIES):
        suites = suites.filter(category=category)
    # Demo benchmarks only while the catalog has no real score, or when asked for.
    demo_hidden = request.GET.get("demo") != "1" and selectors.real_scores_exist()
    if demo_hidden:
        suites = suites.exclude(metadata__contains=selectors.DEMO_MARK)
    groups: dict[str, list] = {}
    labels = dict(choices.BENCHMARK_CATEGORIES)
    for suite in suites:
        groups.setdefault(labels.get(suite.category, _("Other")), []).append(suite)
    return TemplateResponse(
        request,
        "site/catalog/leaderboards.html",
        {
            "nav": "leaderboards",
            "groups": sorted(groups.items(), key=lambda item: str(item[0])),
            "categories": choices.BENCHMARK_CATEGORIES,
            "category": category,
            "demo_hidden": demo_hidden,
        },
    )


@cached_page("models", "benchmarks")
def leaderboard(request, locale: str, slug: str):
    suite = BenchmarkSuite.objects.filter(slug=slug).first()
    if suite is None:
        raise Http404("No such benchmark")
    official_only = request.GET.get("unofficial") != "1"
    scores = list(selectors.leaderboard(suite=suite, include_unofficial=not official_only)[:200])
    return TemplateResponse(
        request,
        "site/catalog/leaderboard.html",
        {
            "nav": "leaderboards",
            "suite": suite,
            "description": resolve(suite.description, locale),
            "scores": scores,
            "official_only": official_only,
            "demo": selectors.suite_is_demo(suite),
            "attributions": attributions(score.source for score in scores),
        },
    )
