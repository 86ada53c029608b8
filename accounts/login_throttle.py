"""Admin login throttling: after too many failed logins from one address (or for one username)
within a window, further attempts are refused with 429 until the window passes.

Failures are counted in Redis from Django's `user_login_failed` signal; a successful login
clears the address's count. With Redis down, logins are not throttled (sessions live in Redis
too, so nobody could log in anyway).
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpResponse
from redis.exceptions import RedisError

from aigo.api.ratelimit import client_ip
from aigo.redis import mget, redis_client, rkey

log = logging.getLogger(__name__)

MAX_FAILURES = getattr(settings, "AIGO_LOGIN_MAX_FAILURES", 5)
WINDOW_SECONDS = getattr(settings, "AIGO_LOGIN_WINDOW_SECONDS", 900)


def _keys(request, username: str | None) -> list[str]:
    keys = [rkey("login", "failures", "ip", client_ip(request) or "unknown")]
    if username:
        keys.append(rkey("login", "failures", "user", username.lower()[:150]))
    return keys


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    try:
        # MULTI on a single Redis; on a cluster the address and user counters sit in different
        # slots and the pipeline is plain, which is enough: each counter is changed on its own.
        with redis_client().pipeline() as pipe:
            for key in _keys(request, credentials.get("username")):
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS, nx=True)
            pipe.execute()
    except RedisError:
        log.warning("login failure not counted: Redis unavailable")


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs) -> None:
    try:
        redis_client().delete(*_keys(request, None))
    except RedisError:
        pass


class AdminLoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = f"/{settings.ADMIN_URL}login/"

    def __call__(self, request):
        if request.method == "POST" and request.path == self.login_path:
            try:
                counts = mget(redis_client(), _keys(request, request.POST.get("username")))
            except RedisError:
                counts = []
            if any(int(count or 0) >= MAX_FAILURES for count in counts):
                response = HttpResponse(
                    "Too many failed logins. Try again in a few minutes.", status=429, content_type="text/plain"
                )
                response["Retry-After"] = str(WINDOW_SECONDS)
                return response
        return self.get_response(request)
