"""Model list rows rendered to JSON by PostgreSQL, the cold path of `models/`.

Serializing 50 rows in Python costs several times what the query does; here the database
builds each row's JSON (localized for the reader) and Python only joins the strings.
`ModelListSerializer` stays the definition of the row (and of the OpenAPI schema):
tests/catalog/test_api.py checks both give the same documents.
"""

from functools import cache

from django.db import connection, connections
from django.db.models import Case, F, Func, JSONField, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from psycopg import sql

from aigo.api.locale import ALL
from aigo.i18n import fallback_chain
from catalog.models import ModelListing


class JSONBuildObject(Func):
    """json_build_object(): unlike JSONObject (jsonb), it keeps the keys in the order given."""

    function = "JSON_BUILD_OBJECT"
    output_field = JSONField()

    def __init__(self, **fields):
        super().__init__(*[part for key, value in fields.items() for part in (Value(key), value)])


def localized_text(field: str, locale: str):
    if locale == ALL:
        return F(field)
    candidates = [NullIf(KeyTextTransform(candidate, field), Value("")) for candidate in fallback_chain(locale)]
    return Coalesce(*candidates, output_field=TextField()) if len(candidates) > 1 else candidates[0]


def _money(field: str):
    return Cast(field, TextField())


def listing_json(locale: str):
    """One model_listings row as the JSON text ModelListSerializer would produce."""
    return Cast(
        JSONBuildObject(
            slug=F("slug"),
            name=localized_text("name", locale),
            provider=JSONBuildObject(slug=F("provider_slug"), name=F("provider_name"), logo_url=F("provider_logo")),
            foundation_model=F("foundation_model"),
            modalities=F("modalities"),
            capabilities=F("capabilities"),
            context_window=F("context_window"),
            max_output_tokens=F("max_output_tokens"),
            is_active=F("is_active"),
            released_at=F("released_at"),
            deprecated_at=F("deprecated_at"),
            sunset_at=F("sunset_at"),
            price=Case(
                When(price_currency__isnull=True, then=Value(None)),
                default=JSONBuildObject(
                    input_per_million=_money("input_per_million"),
                    output_per_million=_money("output_per_million"),
                    currency=F("price_currency"),
                ),
                output_field=JSONField(),
            ),
            recent_benchmarks=F("recent_benchmarks"),
        ),
        TextField(),
    )


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
