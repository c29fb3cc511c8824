"""Dependencies point one way: core <- applications <- projects <- reclaim <- reports, with
fondadmin (settings, URLs, start pages) on top. An import against the arrow fails here."""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = ["core", "applications", "projects", "reclaim", "reports", "fondadmin"]
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def imported_top_packages(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def back_edges(root: Path) -> list[str]:
    problems = []
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for imported in imported_top_packages(path.read_text(encoding="utf-8")):
                if RANK[imported] > RANK[package]:
                    problems.append(f"{path.relative_to(root)} imports {imported}")
    return problems


def test_no_app_imports_against_the_arrow():
    assert back_edges(Path(settings.BASE_DIR)) == []


def test_the_check_finds_a_back_edge(tmp_path):
    for package in LAYERS:
        (tmp_path / package).mkdir()
    (tmp_path / "core" / "bad.py").write_text("from applications.models import Call\n")
    (tmp_path / "projects" / "good.py").write_text(
        "import core.models\nfrom applications import x\n"
    )
    (tmp_path / "reclaim" / "bad.py").write_text("import reports.pdf\n")
    assert back_edges(tmp_path) == [
        "core/bad.py imports applications",
        "reclaim/bad.py imports reports",
    ]
