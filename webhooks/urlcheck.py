"""Where a webhook may point: HTTPS, and a public address (no SSRF into the private network).

Checked when an endpoint is registered and again before every send, as the name may resolve
elsewhere by then. AIGO_WEBHOOKS_ALLOW_HTTP and AIGO_WEBHOOKS_ALLOW_PRIVATE lift the rules for
development and tests.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeURL(ValueError):
    pass


def _addresses(host: str, port: int) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeURL(f"{host} does not resolve ({error}).") from None
    return {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}


def url_check(url: str) -> None:
    """Raise UnsafeURL when `url` may not receive webhooks."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.AIGO_WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise UnsafeURL("Webhook URLs must use https.")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeURL("Webhook URLs need a host and no credentials.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL("The port is not a number from 1 to 65535.") from None
    if settings.AIGO_WEBHOOKS_ALLOW_PRIVATE:
        return
    for address in _addresses(parts.hostname, port):
        if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 is 127.0.0.1
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise UnsafeURL(f"{parts.hostname} resolves to {address}, which is not a public address.")
