"""Refill Redis from PostgreSQL, e.g. after a Redis restart or flush: every step the apps
registered (aigo.redis.rebuild), in the order the apps are installed."""

from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from aigo.redis.rebuild import rebuild_marked, rebuild_steps


class Command(BaseCommand):
    help = "Rebuild what Redis holds of PostgreSQL's data: live status, rankings, trending sets."

    def handle(self, *args, **options):
        rebuilt = []
        for name, step in rebuild_steps():
            try:
                line = step()
            except RedisError as error:
                done = f"rebuilt {', '.join(rebuilt)}, not {name}" if rebuilt else "nothing rebuilt"
                raise CommandError(f"Redis is unreachable: {done}.") from error
            rebuilt.append(name)
            self.stdout.write(line)
        rebuild_marked()
