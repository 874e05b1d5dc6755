"""The pure cores never touch Django, a database or the file system.

import-linter (run by `make test`) checks imports across the package; this test adds what a
contract on imports cannot see: built-in file access, and the standard library's file modules."""

import ast
from pathlib import Path

import pytest

import innomon

PURE = ["stats", "analysis"]
FORBIDDEN_MODULES = {
    "os",
    "pathlib",
    "io",
    "shutil",
    "tempfile",
    "glob",
    "sqlite3",
    "django",
    "psycopg",
    "yaml",
    "importlib",
    "pickle",
    "csv",
    "json",
}
FORBIDDEN_CALLS = {"open", "exec", "eval", "__import__"}


def _sources():
    root = Path(innomon.__file__).parent
    return [p for pkg in PURE for p in sorted((root / pkg).rglob("*.py"))]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pure_core_module(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_MODULES, (
                f"{path}:{node.lineno} imports {name}"
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path}:{node.lineno} calls {node.func.id}"


def test_there_is_something_to_check():
    assert len(_sources()) >= 2
