"""The catalog schema, read back from the database, matches the seed.

Each column is `name type nullability default`, as the seed declares it. Where the project is
deliberately stricter than the seed (NOT NULL on columns with a default: flags, arrays, JSON
maps, timestamps), the line says `not null*`.
"""

import pytest
from django.core.management import call_command
from django.db import connection

SEED_COLUMNS = {
    "providers": """
        id uuid not_null gen_random_uuid()
        slug varchar(50) not_null -
        name varchar(100) not_null -
        logo_url varchar(500) null -
        website_url varchar(500) null -
        status_page_url varchar(500) null -
        documentation_url varchar(500) null -
        regions jsonb not_null* '[]'::jsonb
        metadata jsonb not_null* '{}'::jsonb
        created_at timestamptz not_null* CURRENT_TIMESTAMP
        updated_at timestamptz not_null* CURRENT_TIMESTAMP
    """,
    "models": """
        id uuid not_null gen_random_uuid()
        provider_id uuid not_null -
        slug varchar(100) not_null -
        name jsonb not_null -
        description jsonb null -
        foundation_model varchar(100) null -
        released_at date null -
        deprecated_at date null -
        sunset_at date null -
        modalities text[] not_null* '{}'::text[]
        capabilities text[] not_null* '{}'::text[]
        context_window integer null -
        max_output_tokens integer null -
        training_cutoff date null -
        api_version varchar(50) null -
        is_active boolean not_null* true
        canonical_model_id uuid null -
        metadata jsonb not_null* '{}'::jsonb
        created_at timestamptz not_null* CURRENT_TIMESTAMP
        updated_at timestamptz not_null* CURRENT_TIMESTAMP
        search_vector tsvector null -
    """,
    "model_endpoints": """
        id uuid not_null gen_random_uuid()
        model_id uuid not_null -
        region varchar(20) not_null -
        endpoint_url varchar(500) not_null -
        is_active boolean not_null* true
        priority integer not_null* 100
        created_at timestamptz not_null* CURRENT_TIMESTAMP
    """,
    "pricing": """
        id uuid not_null gen_random_uuid()
        model_id uuid not_null -
        tier varchar(50) not_null -
        region varchar(20) null -
        currency varchar(3) not_null 'USD'::character varying
        input_per_million numeric(10,4) null -
        output_per_million numeric(10,4) null -
        image_per_unit numeric(10,4) null -
        audio_per_minute numeric(10,4) null -
        video_per_minute numeric(10,4) null -
        fine_tuning_per_million numeric(10,4) null -
        volume_discounts jsonb not_null* '[]'::jsonb
        effective_from date not_null -
        effective_to date null -
        metadata jsonb not_null* '{}'::jsonb
        created_at timestamptz not_null* CURRENT_TIMESTAMP
    """,
    "benchmark_suites": """
        id uuid not_null gen_random_uuid()
        slug varchar(50) not_null -
        name varchar(100) not_null -
        description jsonb null -
        category varchar(50) null -
        version varchar(20) null -
        evaluation_type varchar(50) null -
        max_score numeric(10,4) null -
        scoring_method varchar(50) null -
        metadata jsonb not_null* '{}'::jsonb
        created_at timestamptz not_null* CURRENT_TIMESTAMP
    """,
    "benchmark_scores": """
        id uuid not_null gen_random_uuid()
        model_id uuid not_null -
        suite_id uuid not_null -
        score_raw numeric(10,4) not_null -
        score_normalized numeric(5,2) null -
        percentile integer null -
        evaluation_date date not_null -
        evaluation_commit varchar(100) null -
        configuration jsonb not_null* '{}'::jsonb
        notes text null -
        is_official boolean not_null* false
        source varchar(50) not_null* 'editor'::character varying
        source_url varchar(500) null -
        method varchar(200) null -
        is_self_reported boolean null -
        is_verified boolean not_null* false
        created_at timestamptz not_null* CURRENT_TIMESTAMP
    """,
    "documentation": """
        id uuid not_null gen_random_uuid()
        model_id uuid not_null -
        doc_type varchar(50) not_null -
        title jsonb not_null -
        url varchar(500) not_null -
        locale varchar(10) null -
        version varchar(50) null -
        created_at timestamptz not_null* CURRENT_TIMESTAMP
        updated_at timestamptz not_null* CURRENT_TIMESTAMP
    """,
}

# (table, columns) of every UNIQUE constraint the seed declares.
SEED_UNIQUE = {
    ("providers", ("slug",)),
    ("models", ("slug",)),
    ("model_endpoints", ("model_id", "region")),
    ("benchmark_suites", ("slug",)),
    ("benchmark_scores", ("model_id", "suite_id", "evaluation_date")),
}

# Beyond the seed: the canonical model an offer belongs to (docs/data.md), set to NULL when that
# model is removed (its offers stay).
ADDED_FOREIGN_KEYS = {("models", "canonical_model_id"): ("canonical_models", "n")}

# (table, column) -> referenced table; every one is ON DELETE CASCADE in the seed.
SEED_FOREIGN_KEYS = {
    ("models", "provider_id"): "providers",
    ("model_endpoints", "model_id"): "models",
    ("pricing", "model_id"): "models",
    ("benchmark_scores", "model_id"): "models",
    ("benchmark_scores", "suite_id"): "benchmark_suites",
    ("documentation", "model_id"): "models",
}

