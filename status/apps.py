from django.apps import AppConfig


def _rebuild_live_state() -> str:
    from status.live import live_state_rebuild

    pairs, probes = live_state_rebuild()
    return f"Live status rebuilt: {pairs} model/region pairs from {probes} probes."


class StatusConfig(AppConfig):
    name = "status"
    verbose_name = "Live status"

    def ready(self) -> None:
        from aigo.redis.rebuild import rebuild_step_register
        from status import signals  # noqa: F401  (connects cache invalidation to incident writes)

        rebuild_step_register("live status", _rebuild_live_state)
