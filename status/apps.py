from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "status"
    verbose_name = "Live status"
