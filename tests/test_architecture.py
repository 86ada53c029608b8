"""The house rules that keep the layout honest (docs/architecture.md): the import-linter contracts,
migrations that run frozen SQL, and SQL composed with psycopg.sql rather than formatted."""

import ast
import pkgutil
import re
import subprocess
import sys
import tomllib
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("aigo", "catalog", "news", "status", "analytics", "accounts")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_the_layer_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([linter, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _children(package: str) -> set[str]:
    found = import_module(package).__path__
    return {f"{package}.{module.name}" for module in pkgutil.iter_modules(found)}


def test_every_module_of_aigo_is_in_a_contract():
    """A module added to aigo must be placed: in the core (which imports no app) or above the apps."""
    named = set()
    for contract in _contracts():
        for key in ("source_modules", "forbidden_modules"):
            named |= set(contract.get(key, []))
        for layer in contract.get("layers", []):
            named |= {part.strip() for part in re.split(r"[|:]", layer)}
    unplaced = (_children("aigo") - {"aigo.api"} | _children("aigo.api")) - named
    assert not unplaced, f"add these to a contract in pyproject.toml: {sorted(unplaced)}"


def _python_files(*folders: str, migrations: bool) -> list[Path]:
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    return [path for path in files if ("migrations" in path.parts) == migrations]


# Migrations may name the column types and expressions of the models they create (Django writes
# those references) and use the frozen helpers; the SQL they run is their own.
MIGRATION_IMPORTS = re.compile(
    r"(django|psycopg|logging|uuid|pathlib)(\..*)?|aigo\.(fields|i18n|db\.migration_helpers)|catalog\.models"
)


def test_migrations_run_their_own_sql():
    for path in _python_files(*APPS, migrations=True):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["<relative>"]
            elif isinstance(node, ast.Name) and node.id in ("import_module", "__import__"):
                names = [node.id]
            for name in names:
                assert MIGRATION_IMPORTS.fullmatch(name), f"{path.relative_to(ROOT)} imports {name}"


SQL_WORDS = {
    *("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "WITH", "COPY", "TRUNCATE", "GRANT"),
    *("REVOKE", "LOCK", "REFRESH", "EXPLAIN", "FROM", "WHERE", "JOIN", "INTO", "TABLE", "DATABASE", "VALUES"),
    *("SET", "RETURNING", "INTERVAL", "FILTER", "STDIN", "GROUP", "ORDER", "CONFLICT", "EXISTS", "AS", "ON"),
}


def _reads_as_sql(text: str) -> bool:
    """Two SQL keywords in capitals: a statement or a piece of one, not a message or a label."""
    return len(set(re.findall(r"\b[A-Z]+\b", text)) & SQL_WORDS) >= 2


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return ""


# Calls whose strings are messages (which may quote SQL), not statements.
MESSAGE_CALLS = {"append", "print", "write", "out", "debug", "info", "warning", "error", "exception", "log"}


def _formatted_sql(tree: ast.AST) -> list[tuple[int, str]]:
    """f-strings, "...".format() and "..." % (...) whose literal text reads as SQL, outside messages."""
    messages = set()
    for node in ast.walk(tree):
        call = node.func if isinstance(node, ast.Call) else None
        name = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", None)
        if isinstance(node, ast.Raise) or name in MESSAGE_CALLS:
            messages |= {id(inner) for inner in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        text = ""
        if isinstance(node, ast.JoinedStr):
            text = _literal_text(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            text = _literal_text(node.func.value)  # sql.SQL("...").format() has a call there, not a string
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            text = _literal_text(node.left)
        if text and id(node) not in messages and _reads_as_sql(text):
            found.append((node.lineno, text.strip().splitlines()[0][:60]))
    return found


def test_sql_is_composed_never_formatted():
    """Identifiers go in as sql.Identifier and values as parameters (psycopg.sql), never by string
    formatting: a formatted statement is one typo away from an injection."""
    offenders = []
    for path in _python_files(*APPS, "bench", migrations=False):
        for line, text in _formatted_sql(ast.parse(path.read_text())):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not offenders, "compose these with psycopg.sql:\n" + "\n".join(offenders)


def test_the_sql_check_sees_each_kind_of_formatting():
    source = 'a = f"SELECT {x} FROM t"\nb = "DELETE FROM {}".format(t)\nc = "UPDATE t SET a = %s" % v\n'
    source += 'ok = sql.SQL("SELECT {} FROM t").format(name)\nfine = f"{count} rows"\n'
    source += 'refusals.append(f"{name}: ON DELETE SET NULL is not handled")\n'
    assert [line for line, _text in _formatted_sql(ast.parse(source))] == [1, 2, 3]
