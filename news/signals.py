"""Every write to an article or a mention drops the cached news responses (lists, per-model
news, and search, which ranks news with models)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from aigo.api.cache import response_cache

from .models import NewsArticle, NewsModelMention


def news_changed() -> None:
    """Call after any news write (signals do for saves and deletes; bulk updates call it themselves)."""
    transaction.on_commit(lambda: response_cache.invalidate("news"))


def _changed(sender, **kwargs) -> None:
    news_changed()


for model in (NewsArticle, NewsModelMention):
    post_save.connect(_changed, sender=model, dispatch_uid=f"news-changed-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"news-changed-delete-{model.__name__}")
