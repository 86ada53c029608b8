from django.apps import AppConfig


class AigoConfig(AppConfig):
    name = "aigo"
    verbose_name = "AI-GO core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the periodic task recorder)
