"""Django's migrate, logged in as the tables' owner (aigo/db/owner.py): the app role may not change the schema."""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS

from aigo.db.owner import owner_login


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options["database"] != DEFAULT_DB_ALIAS:  # a replica's schema is copied, never migrated
            return super().handle(*args, **options)
        with owner_login():
            return super().handle(*args, **options)
