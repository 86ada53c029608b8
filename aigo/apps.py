from django.apps import AppConfig


class AigoConfig(AppConfig):
    name = "aigo"
    verbose_name = "AI-GO core"

    def ready(self) -> None:
        from . import db, signals  # noqa: F401  (the app database role; the periodic task recorder)
