"""The direction of dependency in registry/: the import-linter contracts (.importlinter) hold,
they break on a violation, and no domain reaches into another's private helpers."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

#: Imports of another package's private names that are still to be made public (or moved to
#: the core); the test fails on any other, and on one of these once it is gone.
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str, str]] = set()


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run import-linter on ``project``'s copy of the registry package and its contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", ".importlinter"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the package's modules and of the contracts, to break on purpose."""
    shutil.copytree(
        ROOT / "registry",
        tmp_path / "registry",
        ignore=lambda _dir, names: [
            n for n in names if not (n.endswith(".py") or (Path(_dir) / n).is_dir())
        ]
        + ["static", "translations", "__pycache__"],
    )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # committees is below meetings: an import back is a cycle.
        ("committees/models.py", "from ..meetings import models as _back", "No import cycles"),
        # inside one package, too.
        ("proposals/models.py", "from . import services as _back", "No import cycles"),
        # the core never imports a domain.
        ("i18n.py", "from .agreements import models as _domain", "The shared core"),
        # nor does the core audit package (the log's reader, above the domains, does).
        ("audit/labels.py", "from ..meetings import forms as _f", "The shared core"),
        # the access declarations are vocabulary below the accounts: they know no roles.
        ("access.py", "from .auth import roles as _r", "No import cycles"),
        # services never import forms (labels come from labels.py).
        ("proposals/services.py", "from .forms import KIND_LABELS as _k", "never import forms"),
        ("meetings/queries.py", "from .. import forms as _f", "never import forms"),
    ],
)
def test_a_violation_breaks_its_contract(project, module, line, contract):
    path = project / "registry" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(project)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken, result.stdout


def _private_imports_across_packages(root: Path) -> set[tuple[str, str, str]]:
    """(importer, imported module, name) for every ``_name`` one top-level package of registry
    imports from another's module."""
    found = set()
    packages = {p.name for p in (root / "registry").iterdir() if (p / "__init__.py").is_file()}
    for path in (root / "registry").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        package_parts = parts[:-1]
        importer = ".".join(parts if parts[-1] != "__init__" else parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            base = package_parts[: len(package_parts) - (node.level - 1)]
            imported = ".".join(base + ([node.module] if node.module else []))
            own, other = importer.split(".")[1:2], imported.split(".")[1:2]
            if own == other or not other or other[0] not in packages:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add((importer, imported, alias.name))
    return found


def test_no_package_imports_another_packages_private_helpers():
    assert _private_imports_across_packages(ROOT) == KNOWN_PRIVATE_IMPORTS


def test_the_private_helper_check_sees_a_new_one(project):
    path = project / "registry" / "proposals" / "queries.py"
    path.write_text(path.read_text() + "\nfrom ..agreements.services import _require  # noqa\n")
    found = _private_imports_across_packages(project)
    assert ("registry.proposals.queries", "registry.agreements.services", "_require") in found


#: Imports of registry modules made inside a function, outside the app factory (which imports
#: the blueprints and commands as it builds the app): none is left; a new one fails the test
#: (move it to the top of its module, or break the cycle that seems to need it).
KNOWN_FUNCTION_IMPORTS: set[tuple[str, str]] = set()


def _function_level_imports(root: Path) -> set[tuple[str, str]]:
    """(importer, imported module) for every relative import inside a function of a module
    below registry/ other than the app factory (registry/__init__.py)."""
    found = set()
    for path in (root / "registry").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts == ["registry", "__init__"]:
            continue
        package_parts = parts[:-1]
        importer = ".".join(parts if parts[-1] != "__init__" else parts[:-1])
        tree = ast.parse(path.read_text(), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level > 0:
                    base = package_parts[: len(package_parts) - (node.level - 1)]
                    found.add((importer, ".".join(base + ([node.module] if node.module else []))))
    return found


def test_no_module_hides_an_import_of_the_registry_inside_a_function():
    assert _function_level_imports(ROOT) == KNOWN_FUNCTION_IMPORTS


def test_the_function_import_check_sees_a_new_one(project):
    path = project / "registry" / "proposals" / "queries.py"
    path.write_text(path.read_text() + "\n\ndef _late():\n    from ..agreements import models\n")
    assert ("registry.proposals.queries", "registry.agreements") in _function_level_imports(project)
