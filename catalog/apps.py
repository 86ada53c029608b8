from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from aigo.ops.health import ready_report_register

        from . import signals  # noqa: F401  (connects cache invalidation to catalog writes)
        from .listings import listings_age

        ready_report_register("listings", listings_age)
