"""Rebuild a table online, without blocking its readers and writers for more than one short swap (aigo/db/rebuild/)."""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from aigo.db.owner import owner_connect
from aigo.db.rebuild import Mismatch, Refused, rebuild
from aigo.db.replication import replica_subscribers


class Command(BaseCommand):
    help = (
        "Rebuild TABLE online: copy it beside itself while a trigger keeps the copy in step, verify, swap in one "
        "short transaction, drop the old table (unless --keep-old). Run as the table's owner, like migrations. "
        "With replicas (AIGO_DB_REPLICAS), each must be reachable: they keep replicating throughout."
    )

    def add_arguments(self, parser):
        parser.add_argument("table", help="table name, optionally schema-qualified (default schema public)")
        parser.add_argument("--dry-run", action="store_true", help="print every statement in order; change nothing")
        parser.add_argument("--keep-old", action="store_true", help="keep the old table as <table>_old")
        parser.add_argument("--abort", action="store_true", help="drop an unfinished <table>_rebuild and its trigger")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--pause", type=float, default=0, help="seconds to sleep between batches (throttle)")
        parser.add_argument(
            "--lock-timeout",
            default="2s",
            help="for each transaction that takes locks (at most half the server's deadlock_timeout)",
        )
        parser.add_argument("--retries", type=int, default=5, help="attempts of a transaction that times out on locks")
        parser.add_argument("--database", default="default")

    def handle(self, *args, table: str, database: str, **options):
        try:
            subscribers = replica_subscribers() if database == "default" else []
        except psycopg.Error as error:
            raise CommandError(f"A replica cannot be reached ({error}); nothing was changed") from None
        # A connection of its own as the tables' owner, not Django's: that one is the app role, which owns nothing.
        with owner_connect(connections[database].settings_dict["NAME"], autocommit=True) as conn:
            try:
                rebuild(
                    conn,
                    table,
                    batch_size=options["batch_size"],
                    pause=options["pause"],
                    keep_old=options["keep_old"],
                    dry_run=options["dry_run"],
                    abort=options["abort"],
                    lock_timeout=options["lock_timeout"],
                    retries=options["retries"],
                    subscribers=subscribers,
                    out=self.stdout.write,
                )
            except Refused as error:
                raise CommandError(f"Refused, nothing was changed: {error}") from None
            except Mismatch as error:
                raise CommandError(f"Verification failed: {error}") from None
            except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected) as error:
                raise CommandError(f"Could not take the locks ({error}); rerun to resume") from None
