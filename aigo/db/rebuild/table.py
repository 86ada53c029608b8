"""What the rebuild knows of a table: `Table`, its foreign keys and the views reading it, filled in by
inspect.py; the catalog's codes spelled as SQL; and the query and naming helpers every step shares.
"""

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
MATCH = {"s": "", "f": " MATCH FULL", "p": " MATCH PARTIAL"}
DEFERRAL = {
    (False, False): "",
    (True, False): " DEFERRABLE INITIALLY IMMEDIATE",
    (True, True): " DEFERRABLE INITIALLY DEFERRED",
}
TRIGGER_STATE = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}


@dataclass
class ForeignKey:
    name: str
    table: sql.Composable  # the referencing table
    definition: sql.Composable  # FOREIGN KEY ... NOT VALID, naming the referenced table by its final name
    validated: bool


@dataclass
class View:
    ident: sql.Identifier
    materialized: bool
    create: sql.Composable
    carry: list[sql.Composable]  # owner, grants, indexes, triggers


@dataclass
class Table:
    schema: str
    name: str
    oid: int = 0
    owner: str = ""
    pk: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # written by INSERT: generated columns left out
    identity_always: bool = False
    resuming: bool = False
    reloptions: list[str] = field(default_factory=list)
    incoming: list[ForeignKey] = field(default_factory=list)
    outgoing: list[ForeignKey] = field(default_factory=list)
    views: list["View"] = field(default_factory=list)
    view_oids: list[int] = field(default_factory=list)
    indexes: list[tuple[str, tuple, bool]] = field(default_factory=list)  # name, match key, replica identity
    carry: list[sql.Composable] = field(default_factory=list)  # run on the copy once it has the name
    publications: list[str] = field(default_factory=list)  # that list the table by name: the copy takes its place
    published_to_all: bool = False  # in a FOR ALL TABLES publication: the copy is published as it is made

    def ident(self, suffix: str = "") -> sql.Identifier:
        return sql.Identifier(self.schema, self.name + suffix)

    def local(self, suffix: str) -> str:
        return self.name + suffix


def _rows(conn: psycopg.Connection, query: str, params: dict | None = None) -> list[tuple]:
    return conn.execute(query, params or {}).fetchall()


def _names(names: list[str], prefix: str = "") -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL(prefix) + sql.Identifier(n) if prefix else sql.Identifier(n) for n in names)


def _qualified(table: Table, suffix: str = "") -> str:
    return sql.Identifier(table.schema, table.name + suffix).as_string()


def _kind(materialized: bool) -> sql.SQL:
    return sql.SQL("MATERIALIZED VIEW" if materialized else "VIEW")
