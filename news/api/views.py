"""News read API: published articles only, newest first, localized like the catalog."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from aigo.api.cache import cached_response
from aigo.api.errors import BadRequest, ResourceNotFound
from aigo.api.locale import LOCALE_PARAMETER
from aigo.api.views import LocalizedAPIView
from aigo.i18n import normalize_locale
from catalog.models import AIModel

from .. import selectors
from ..models import CATEGORIES, NewsArticle
from ..view_counts import article_view_count, article_view_record
from .pagination import NewestFirstCursorPagination
from .serializers import NewsDetailSerializer, NewsListSerializer


class NewsListParams(serializers.Serializer):
    category = serializers.ChoiceField(choices=CATEGORIES, required=False)
    tag = serializers.CharField(required=False, max_length=100)
    model = serializers.SlugField(required=False, max_length=100, help_text="Articles mentioning this model.")
    available_in = serializers.CharField(
        required=False, max_length=20, help_text="Articles with a title and content in this locale, e.g. zh-CN."
    )
    featured = serializers.BooleanField(required=False, allow_null=True, default=None)
    to = serializers.DateField(required=False, help_text="Published on or before this day (UTC).")

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared above.
        fields["from"] = serializers.DateField(required=False, help_text="Published on or after this day (UTC).")
        return fields

    def validate_available_in(self, value: str) -> str:
        locale = normalize_locale(value)
        if locale is None:
            raise serializers.ValidationError(f"Unknown locale. Known locales: {', '.join(settings.AIGO_LOCALES)}.")
        return locale

    def validate(self, data):
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise serializers.ValidationError({"to": "Must not be before from."})
        return data


class NewsView(LocalizedAPIView, generics.ListAPIView):
    serializer_class = NewsListSerializer
    pagination_class = NewestFirstCursorPagination

    def filters(self) -> dict:
        params = NewsListParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return {
            "category": data.get("category"),
            "tag": data.get("tag"),
            "model": data.get("model"),
            "available_in": data.get("available_in"),
            "featured": data.get("featured"),
            "published_from": data.get("from"),
            "published_to": data.get("to"),
        }


@extend_schema(tags=["news"], parameters=[LOCALE_PARAMETER, NewsListParams])
class NewsList(NewsView):
    """Published articles, newest first, by cursor (follow `next`)."""

    def get_queryset(self):
        return selectors.news_list(**self.filters())

    @cached_response("news")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["news"], parameters=[LOCALE_PARAMETER])
class NewsDetail(LocalizedAPIView):
    """One published article: text in the negotiated locale, its Markdown and sanitized HTML.

    Not cached: every request counts a view and shows the live count."""

    serializer_class = NewsDetailSerializer

    def get(self, request, slug: str):
        try:
            article = selectors.news_detail(slug=slug)
        except NewsArticle.DoesNotExist:
            raise ResourceNotFound(f"No published article with slug {slug!r}.", {"slug": slug}) from None
        article_view_record(article.id)
        article.view_count = article_view_count(article)
        return Response(self.get_serializer(article).data)


@extend_schema(
    tags=["news"],
    parameters=[
        LOCALE_PARAMETER,
        NewsListParams,
        OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The model's slug."),
    ],
)
class ModelNews(NewsView):
    """Published articles mentioning one model, newest first."""

    def get_queryset(self):
        slug = self.kwargs["slug"]
        if not AIModel.objects.filter(slug=slug).exists():
            raise ResourceNotFound(f"No model with slug {slug!r}.", {"slug": slug})
        filters = self.filters()
        if filters["model"]:
            raise BadRequest("invalid_parameter", "The model is in the path; drop ?model=.")
        return selectors.news_list(**{**filters, "model": slug})

    @cached_response("news", "models")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
