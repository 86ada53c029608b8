"""GET /api/v1/search/: models, providers and news ranked together, composed from each app's
search (catalog.selectors, news.selectors) on one relevance scale."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from aigo.api.cache import cached_response
from aigo.api.locale import LOCALE_PARAMETER
from aigo.api.views import LocalizedAPIView
from catalog import selectors
from catalog.api.serializers import ModelListSerializer, ProviderSerializer
from news.api.serializers import NewsSearchResultSerializer
from news.selectors import news_search


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["model", "provider", "news"])
    rank = serializers.FloatField(help_text="Relevance, 0 to 1; models, providers and news share the scale.")
    slug = serializers.CharField()
    name = serializers.JSONField(help_text="Localized name (models), name (providers) or localized title (news).")


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SearchResultSerializer(many=True)


class SearchParams(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="What to look for: a name in any locale, even misspelled.")
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)


@extend_schema(
    tags=["search"],
    parameters=[LOCALE_PARAMETER, SearchParams],
    responses=SearchSerializer,
    examples=[
        OpenApiExample(
            "A misspelled provider",
            value={
                "query": "antropic",
                "results": [
                    {"type": "provider", "rank": 0.63, "slug": "anthropic", "name": "Anthropic"},
                    {"type": "model", "rank": 0.56, "slug": "claude-sonnet-4", "name": "Claude Sonnet 4"},
                ],
            },
            response_only=True,
        )
    ],
)
class Search(LocalizedAPIView):
    """Models, providers and published news ranked together; typos, punctuation-free names and CJK substrings match."""

    @cached_response("models", "news")
    def get(self, request):
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, limit = params.validated_data["q"], params.validated_data["limit"]
        ranked = selectors.models_search(query=query, locale=self.locale, limit=limit)
        listings = selectors.listing_list().in_bulk([model_id for model_id, _ in ranked])
        context = self.get_serializer_context()
        results = [
            {"type": "model", "rank": round(rank, 4), **ModelListSerializer(listings[model_id], context=context).data}
            for model_id, rank in ranked
            if model_id in listings  # the view may lag a just-deleted model by a refresh
        ]
        results += [
            {"type": "provider", "rank": round(rank, 4), **ProviderSerializer(provider).data}
            for provider, rank in selectors.providers_search(query=query, limit=limit)
        ]
        results += [
            {"type": "news", "rank": round(rank, 4), **NewsSearchResultSerializer(article, context=context).data}
            for article, rank in news_search(query=query, locale=self.locale, limit=limit)
        ]
        results.sort(key=lambda result: (-result["rank"], result["type"], result["slug"]))
        return Response({"query": query, "results": results[:limit]})
