"""Output serializers of the news API: localized text resolved for the negotiated locale."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aigo.api.locale import ALL, LocalizedTextField
from aigo.i18n import resolve

from ..rendering import render_localized, render_markdown


class MentionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.JSONField(help_text="Localized model name (a map with ?locale=*).")
    mention_type = serializers.ChoiceField(choices=["primary", "comparison", "brief"])


class NewsListSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = LocalizedTextField()
    summary = LocalizedTextField()
    category = serializers.CharField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    source_url = serializers.URLField(allow_null=True)
    image_url = serializers.URLField(allow_null=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    locale_primary = serializers.CharField()
    available_locales = serializers.ListField(child=serializers.CharField())
    is_featured = serializers.BooleanField()
    models = serializers.SerializerMethodField()

    @extend_schema_field(MentionSerializer(many=True))
    def get_models(self, article) -> list[dict]:
        # Built by hand from the prefetched mentions: no nested serializer per row.
        locale = self.context.get("locale", settings.AIGO_DEFAULT_LOCALE)
        return [
            {
                "slug": mention.model.slug,
                "name": mention.model.name if locale == ALL else resolve(mention.model.name, locale),
                "mention_type": mention.mention_type,
            }
            for mention in article.mentions.all()
        ]


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}],
        "description": "Sanitized HTML of the content in the negotiated locale; with ?locale=* a map per locale.",
    }
)
class RenderedContentField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, content):
        locale = self.context.get("locale", settings.AIGO_DEFAULT_LOCALE)
        if locale == ALL:
            return {key: render_markdown(text) for key, text in (content or {}).items()}
        return render_localized(content, locale)


class NewsDetailSerializer(NewsListSerializer):
    content_markdown = LocalizedTextField(source="content", help_text="The Markdown source.")
    content_html = RenderedContentField(source="content")
    view_count = serializers.IntegerField(help_text="Views so far, including views not yet flushed to the database.")


class NewsSearchResultSerializer(serializers.Serializer):
    """The news part of a search result (see catalog.api.views.Search)."""

    slug = serializers.SlugField()
    name = LocalizedTextField(source="title")
