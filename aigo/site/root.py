"""The site's root addresses: / sends a visitor to their locale; robots.txt."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_vary_headers

from aigo.site.visitor import preferred_locale


def root(request):
    response = HttpResponseRedirect(f"/{preferred_locale(request)}/")
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /*/preferences",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
