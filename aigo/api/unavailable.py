"""PostgreSQL cannot answer (restarting, failing over, out of connections, a statement cancelled):
the client gets a 503 with `Retry-After` and the one JSON error shape on /api/ (the site's error
page elsewhere), never a 500. Django drops the broken connection at the end of the request
(`CONN_HEALTH_CHECKS` checks a reused one before the next), so service resumes by itself once
the server is back."""

import logging

from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

DATABASE_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "database_unavailable"
    default_detail = "The database is unavailable; retry the request shortly."
    wait = RETRY_AFTER_SECONDS  # DRF's handler turns it into Retry-After
    details = {"retry_after": RETRY_AFTER_SECONDS}


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def unavailable_error(exc: BaseException) -> DatabaseUnavailable:
    """The API's answer to `exc`, logged: the client sees no more than "retry shortly"."""
    log.warning("database unavailable: %s", exc, exc_info=exc)
    return DatabaseUnavailable()
