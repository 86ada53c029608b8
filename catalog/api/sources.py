"""Where the catalog's data comes from: each source, its licence and the credit it asks for, its
last import and how much of the catalog it gives (catalog.quality)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from aigo.api.cache import cached_response
from aigo.api.views import LocalizedAPIView
from catalog.quality import sources_summary


class SourceImportSerializer(serializers.Serializer):
    version = serializers.CharField()
    snapshot_date = serializers.DateField(allow_null=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField(help_text="running, done or failed.")
    counts = serializers.JSONField(help_text="What it found and changed.")


class SourceSerializer(serializers.Serializer):
    """A catalog.quality.SourceQuality: the source's description and what the catalog holds of it."""

    name = serializers.CharField(source="info.name", help_text="The source's id, as in `sources` blocks.")
    title = serializers.CharField(source="info.title")
    url = serializers.URLField(source="info.url")
    licence = serializers.CharField(source="info.licence")
    licence_url = serializers.URLField(source="info.licence_url")
    attribution = serializers.CharField(
        source="info.attribution", help_text="The credit its licence asks for where its data is shown; may be empty."
    )
    version = serializers.CharField(source="info.version", help_text="The version installed with AI-GO.")
    snapshot_date = serializers.DateField(source="info.snapshot_date", allow_null=True, help_text="Data as of.")
    last_import = SourceImportSerializer(allow_null=True)
    values = serializers.IntegerField(help_text="Current values it states about catalog rows.")
    offers = serializers.IntegerField(source="rows", help_text="Model offers it describes.")
    scores = serializers.IntegerField(help_text="Benchmark scores taken from it.")


@extend_schema(tags=["sources"])
class SourceList(LocalizedAPIView, generics.ListAPIView):
    """Every source of the catalog's data, its licence and attribution, last import and counts."""

    serializer_class = SourceSerializer
    pagination_class = None

    def get_queryset(self):
        return list(sources_summary().values())

    # "sources": an import's finishing changes the last import even when the catalog does not change.
    @cached_response("models", "benchmarks", "sources")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
