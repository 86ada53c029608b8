from django.apps import AppConfig


def _rebuild_trending() -> str:
    from analytics.trending import trending_rebuild

    days, views = trending_rebuild()
    return f"Trending rebuilt: {views} model views over {days} days."


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from aigo.redis.rebuild import rebuild_step_register

        rebuild_step_register("trending", _rebuild_trending)
