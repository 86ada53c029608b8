"""GET /api/v1/exports/: the dated exports of the catalog, newest first, each with its manifest
and the address of each file; GET /exports/<day>/<file>: a file of one."""

import re

from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aigo.api.negotiation import JSONOnlyNegotiation
from catalog.exports import exports_list
from catalog.exports.build import FORMATS, exports_root
from catalog.exports.tables import TABLES

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FILES = {f"{table}.{fmt}" for table in TABLES for fmt in FORMATS} | {"manifest.json"}


class ExportSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The catalog as it stood at the end of this day.")
    generated_at = serializers.DateTimeField()
    tables = serializers.JSONField(help_text="Per table: rows, and per format its file, url, sha256 and bytes.")
    sources = serializers.JSONField(help_text="Each source's licence and the credit it asks for.")
    manifest_url = serializers.URLField()


@extend_schema(tags=["exports"], responses=ExportSerializer(many=True))
class ExportList(APIView):
    """The catalog's daily exports (CSV, JSON Lines, Parquet), newest first."""

    content_negotiation_class = JSONOnlyNegotiation
    pagination_class = None

    def get(self, request):
        exports = []
        for manifest in exports_list():
            day = manifest["as_of"]
            for table in manifest["tables"].values():
                for entry in table["files"].values():
                    entry["url"] = request.build_absolute_uri(reverse("export_file", args=[day, entry["file"]]))
            manifest["manifest_url"] = request.build_absolute_uri(reverse("export_file", args=[day, "manifest.json"]))
            exports.append(manifest)
        return Response(ExportSerializer(exports, many=True).data, headers={"Cache-Control": "public, max-age=300"})


def export_file(request, day: str, name: str):
    if not DAY.match(day) or name not in FILES:
        raise Http404("No such export file.")
    path = exports_root() / day / name
    if not path.is_file():
        raise Http404("No such export file.")
    response = FileResponse(path.open("rb"), as_attachment=name != "manifest.json", filename=name)
    response["Cache-Control"] = f"public, max-age={settings.AIGO_EXPORT_RETENTION_DAYS * 86400}, immutable"
    return response
