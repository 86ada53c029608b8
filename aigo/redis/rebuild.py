"""What `manage.py rebuild_redis` refills. Each app whose data has a fast copy in Redis registers a
step from its AppConfig.ready(); the command runs the steps in the order the apps are installed.
The core names no app: a new app brings its own step instead of editing the command."""

from collections.abc import Callable

# Refills one app's keys from PostgreSQL and returns a line for the report; raises RedisError
# when Redis cannot be reached.
RebuildStep = Callable[[], str]

_steps: dict[str, RebuildStep] = {}


def rebuild_step_register(name: str, step: RebuildStep) -> None:
    """Add (or replace, when an app is set up again) the step called `name`."""
    _steps[name] = step


def rebuild_steps() -> list[tuple[str, RebuildStep]]:
    return list(_steps.items())
