"""The seed's news tables: news_articles and news_model_mentions.

Deviations from the seed: columns with a default are NOT NULL (as in the catalog); author_id
references our staff users, whose ids are integers (django.contrib.auth), not the seed's UUID;
`search_vector` and `search_text` (for search) are added and, like `available_locales`, kept by
the news_articles_derive() trigger (migration 0002).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from aigo.fields import created_at_field, json_map_field, updated_at_field, uuid_primary_key
from aigo.i18n import LocalizedField, locale_choices, resolve

EN = ("en-US",)

CATEGORIES = [
    ("release", _("Model release")),
    ("update", _("Model update")),
    ("pricing", _("Pricing")),
    ("benchmark", _("Benchmarks")),
    ("research", _("Research")),
    ("policy", _("Policy and regulation")),
    ("industry", _("Industry")),
    ("outage", _("Outage")),
]

MENTION_TYPES = [
    ("primary", _("Primary subject")),
    ("comparison", _("Compared with")),
    ("brief", _("Mentioned briefly")),
]

SLUG_MAX = 200
# Kept by triggers or by the view-count flush: an editor's save never writes them back, so a
# form opened before a flush cannot undo it.
DB_MAINTAINED = {"view_count", "available_locales", "search_vector", "search_text", "created_at", "updated_at"}

http_url = URLValidator(schemes=["http", "https"])


def _http_url_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__regex": r"^https?://"}),
        name=f"news_articles_{field}_http",
        violation_error_message="Use an http or https URL.",
    )


class NewsArticleQuerySet(models.QuerySet):
    def published(self) -> "NewsArticleQuerySet":
        """Visible to readers: published, and not scheduled for later."""
        # uses index: idx_news_published
        return self.filter(published_at__lte=timezone.now())


class NewsArticle(models.Model):
    id = uuid_primary_key()
    # Left blank in the admin, it is made from the English title (see save()).
    slug = models.SlugField(
        max_length=SLUG_MAX, blank=True, db_index=False, help_text="Leave empty to make one from the English title."
    )
    title = LocalizedField(required_locales=EN)
    summary = LocalizedField(null=True, blank=True, long_text=True)
    content = LocalizedField(null=True, blank=True, long_text=True, help_text="Markdown, one text per locale.")
    # The seed's author_id, typed as our user ids; an article outlives its author's account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_column="author_id",
        db_index=False,
        related_name="news_articles",
        limit_choices_to={"is_staff": True},
    )
    category = models.CharField(max_length=50, choices=CATEGORIES, null=True, blank=True)
    tags = ArrayField(models.TextField(), default=list, db_default=Value("{}"), blank=True)
    source_url = models.URLField(max_length=500, null=True, blank=True, validators=[http_url])
    image_url = models.URLField(max_length=500, null=True, blank=True, validators=[http_url])
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: draft. In the future: scheduled, hidden until then."
    )
    locale_primary = models.CharField(max_length=10, choices=locale_choices, default="en-US", db_default="en-US")
    available_locales = ArrayField(models.TextField(), default=list, db_default=Value("{}"), editable=False)
    view_count = models.IntegerField(default=0, db_default=0, editable=False)
    is_featured = models.BooleanField(default=False, db_default=False)
    metadata = json_map_field()
    created_at = created_at_field()
    updated_at = updated_at_field()
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(null=True, editable=False)

    objects = NewsArticleQuerySet.as_manager()

    class Meta:
        db_table = "news_articles"
        verbose_name = "news article"
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="news_articles_slug_key"),
            models.CheckConstraint(
                condition=Q(title__has_key="en-US"),
                name="news_articles_title_has_en_us",
                violation_error_message="The article needs an en-US title.",
            ),
            models.CheckConstraint(
                condition=Q(view_count__gte=0),
                name="news_articles_view_count_non_negative",
                violation_error_message="The view count cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(category__in=[value for value, _ in CATEGORIES]),
                name="news_articles_category_known",
                violation_error_message="Unknown category.",
            ),
            _http_url_check("source_url"),
            _http_url_check("image_url"),
        ]
        indexes = [
            # the API list and feeds: published_at <= now() ORDER BY published_at DESC
            models.Index(fields=["-published_at"], name="idx_news_published"),
            # ?category=
            models.Index(fields=["category"], name="idx_news_category"),
            # ?tag=: tags @> '{gpt}'
            GinIndex(fields=["tags"], name="idx_news_tags"),
            models.Index(fields=["locale_primary"], name="idx_news_locale"),
            # ?available_in=: available_locales @> '{zh-CN}'
            GinIndex(fields=["available_locales"], name="idx_news_available_locales"),
            # news_search(): search_vector @@ tsquery
            GinIndex(fields=["search_vector"], name="idx_news_search"),
            # news_search(): substrings and typos of a title (word_similarity, LIKE '%...%')
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="idx_news_search_text"),
        ]

    def __str__(self) -> str:
        return resolve(self.title) or self.slug

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    def clean(self) -> None:
        super().clean()
        primary = self.locale_primary
        if primary and not ((self.title or {}).get(primary) and (self.content or {}).get(primary)):
            raise ValidationError(
                {"locale_primary": f"The primary locale {primary} needs a title and content in that locale."}
            )

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(resolve(self.title, "en-US") or "", exclude_id=self.id)
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in DB_MAINTAINED
            ]
        super().save(*args, **kwargs)


def unique_slug(title: str, *, exclude_id=None) -> str:
    """A slug of `title` no other article has: "title", else "title-2", "title-3"..."""
    base = slugify(title)[: SLUG_MAX - 10].strip("-") or "article"
    taken = set(
        NewsArticle.objects.filter(Q(slug=base) | Q(slug__regex=rf"^{base}-[0-9]+$"))
        .exclude(id=exclude_id)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


class NewsModelMention(models.Model):
    pk = models.CompositePrimaryKey("news", "model")
    # The primary key (news_id, model_id) serves lookups by article.
    news = models.ForeignKey(
        NewsArticle, on_delete=models.CASCADE, related_name="mentions", db_column="news_id", db_index=False
    )
    model = models.ForeignKey(
        "catalog.AIModel", on_delete=models.CASCADE, related_name="news_mentions", db_column="model_id", db_index=False
    )
    mention_type = models.CharField(max_length=50, choices=MENTION_TYPES, default="primary", db_default="primary")

    class Meta:
        db_table = "news_model_mentions"
        verbose_name = "model mention"
        indexes = [
            # a model's news: /models/{slug}/news/, ?model=, the per-model feeds
            models.Index(fields=["model"], name="idx_news_mentions_model"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mention_type__in=[value for value, _ in MENTION_TYPES]),
                name="news_model_mentions_type_known",
                violation_error_message="Unknown mention type.",
            ),
        ]

    def __str__(self) -> str:
        # A deleted row has lost its key (the admin names it after deleting it).
        return f"{self.model if self.model_id else 'model'} ({self.mention_type})"


class ViewFlush(models.Model):
    """A view-count flush applied to news_articles.view_count (news/view_counts.py): recorded in
    the same transaction as its UPDATE, so a flush is never applied twice."""

    flush_id = models.CharField(max_length=64, primary_key=True)
    applied_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "news_view_flushes"
        default_permissions = ()
