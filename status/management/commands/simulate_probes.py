"""Fill status_probes with realistic synthetic probes through the ingestion service.

Backfills the last --days at --interval-minutes, one 24-hour chunk at a time (a progress line
and a rollup run after each), then with --live keeps sending one round per --live-interval-seconds
until Ctrl-C. Safe to re-run: the same seed gives the same models and values at the same aligned
times, and ingestion's dedupe stores nothing twice. Rows carry metadata.simulated = true.
"""

from collections.abc import Iterable
from datetime import timedelta
from time import monotonic, sleep

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from aigo.db.partitions import partitions_ensure
from catalog.models import AIModel
from status.ingest import MAX_ROWS, InvalidProbes, probes_ingest
from status.rollups import status_rollup
from status.simulation import Simulator, floor_time, models_pick

DAY = timedelta(days=1)


def _candidates() -> list[tuple[str, int]]:
    """Active models as (slug, tier): a maker's own current models first, then its older ones, then the rest."""
    own = Q(foundation_model=F("slug"))
    tier = Case(
        When(own & Q(deprecated_at__isnull=True), then=Value(0)),
        When(own, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(AIModel.objects.filter(is_active=True).annotate(tier=tier).values_list("slug", "tier"))


class Command(BaseCommand):
    help = "Generate realistic probe data (diurnal latency, outages, error bursts) through probes_ingest."

    def add_arguments(self, parser):
        parser.add_argument("--models", type=int, default=50, help="How many active models (default 50).")
        parser.add_argument("--regions", type=int, default=5, help="The first N of AIGO_REGIONS (default 5).")
        parser.add_argument("--days", type=int, default=7, help="Backfill this many days up to now (default 7).")
        parser.add_argument("--interval-minutes", type=int, default=5, help="Backfill probe interval (default 5).")
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same models and values (default 42).")
        parser.add_argument("--live", action="store_true", help="After the backfill, keep probing until Ctrl-C.")
        parser.add_argument(
            "--live-interval-seconds", type=int, default=60, help="Seconds between live rounds (default 60)."
        )

    def handle(self, *args, **options):
        regions = list(settings.AIGO_REGIONS)
        if options["models"] < 1:
            raise CommandError("--models must be at least 1.")
        if not 1 <= options["regions"] <= len(regions):
            raise CommandError(f"--regions must be from 1 to {len(regions)} (AIGO_REGIONS: {', '.join(regions)}).")
        if not 0 <= options["days"] < settings.AIGO_STATUS_RETENTION_DAYS:
            raise CommandError(f"--days must be from 0 to {settings.AIGO_STATUS_RETENTION_DAYS - 1} (the retention).")
        if not 1 <= options["interval_minutes"] <= 1440 or options["live_interval_seconds"] < 1:
            raise CommandError("--interval-minutes must be from 1 to 1440, --live-interval-seconds at least 1.")

        models = models_pick(_candidates(), options["models"], options["seed"])
        if not models:
            raise CommandError("No active models in the catalog: import it first.")
        if len(models) < options["models"]:
            self.stderr.write(f"Only {len(models)} active models: simulating those.")
        interval = timedelta(minutes=options["interval_minutes"])
        simulator = Simulator(
            models=models, regions=regions[: options["regions"]], seed=options["seed"], interval=interval
        )
        partitions_ensure()  # the daily partitions of the whole retention window exist before the COPY

        self.stored = self.duplicates = 0
        started = monotonic()
        try:
            self._backfill(simulator, options["days"])
            if options["live"]:
                self._live(simulator, timedelta(seconds=options["live_interval_seconds"]))
        except KeyboardInterrupt:
            status_rollup()  # whatever was committed gets its rollups
            self._say(f"Interrupted: {self.stored:,} stored, {self.duplicates:,} duplicates so far (re-run to resume).")
            return
        elapsed = monotonic() - started
        total = self.stored + self.duplicates
        self._say(
            f"Done: {self.stored:,} stored, {self.duplicates:,} duplicates in {elapsed:.1f} s"
            f" ({total / max(elapsed, 1e-9):,.0f} rows/s)."
        )

    def _backfill(self, simulator: Simulator, days: int) -> None:
        end = floor_time(timezone.now(), simulator.interval) + simulator.interval  # the newest slot is not ahead
        start = end - DAY * days if days else end - simulator.interval  # --days 0: the current slot only
        locations = ", ".join(location.name for location in simulator.locations)
        self._say(
            f"Simulating {len(simulator.models)} models x {len(simulator.regions)} regions ({locations})"
            f" every {simulator.interval.total_seconds() / 60:g} min over {days} day(s):"
            f" {simulator.count(start, end):,} probes, seed {simulator.seed}."
        )
        chunks = max(1, days)
        for index in range(chunks):
            chunk_start, chunk_end = start + DAY * index, min(end, start + DAY * (index + 1))
            began = monotonic()
            stored, duplicates = self._send(simulator.probes(chunk_start, chunk_end))
            rollup = status_rollup()
            elapsed = monotonic() - began
            self._say(
                f"day {index + 1}/{chunks} {chunk_start:%Y-%m-%d %H:%M}Z: {stored:,} stored, {duplicates:,} duplicates,"
                f" {(stored + duplicates) / max(elapsed, 1e-9):,.0f} rows/s;"
                f" rolled up {rollup['five_minute']:,} 5-min and {rollup['hourly']:,} hourly buckets"
            )

    def _live(self, simulator: Simulator, step: timedelta) -> None:
        self._say(f"Live: one round every {step.total_seconds():g} s, Ctrl-C to stop.")
        while True:
            now = timezone.now()
            when = floor_time(now, step)
            stored, duplicates = self._send(simulator.probes_at(when))
            status_rollup()
            state = "live state updated" if self.live_state_updated else "live state NOT updated (Redis unreachable)"
            self._say(f"live {when:%H:%M:%S}Z: {stored:,} stored, {duplicates:,} duplicates, {state}")
            sleep(max(0.0, (when + step - timezone.now()).total_seconds()))

    def _send(self, probes: Iterable[dict]) -> tuple[int, int]:
        stored = duplicates = 0
        self.live_state_updated = True
        batch: list[dict] = []

        def flush() -> None:
            nonlocal stored, duplicates
            try:
                report = probes_ingest(rows=batch)
            except InvalidProbes as error:  # a bug in the generator: say what, store nothing more
                raise CommandError(f"The simulator produced invalid probes: {error.errors[:3]}") from error
            stored += report.stored
            duplicates += report.duplicates
            self.stored += report.stored  # kept per batch, so an interrupted run reports what it committed
            self.duplicates += report.duplicates
            self.live_state_updated = self.live_state_updated and report.live_state_updated is not False
            batch.clear()

        for probe in probes:
            batch.append(probe)
            if len(batch) >= MAX_ROWS:
                flush()
        if batch:
            flush()
        return stored, duplicates

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
