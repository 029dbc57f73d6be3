"""The import rules the project owns: import-linter contracts in pyproject.toml, run by scripts/test.sh.

A copy of the tree shows the rules bite: one forbidden import in a ui module makes `lint-imports`, and so
the test command, fail. String imports (importlib.import_module, __import__) would slip past any
import graph, so the layer packages may not use them at all.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER_PACKAGES = ("ui", "kiosk", "devices", "offline_cache", "config", "sandbox", "typings")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy_tree(target: Path) -> Path:
    for package in LAYER_PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    (target / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "test.sh", target / "scripts" / "test.sh")
    (target / "scripts" / "bootstrap.sh").write_text("exit 0\n")  # the stacks are not needed to check imports
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert LINT_IMPORTS.is_file(), "import-linter is a dev dependency (pyproject.toml): pip install -e '.[dev]'"
    return _copy_tree(tmp_path_factory.mktemp("tree"))


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    run = _lint(tree)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _add_line(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("from __future__ import annotations\n")
    path.write_text(head + sep + line + "\n" + rest if sep else line + "\n" + text, encoding="utf-8")


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("ui/widgets.py", "import offline_cache", "ui imports only kiosk"),
    ("ui/widgets.py", "import devices.base", "ui imports only kiosk"),
    ("kiosk/session.py", "import ui.text", "Layers"),
    ("devices/base.py", "import kiosk.session", "Layers"),
    ("offline_cache/clock.py", "import devices.base", "Layers"),
    ("kiosk/clock.py", "import PySide6.QtCore", "no PySide6 outside ui"),
    ("sandbox/rules.py", "import kiosk.session", "sandbox imports none"),
    ("kiosk/session.py", "import sqlalchemy", "SQL, ORM rows"),
    ("kiosk/maintenance/sync.py", "import kiosk.cli_sync", "only the command dispatch"),
])
def test_one_forbidden_import_breaks_its_contract(tree: Path, tmp_path: Path, module: str, line: str,
                                                  contract: str) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy, symlinks=True)
    _add_line(copy / module, line)
    run = _lint(copy)
    assert run.returncode != 0, f"{line} in {module} passed lint-imports:\n{run.stdout}"
    broken = run.stdout[run.stdout.index("Broken contracts"):] if "Broken contracts" in run.stdout else run.stdout
    assert contract in broken, run.stdout


def test_the_test_command_fails_on_a_forbidden_import_before_any_test_runs(tree: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy, symlinks=True)
    _add_line(copy / "ui" / "widgets.py", "import offline_cache")
    run = subprocess.run(["bash", "scripts/test.sh", "tests/does_not_exist"], cwd=copy, capture_output=True,
                         text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(copy)})
    assert run.returncode != 0
    assert "BROKEN" in run.stdout and "ui imports only kiosk" in run.stdout, run.stdout + run.stderr
    assert "no tests ran" not in run.stdout and "ERROR: file or directory not found" not in run.stdout + run.stderr


def _string_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Calls that import a module named by a string: importlib.import_module(…), import_module(…), __import__(…)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name in ("import_module", "__import__", "spec_from_file_location", "find_spec"):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_layer_packages_import_no_module_by_string() -> None:
    found = [hit for package in LAYER_PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
             for hit in _string_imports(path)]
    assert found == [], "string imports hide dependencies from the contracts:\n" + "\n".join(found)


def test_the_string_import_check_sees_each_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import importlib\nfrom importlib import import_module\n"
                      "importlib.import_module('offline_cache')\nimport_module('devices')\n__import__('ui')\n")
    assert len(_string_imports(sample, tmp_path)) == 3
