"""What `manage.py rebuild_redis` refills. Each app whose data has a fast copy in Redis registers a
step from its AppConfig.ready(); the command runs the steps in the order the apps are installed.
The core names no app: a new app brings its own step instead of editing the command.

A finished rebuild leaves a marker key. Redis restarted empty or flushed loses it with the rest,
so the periodic `rebuild_redis_if_lost` task notices within seconds and rebuilds without anyone
running the command."""

from collections.abc import Callable

from django.utils import timezone

from aigo.redis.client import redis_client, rkey

# Refills one app's keys from PostgreSQL and returns a line for the report; raises RedisError
# when Redis cannot be reached.
RebuildStep = Callable[[], str]

_steps: dict[str, RebuildStep] = {}


def rebuild_step_register(name: str, step: RebuildStep) -> None:
    """Add (or replace, when an app is set up again) the step called `name`."""
    _steps[name] = step


def rebuild_steps() -> list[tuple[str, RebuildStep]]:
    return list(_steps.items())


def _marker() -> str:
    return rkey("redis", "rebuilt_at")


def rebuild_marked() -> None:
    """Call after every step ran: Redis holds everything it should."""
    redis_client().set(_marker(), timezone.now().isoformat())


def redis_rebuild_if_lost() -> list[str]:
    """Every step's report when the marker was gone (nothing when Redis kept its data). Raises
    RedisError when Redis cannot be reached: the next run tries again."""
    if redis_client().exists(_marker()):
        return []
    lines = [step() for _name, step in rebuild_steps()]
    rebuild_marked()
    return lines
