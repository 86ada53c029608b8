"""Incident writes, from the admin, the services or detection, drop the cached status pages that
list the open incidents."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from aigo.api.cache import response_cache
from status.live import CACHE_KIND
from status.models import Incident


def _incidents_changed(sender, **kwargs) -> None:
    transaction.on_commit(lambda: response_cache.invalidate(CACHE_KIND))


post_save.connect(_incidents_changed, sender=Incident, dispatch_uid="status-incident-changed-save")
post_delete.connect(_incidents_changed, sender=Incident, dispatch_uid="status-incident-changed-delete")
