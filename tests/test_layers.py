"""The layer rules of CONTRIBUTING.md, checked by reading every module's imports.

handlers → bot (services → views → values) → storage; only bot/app.py assembles handlers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]
# What a service or handler may use of SQLAlchemy: sessions, errors, session events. Statements
# (select, update, func, …) are built in storage/queries only.
ALLOWED_SQLALCHEMY = (
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.exc",
    "sqlalchemy.orm",
    "sqlalchemy.event",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every imported module; `module.name` for each name of a `from module import name`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative import
                base = (package or _module_name(path)).split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _violations(
    folder: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()
) -> list[str]:
    found = []
    for path in _modules(folder):
        for name in _imports(path):
            if name.startswith(forbidden) and not name.startswith(allowed):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return sorted(set(found))


def _is_within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_storage_knows_nothing_of_the_bot_or_telegram() -> None:
    assert _violations("storage", ("bot", "handlers", "telegram")) == []


def test_views_and_values_never_import_services() -> None:
    assert _violations("bot/views", ("bot.services", "handlers")) == []
    assert _violations("bot/values", ("bot.services", "bot.views", "handlers", "telegram")) == []


def test_services_and_handlers_build_no_sql_statements() -> None:
    for folder in ("bot/services", "handlers"):
        assert _violations(folder, ("sqlalchemy",), ALLOWED_SQLALCHEMY) == [], folder


def test_only_the_composition_root_imports_handlers() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in ("bot", "storage")
        for path in _modules(folder)
        if path != ROOT / "bot" / "app.py"
        for name in _imports(path)
        if _is_within(name, "handlers")
    ]
    assert found == []


def test_a_handler_module_imports_no_other_outside_its_own_package() -> None:
    found = []
    for path in _modules("handlers"):
        module = _module_name(path)
        # handlers/x.py is its own unit; handlers/pkg/*.py may use each other.
        own = module if path.parent == ROOT / "handlers" else ".".join(module.split(".")[:2])
        for name in _imports(path):
            if _is_within(name, "handlers") and not _is_within(name, own):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    assert sorted(set(found)) == []


def test_the_checks_see_real_imports() -> None:
    """The reader finds what is there (so an empty list above means something)."""
    app_imports = set(_imports(ROOT / "bot" / "app.py"))
    assert "handlers.start" in app_imports
    assert any(name.startswith("sqlalchemy") for name in _imports(ROOT / "storage" / "engine.py"))
