"""The site's forms carry no CSRF token (pages are cached and shared by everyone): browsers say
where a form came from, and other sites' forms are refused.

`Sec-Fetch-Site` when the browser sends it; else the `Origin`, which must be this site's scheme,
host and port (`Origin: null`, sent by sandboxed frames and some redirects, is another site); else
the `Referer`, by the same rule. A request with none of them is not a browser's form post.
"""

from urllib.parse import urlsplit


def _ours(request, url: str) -> bool:
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc) == (request.scheme, request.get_host())


def same_site(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "same-site", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and _ours(request, origin)
    referer = request.headers.get("Referer")
    return referer is None or _ours(request, referer)
