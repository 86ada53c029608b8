"""Model list rows rendered to JSON by PostgreSQL, the cold path of `models/`.

Serializing 50 rows in Python costs several times what the query does; here the database
gives each row's JSON (stored by the view's refresh, localized for the reader at the read) and
Python only joins the strings.
`ModelListSerializer` stays the definition of the row (and of the OpenAPI schema):
tests/catalog/test_api.py checks both give the same documents.
"""

from functools import cache

from django.db import connection, connections
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from psycopg import sql

from aigo.api.locale import ALL
from aigo.i18n import fallback_chain
from catalog.models import ModelListing


def localized_text(field: str, locale: str):
    if locale == ALL:
        return F(field)
    candidates = [NullIf(KeyTextTransform(candidate, field), Value("")) for candidate in fallback_chain(locale)]
    return Coalesce(*candidates, output_field=TextField()) if len(candidates) > 1 else candidates[0]


class ListingDocument(Func):
    """The row's stored document (migration 0016) around its name: json_build_object renders a
    text or jsonb value as to_json() does, so the result is the text it would have built."""

    template = (
        '("model_listings"."document_head" || coalesce(to_json(%(expressions)s)::text, \'null\') '
        '|| "model_listings"."document_tail")'
    )
    output_field = TextField()


def listing_json(locale: str):
    """One model_listings row as the JSON text ModelListSerializer would produce."""
    return ListingDocument(localized_text("name", locale))


@cache
def _compiled_listing_json(locale: str) -> tuple[str, tuple]:
    query = ModelListing.objects.annotate(document=listing_json(locale)).query
    return query.get_compiler(connection=connection).compile(query.annotations["document"])


def listing_json_sql(locale: str) -> RawSQL:
    """listing_json() compiled once per locale: building the expression tree costs more per
    request than running it."""
    sql, params = _compiled_listing_json(locale)
    return RawSQL(sql, params, output_field=TextField())


@cache
def _unfiltered_page_sql(locale: str) -> tuple[str, tuple]:
    rows = (
        ModelListing.objects.order_by("slug").annotate(document=listing_json_sql(locale)).values_list("id", "document")
    )
    page_sql, params = rows.query.sql_with_params()
    statement = sql.SQL(
        "SELECT counted.row_count, page.* FROM (SELECT (SELECT row_count FROM model_listings_refreshed)) "
        "AS counted (row_count) LEFT JOIN LATERAL ({} LIMIT %s OFFSET %s) AS page ON true"
    ).format(sql.SQL(page_sql))
    return statement.as_string(), tuple(params)


def unfiltered_page(locale: str, *, offset: int, limit: int, using: str) -> tuple[int | None, list[tuple]]:
    """(id, JSON row) of the unfiltered list by slug from `offset`, and the view's row count as its
    last refresh stored it (None when it has not): one statement, compiled once per locale."""
    statement, params = _unfiltered_page_sql(locale)
    with connections[using].cursor() as cursor:
        cursor.execute(statement, (*params, limit, offset))
        rows = cursor.fetchall()
    return rows[0][0], [row[1:] for row in rows if row[1] is not None]
