"""Who did what: the audit context of each write request and the request log.

For every unsafe request to the admin or the API, the middleware opens a transaction and sets
`app.actor`, `app.ip` and `app.user_agent` with set_config(..., true) before the view runs, so
the audit_trigger() rows written by that request name the actor. After the response it writes
one audit_logs row (outside that transaction: a rolled-back write is still logged).
"""

import logging
import time
from contextlib import nullcontext

import orjson
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from aigo.api.ratelimit import client_ip
from aigo.db.values import jsonb_problem

log = logging.getLogger(__name__)

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SECRET_WORDS = ("password", "secret", "token", "key", "csrf", "authorization", "signature")
MAX_LOGGED_BYTES = 8192
# orjson writes the log row and stops at 254 levels; a request log needs far fewer.
MAX_LOGGED_DEPTH = 32


def actor_of_key(key) -> str:
    return f"key:{key.public_id}"


def actor_of(request) -> str:
    auth = getattr(request, "auth", None)
    if getattr(auth, "public_id", None):
        return actor_of_key(auth)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}:{user.get_username()}"
    return "anonymous"


def audit_context_set(*, actor: str, ip: str | None, user_agent: str) -> None:
    """Transaction-local, so it can never reach another request on this connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.actor', %s, true), set_config('app.ip', %s, true),"
            " set_config('app.user_agent', %s, true)",
            [actor, ip or "", user_agent[:500]],
        )


def _scrub(data):
    """A copy with secret-looking keys redacted; containers deeper than MAX_LOGGED_DEPTH are
    summarised. Walked with a stack, not recursion, so no body can exhaust the interpreter's."""
    holder = [None]
    pending = [(holder, 0, data, 1)]
    while pending:
        parent, slot, value, depth = pending.pop()
        if isinstance(value, dict | list) and depth > MAX_LOGGED_DEPTH:
            parent[slot] = "[nested too deep]"
        elif isinstance(value, dict):
            copy = parent[slot] = dict.fromkeys(value)
            for key, item in value.items():
                if any(word in str(key).lower() for word in SECRET_WORDS):
                    copy[key] = "[redacted]"
                else:
                    pending.append((copy, key, item, depth + 1))
        elif isinstance(value, list):
            copy = parent[slot] = [None] * len(value)
            pending.extend((copy, index, item, depth + 1) for index, item in enumerate(value))
        else:
            parent[slot] = value
    return holder[0]


def request_data(request, body: bytes | None) -> dict | None:
    """The request's form or JSON body with anything secret-looking redacted, size-capped."""
    if body is not None:
        try:
            # Strict JSON: NaN, which Python's json accepts, would make jsonb refuse the log row.
            data = orjson.loads(body[:MAX_LOGGED_BYTES] or b"null")
        except orjson.JSONDecodeError:
            return {"unparsed_bytes": len(body)}
    else:
        data = {key: values if len(values) > 1 else values[0] for key, values in request.POST.lists()}
    data = _scrub(data)
    if problem := jsonb_problem(data):
        return {"unloggable": problem}  # the row itself must not be refused
    if len(orjson.dumps(data, default=str)) > MAX_LOGGED_BYTES:
        return {"truncated": True}
    return data


def audit_log_write(*, request, body: bytes | None, response, duration_ms: int) -> None:
    match = getattr(request, "resolver_match", None)
    resource = match.view_name if match else request.path[:50]
    resource_id = (match.kwargs.get("object_id") or match.kwargs.get("pk")) if match else None
    user = getattr(request, "user", None)
    # Alone, the INSERT commits itself (one round trip, not BEGIN, INSERT, COMMIT); within a caller's
    # transaction, a savepoint keeps a refused row from aborting it.
    alone = not connection.in_atomic_block
    try:
        with nullcontext() if alone else transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO audit_logs (timestamp, user_id, action, resource_type, resource_id, ip_address,
                                           user_agent, request_data, response_status, duration_ms, actor)
                   VALUES (now(), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                [
                    None,
                    f"{request.method} {request.path}"[:100],
                    resource[:50],
                    resource_id if resource_id and len(str(resource_id)) == 36 else None,
                    client_ip(request) or None,
                    request.META.get("HTTP_USER_AGENT", "")[:500],
                    orjson.dumps(request_data(request, body), default=str).decode(),
                    response.status_code,
                    duration_ms,
                    actor_of(request),
                ],
            )
    except DatabaseError:
        log.exception("request log row not written (user %s)", getattr(user, "pk", None))


class AuditMiddleware:
    """Wraps admin and API writes in a transaction carrying the audit context, and logs them."""

    PREFIXES = ("/api/", f"/{settings.ADMIN_URL}")
    # Analytics beacons write no editorial data, come by the thousand, and are promised not to
    # keep the visitor's IP address (README, Privacy): no request log for them.
    UNLOGGED = ("/api/v1/events",)

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _small_json_body(request) -> bytes | None:
        """The JSON body, read now (a parser will consume the stream) but only when it is small:
        large ones (probe batches) are logged by size, and never held twice in memory."""
        if request.content_type != "application/json":
            return None
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        return request.body if size <= MAX_LOGGED_BYTES else b'{"bytes": %d}' % size

    def __call__(self, request):
        path = request.path
        if request.method not in UNSAFE or not path.startswith(self.PREFIXES) or path.startswith(self.UNLOGGED):
            return self.get_response(request)
        started = time.monotonic()
        body = self._small_json_body(request)
        with transaction.atomic():
            audit_context_set(
                actor=actor_of(request), ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
            )
            response = self.get_response(request)
        elapsed_ms = round((time.monotonic() - started) * 1000)
        audit_log_write(request=request, body=body, response=response, duration_ms=elapsed_ms)
        return response
