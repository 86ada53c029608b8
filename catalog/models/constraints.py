"""What several catalog tables state alike: the en-US text a localized field requires, and
CHECK (column IS NULL OR ...)."""

from django.db import models
from django.db.models import Q

EN = ("en-US",)


def null_or(field: str, name: str, message: str, **bounds) -> models.CheckConstraint:
    """CHECK (field IS NULL OR field <op> bound ...), e.g. null_or("percentile", ..., gte=0, lte=100)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__{op}": bound for op, bound in bounds.items()}),
        name=name,
        violation_error_message=message,
    )
