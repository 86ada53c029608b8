"""Logical replication to the regional read replicas (aigo.db.replication).

    manage.py replication setup-primary
    manage.py replication add-replica --region eu-west --dsn postgres://postgres@replica:5432/aigo
    manage.py replication status
    manage.py replication maintain

Run as the owner / a superuser (DATABASE_URL's user, and the DSN's user on the replica):
publishing all tables and subscribing need one.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from aigo.db import replication
from aigo.db.health import replication_slots


class Command(BaseCommand):
    help = "Set up and watch logical replication from the primary to regional read replicas."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("setup-primary", help=f"create the {replication.PUBLICATION} publication")
        add = commands.add_parser("add-replica", help="copy the schema to a replica database and subscribe it")
        add.add_argument("--region", required=True, choices=settings.AIGO_REGIONS)
        add.add_argument("--dsn", required=True, help="the replica database, as a superuser")
        add.add_argument("--name", help="subscription and slot name (default replica_<region>)")
        add.add_argument("--timeout", type=float, default=300, help="seconds to wait for the first copy")
        commands.add_parser("status", help="the primary's replication slots and the configured replicas")
        commands.add_parser("maintain", help="partitions and materialized views on every configured replica")

    def handle(self, *args, command, **options):
        try:
            getattr(self, command.replace("-", "_"))(**options)
        except (RuntimeError, TimeoutError) as exc:
            raise CommandError(str(exc)) from exc

    def setup_primary(self, **options):
        created, no_identity = replication.primary_setup()
        verb = "created" if created else "already exists"
        self.stdout.write(f"publication {replication.PUBLICATION}: {verb}")
        if no_identity:
            self.stdout.write(
                "append-only (no primary key, so UPDATE/DELETE on them now fail on the primary): "
                + ", ".join(no_identity)
            )

    def add_replica(self, region, dsn, name, timeout, **options):
        name = replication.replica_add(region, dsn, name=name, timeout=timeout)
        self.stdout.write(f"subscription {name}: replicating (first copy done)")
        if region not in settings.AIGO_DB_REPLICAS:
            self.stdout.write(f"add {region}=<its URL> to AIGO_DB_REPLICAS to read from it")

    def status(self, **options):
        self.stdout.write("slot\ttype\tdatabase\tactive\tlag")
        for slot in replication_slots():
            active = "yes" if slot["active"] else "no"
            lag = "-" if slot["lag_bytes"] is None else filesizeformat(slot["lag_bytes"])
            self.stdout.write(f"{slot['slot_name']}\t{slot['slot_type']}\t{slot['database']}\t{active}\t{lag}")
        for replica in replication.replica_status():
            lag = (
                "unreachable or not subscribed" if replica["lag_seconds"] is None else f"{replica['lag_seconds']:.1f} s"
            )
            state = "serving reads" if replica["healthy"] else "skipped"
            self.stdout.write(f"replica {replica['region']} ({replica['alias']}): {lag}, {state}")

    def maintain(self, **options):
        for region, outcome in replication.replicas_maintain().items():
            self.stdout.write(f"{region}: {outcome}")
