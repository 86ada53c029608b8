"""The app's URLs plus /bench/floor/<name>: a bare Django view returning pre-serialized bytes,
the fastest any endpoint could answer through the same server and middleware."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from aigo.urls import urlpatterns as app_urlpatterns


@cache
def _body(name: str) -> bytes:
    return (Path(settings.BASE_DIR) / ".local" / "bench" / f"{name}.json").read_bytes()


def floor(request, name: str) -> HttpResponse:
    return HttpResponse(_body(name), content_type="application/json")


urlpatterns = [path("bench/floor/<slug:name>", floor), *app_urlpatterns]
