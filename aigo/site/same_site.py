"""The site's forms carry no CSRF token (pages are cached and shared by everyone): browsers say
where a form came from, and other sites' forms are refused."""

from urllib.parse import urlsplit


def same_site(request) -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "same-site", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == "null" or urlsplit(origin).netloc == request.get_host()
