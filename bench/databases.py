"""The benches' throwaway databases, on the server BENCH_PG names (the local services by default)."""

import os

import psycopg
from psycopg import sql

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:54320")


def admin(statement: sql.Composable, database: str = "postgres") -> None:
    """Run one statement as the server's owner, outside any transaction."""
    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as conn:
        conn.execute(statement)


def database_drop(name: str) -> None:
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_create(name: str) -> str:
    """A new empty database `name` (an old one dropped first); returns its DSN."""
    database_drop(name)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{SERVER}/{name}"
