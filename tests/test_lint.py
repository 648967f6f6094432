"""The linter, configured in pyproject.toml, over the whole project: CI runs the test suite, so it runs this."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    if shutil.which("ruff") is None and subprocess.run([sys.executable, "-m", "ruff", "--version"],
                                                      capture_output=True).returncode:
        pytest.skip("ruff is not installed (requirements-dev.txt)")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def module_imports(package: Path) -> dict[str, set[str]]:
    """Each module of `package` -> the package's modules it imports at its top level (imports inside functions,
    which run later, and `if TYPE_CHECKING` blocks are not edges of a circle Python would hit)."""
    import ast

    root = package.parent
    names = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
             for p in package.rglob("*.py")}
    graph = {}
    for name, path in names.items():
        base = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.parse(path.read_text()).body:   # the top level only
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                parts = base.split(".")
                mod = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else [])) \
                    if node.level else node.module
                edges |= {mod} | {f"{mod}.{a.name}" for a in node.names}
        graph[name] = {e for e in edges if e in names and e != name}
    return graph


def test_no_import_circle_in_the_package():
    graph = module_imports(ROOT / "ganapp")
    done, path = set(), []

    def visit(node):
        if node in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(node):] + [node]))
        if node in done:
            return
        path.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_no_test_file_imports_another():
    """What several test files share lives in conftest.py."""
    offenders = [p.name for p in (ROOT / "tests").rglob("test_*.py")
                 if any(line.startswith(("from test_", "import test_")) for line in
                        (s.strip() for s in p.read_text().splitlines()))]
    assert offenders == []


def test_recipes_never_import_evaluation_code():
    """Training uses a family's measures (measures.py), never its evaluation (evaluate.py: the report, the cards)."""
    import ast

    offenders = []
    for recipe in sorted((ROOT / "ganapp" / "families").glob("*/recipe.py")):
        for node in ast.walk(ast.parse(recipe.read_text())):   # at any depth: imports inside functions too
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "evaluate":
                offenders.append(f"{recipe.parent.name}: line {node.lineno}")
    assert offenders == []
