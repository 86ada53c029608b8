from django.apps import AppConfig


class AigoConfig(AppConfig):
    name = "aigo"
    verbose_name = "AI-GO core"

    def ready(self) -> None:
        # The app database role and its deploy check; the periodic task recorder; the Celery task counter of /metrics.
        from aigo import checks  # noqa: F401
        from aigo.db import role  # noqa: F401
        from aigo.ops import metrics, task_runs  # noqa: F401