# The seed's indexes by name: (table, access method, indexed expression). The idx_*_slug and
# idx_endpoints_model_region names belong to the UNIQUE constraints that serve those lookups.
SEED_INDEXES = {
    "idx_providers_slug": ("providers", "btree", "(slug)"),
    "idx_providers_regions": ("providers", "gin", "(regions)"),
    "idx_models_provider": ("models", "btree", "(provider_id)"),
    "idx_models_slug": ("models", "btree", "(slug)"),
    "idx_models_foundation": ("models", "btree", "(foundation_model)"),
    "idx_models_active": ("models", "btree", "(is_active)"),
    "idx_models_modalities": ("models", "gin", "(modalities)"),
    "idx_models_capabilities": ("models", "gin", "(capabilities)"),
    "idx_models_search": ("models", "gin", "(search_vector)"),
    "idx_endpoints_model_region": ("model_endpoints", "btree", "(model_id, region)"),
    "idx_pricing_model": ("pricing", "btree", "(model_id)"),
    "idx_pricing_region": ("pricing", "btree", "(region)"),
    "idx_pricing_effective": ("pricing", "btree", "(effective_from, effective_to)"),
    "idx_benchmarks_slug": ("benchmark_suites", "btree", "(slug)"),
    "idx_benchmarks_category": ("benchmark_suites", "btree", "(category)"),
    "idx_scores_model": ("benchmark_scores", "btree", "(model_id)"),
    "idx_scores_suite": ("benchmark_scores", "btree", "(suite_id)"),
    "idx_scores_date": ("benchmark_scores", "btree", "(evaluation_date DESC)"),
    "idx_docs_model": ("documentation", "btree", "(model_id)"),
    "idx_docs_type": ("documentation", "btree", "(doc_type)"),
    "idx_docs_locale": ("documentation", "btree", "(locale)"),
}


def _query(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _type(data_type, udt_name, length, precision, scale) -> str:
    if data_type == "character varying":
        return f"varchar({length})"
    if data_type == "numeric":
        return f"numeric({precision},{scale})"
    if data_type == "ARRAY":
        return f"{udt_name.lstrip('_')}[]"
    return {"timestamp with time zone": "timestamptz"}.get(data_type, data_type)


def _expected(spec: str) -> dict[str, tuple[str, bool, str | None]]:
    columns = {}
    for line in spec.strip().splitlines():
        name, type_, nullability, default = line.split(maxsplit=3)
        columns[name] = (type_, nullability == "null", None if default == "-" else default)
    return columns


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(SEED_COLUMNS))
def test_columns_match_the_seed(table):
    rows = _query(
        """
        SELECT column_name, data_type, udt_name, character_maximum_length, numeric_precision,
               numeric_scale, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s
        """,
        [table],
    )
    actual = {
        name: (_type(data_type, udt, length, precision, scale), nullable == "YES", default)
        for name, data_type, udt, length, precision, scale, nullable, default in rows
    }
    assert actual == _expected(SEED_COLUMNS[table])


@pytest.mark.django_db
def test_unique_constraints_match_the_seed():
    rows = _query(
        """
        SELECT rel.relname, array_agg(att.attname ORDER BY k.ord)
        FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON true
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum
        WHERE con.contype = 'u' AND rel.relname = ANY(%s)
        GROUP BY con.oid, rel.relname
        """,
        [list(SEED_COLUMNS)],
    )
    assert {(table, tuple(columns)) for table, columns in rows} == SEED_UNIQUE


@pytest.mark.django_db
def test_foreign_keys_cascade_on_delete_as_the_seed():
    rows = _query(
        """
        SELECT rel.relname, att.attname, ref.relname, con.confdeltype
        FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_class ref ON ref.oid = con.confrelid
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND rel.relname = ANY(%s)
        """,
        [list(SEED_COLUMNS)],
    )
    actual = {(table, column): (ref, action) for table, column, ref, action in rows}
    seed = {key: (ref, "c") for key, ref in SEED_FOREIGN_KEYS.items()}  # c = CASCADE, n = SET NULL
    assert actual == {**seed, **ADDED_FOREIGN_KEYS}


@pytest.mark.django_db
def test_seed_indexes_exist_with_their_access_method():
    rows = _query(
        """
        SELECT i.relname, t.relname, am.amname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_am am ON am.oid = i.relam
        WHERE i.relname = ANY(%s)
        """,
        [list(SEED_INDEXES)],
    )
    actual = {name: (table, method, definition[definition.index("(") :]) for name, table, method, definition in rows}
    assert actual == SEED_INDEXES


@pytest.mark.django_db
def test_catalog_tables_have_no_index_left_unaccounted_for():
    """Every index is the seed's, a primary key, or a documented addition (no stray duplicates)."""
    documented = {
        "pricing_no_overlap",
        "benchmark_scores_model_id_suite_id_evaluation_date_key",
        "idx_models_canonical",  # the offers of a canonical model
    }
    rows = _query(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s)",
        [list(SEED_COLUMNS)],
    )
    extra = {name for (name,) in rows} - set(SEED_INDEXES) - documented
    assert {name for name in extra if not name.endswith("_pkey")} == set()


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["providers", "models", "documentation"])
def test_updated_at_is_kept_by_a_trigger(table):
    triggers = _query("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
    assert (f"{table}_set_updated_at",) in triggers


@pytest.mark.django_db
def test_extensions_are_installed():
    names = {name for (name,) in _query("SELECT extname FROM pg_extension")}
    assert {"pg_trgm", "pgcrypto", "uuid-ossp", "btree_gist"} <= names
    available = {name for (name,) in _query("SELECT name FROM pg_available_extensions WHERE name = 'postgis'")}
    assert ("postgis" in names) == ("postgis" in available)


@pytest.mark.django_db
def test_models_need_no_new_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
