import json
from collections.abc import Sequence

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from catalog.quality import FIELDS, QualityReport, SourceQuality, quality_report

TOP_PROVIDERS = 20


def _percent(share: float | None) -> str:
    """A 0-1 share as every line of the report writes it: "61.1 %", "–" when there is none."""
    return "–" if share is None else f"{share * 100:.1f} %"


def _table(headers: Sequence[str], rows: list[Sequence]) -> list[str]:
    """Columns padded to their widest cell; the first left-aligned, the others (figures) right."""
    cells = [[str(value) for value in row] for row in [headers, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]

    def line(row: list[str]) -> str:
        first, *rest = row
        return "  ".join(
            [first.ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True))]
        )

    return [line(cells[0]), "  ".join("-" * width for width in widths), *(line(row) for row in cells[1:])]


def _last_import(source: SourceQuality) -> str:
    last = source.last_import
    return f"{last.started_at:%Y-%m-%d %H:%M %Z} ({last.status})" if last else "never"


def report_lines(report: QualityReport) -> list[str]:
    lines = []
    for source in report.sources:
        info = source.info
        snapshot = f", data of {info.snapshot_date}" if info.snapshot_date else ""
        lines += [
            f"{info.title} {info.version}{snapshot} ({info.licence}): {source.values} values, {source.rows} offers, "
            f"{source.scores} scores; last import {_last_import(source)}",
            *_table(
                ["field", "coverage", "agreement", "compared"],
                [
                    [name, _percent(source.coverage(name)), _percent(quality.agreement), quality.compared]
                    for name, quality in source.fields.items()
                ],
            ),
            "",
        ]
    canonical = report.canonical
    lines += [
        f"Canonical models: {canonical['canonical_models']}",
        f"release date (of canonical models a source dates): {_percent(canonical['released_at_of_dated'])}",
        f"release date (of all): {_percent(canonical['released_at'])}",
        f"context and output limits (of canonical models a source dates): {_percent(canonical['limits_of_dated'])}",
        f"context and output limits (of all): {_percent(canonical['limits'])}",
        f"knowledge cutoff: {_percent(canonical['training_cutoff'])}",
        f"deprecated with dates: {canonical['deprecated_dated']} of {canonical['deprecated']}",
        f"canonical models with real scores: {canonical['with_real_scores']}",
        "",
        "Disagreements: "
        + ", ".join(f"{status} {report.disagreements.get(status, 0)}" for status in ("open", "resolved", "superseded")),
        "",
        f"Current standard prices agreeing with another source (top {TOP_PROVIDERS} providers by offers compared):",
    ]
    total = report.prices_total
    rows = [[row.provider or "–", row.compared, row.agree, _percent(row.agreement)] for row in report.prices]
    rows = [
        *rows[:TOP_PROVIDERS],
        [f"all {len(rows)} providers", total.compared, total.agree, _percent(total.agreement)],
    ]
    table = _table(["provider", "compared", "agree", "agreement"], rows)
    return [*lines, *table[:-1], table[1], table[-1]]  # the totals under a rule of their own


def report_json(report: QualityReport) -> dict:
    return {
        "sources": [
            {
                "name": source.info.name,
                "title": source.info.title,
                "version": source.info.version,
                "snapshot_date": source.info.snapshot_date,
                "licence": source.info.licence,
                "licence_url": source.info.licence_url,
                "attribution": source.info.attribution,
                "last_import": source.last_import
                and {
                    "started_at": source.last_import.started_at,
                    "finished_at": source.last_import.finished_at,
                    "status": source.last_import.status,
                },
                "values": source.values,
                "offers": source.rows,
                "scores": source.scores,
                "fields": {
                    name: {
                        "stated": quality.stated,
                        "compared": quality.compared,
                        "agree": quality.agree,
                        "coverage": source.coverage(name),
                        "agreement": quality.agreement,
                    }
                    for name, quality in source.fields.items()
                },
            }
            for source in report.sources
        ],
        "fields": list(FIELDS),
        "canonical": report.canonical,
        "disagreements": {status: report.disagreements.get(status, 0) for status in ("open", "resolved", "superseded")},
        "prices": [
            {"provider": row.provider, "compared": row.compared, "agree": row.agree, "agreement": row.agreement}
            for row in report.prices
        ],
        "prices_total": {
            "compared": report.prices_total.compared,
            "agree": report.prices_total.agree,
            "agreement": report.prices_total.agreement,
        },
    }


class Command(BaseCommand):
    help = (
        "Report the data's quality: per source and field coverage and agreement with the other sources, "
        "the canonical models' completeness, the review queue and price agreement per provider."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the report as JSON")

    def handle(self, *args, as_json: bool, **options):
        report = quality_report()
        if as_json:
            self.stdout.write(json.dumps(report_json(report), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
            return
        for line in report_lines(report):
            self.stdout.write(line)
