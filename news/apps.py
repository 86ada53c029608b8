from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects cache invalidation to news writes)
