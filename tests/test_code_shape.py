"""Where rules may live, checked on the source (STYLE.md "Shape of the code"):

- a view imports from a services module only the actions it calls (never a table, a field
  list or a read helper: those live in ``states``, models, ``versions`` and selectors);
- no module imports another module's private name (``_lock``, ``_refuse_transition``...);
- no production module grows past 600 lines (split it into a package first).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.conf import settings

APPS = ["core", "applications", "projects", "reclaim", "reports", "fondadmin"]
MAX_LINES = 600


def production_modules(root: Path):
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_views(path: Path) -> bool:
    return path.name == "views.py" or "views" in path.parts[:-1]


def _services_module(name: str | None) -> str | None:
    """``applications.services`` for ``applications.services`` and its submodules."""
    if not name:
        return None
    parts = name.split(".")
    if len(parts) >= 2 and parts[1] == "services" and parts[0] in APPS:
        return ".".join(parts[:2])
    return None


def actions_of(services: str, actions: dict | None = None) -> set[str]:
    """The business actions a services module (or package) offers: its ``__all__``, or its
    public functions."""
    if actions is not None:
        return actions.get(services, set())
    module = importlib.import_module(services)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, value in vars(module).items()
            if callable(value)
            and not name.startswith("_")
            and getattr(value, "__module__", "") == module.__name__
        ]
    return set(names)


def view_reads_from_services(source: str, path: str, actions: dict | None = None) -> list[str]:
    """What a view module takes from a services module other than an action."""
    problems = []
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # local name -> services module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            services = _services_module(node.module)
            for alias in node.names:
                local = alias.asname or alias.name
                if services is not None:
                    if node.module != services:
                        problems.append(f"{path} imports {alias.name} from {node.module}")
                    elif alias.name not in actions_of(services, actions):
                        problems.append(f"{path} imports {alias.name} from {services}")
                elif _services_module(f"{node.module}.{alias.name}") is not None:
                    aliases[local] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                services = _services_module(alias.name)
                if services is not None:
                    problems.append(f"{path} imports the module {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr not in actions_of(aliases[node.value.id], actions)
        ):
            problems.append(f"{path} reads {node.value.id}.{node.attr}")
    return problems


# Names with a leading underscore that are public by their framework's convention.
PUBLIC_UNDERSCORED = {"_meta"}


def private_imports(source: str, path: str) -> list[str]:
    """Private names a module takes from another module (by import or as an attribute of an
    imported module)."""
    problems = []
    tree = ast.parse(source)
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    problems.append(f"{path} imports {alias.name} from {node.module}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr not in PUBLIC_UNDERSCORED
        ):
            problems.append(f"{path} reads {node.value.id}.{node.attr}")
    return problems


def _check_all(check) -> list[str]:
    root = Path(settings.BASE_DIR)
    problems = []
    for path in production_modules(root):
        problems += check(path.read_text(encoding="utf-8"), str(path.relative_to(root)), path)
    return problems


def test_views_take_only_actions_from_services():
    assert (
        _check_all(
            lambda source, name, path: (
                view_reads_from_services(source, name) if _is_views(path) else []
            )
        )
        == []
    )


def test_no_module_imports_a_private_name_of_another():
    assert _check_all(lambda source, name, path: private_imports(source, name)) == []


def test_no_production_module_is_over_600_lines():
    root = Path(settings.BASE_DIR)
    long = {
        str(path.relative_to(root)): lines
        for path in production_modules(root)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# --- The checks can fail -----------------------------------------------------------------------

ACTIONS = {"applications.services": {"call_publish"}}


def test_the_view_check_finds_tables_read_helpers_and_submodules():
    source = """
from applications import services
from applications.services import call_publish, EDITABLE_STATES
from applications.services import calls as call_services
from applications.services.reviews import fund_years
import applications.services.calls

def view(request):
    services.call_publish(actor=None, call=None)
    services.calls.EDITABLE_STATES
"""
    assert view_reads_from_services(source, "v.py", ACTIONS) == [
        "v.py imports EDITABLE_STATES from applications.services",
        "v.py imports calls from applications.services",
        "v.py imports fund_years from applications.services.reviews",
        "v.py imports the module applications.services.calls",
        "v.py reads services.calls",
    ]


def test_the_private_check_finds_imports_and_attributes():
    source = """
from applications.services.applications import _lock as lock_application, submit
from applications.services import sketches

def service():
    sketches._refuse_transition(None, "x")
    sketches.__name__
"""
    assert private_imports(source, "s.py") == [
        "s.py imports _lock from applications.services.applications",
        "s.py reads sketches._refuse_transition",
    ]
