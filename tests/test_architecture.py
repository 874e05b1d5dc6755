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


# ----------------------------------------------------------- one write path for responses

WRITTEN_MODELS = {"Response", "Participation"}
WRITE_METHODS = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "update_or_create",
    "get_or_create",
    "delete",
}


def _outside_survey():
    """The package's modules outside ``innomon.survey``, and the benchmarks."""
    root = Path(innomon.__file__).parent
    bench = root.parents[1] / "bench"
    return [
        p
        for p in [*sorted(root.rglob("*.py")), *sorted(bench.glob("*.py"))]
        if (root / "survey") not in p.parents
    ]


def _root_name(node):
    """The name a chain such as ``Response.objects.filter(...).update`` starts from."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _writes(tree):
    """(line, what) for every write of a Response or Participation in ``tree``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in WRITTEN_MODELS:
            yield node.lineno, f"{func.id}(...)"
        if not isinstance(func, ast.Attribute):
            continue
        root = _root_name(func.value)
        if func.attr in WRITE_METHODS and root in WRITTEN_MODELS:
            yield node.lineno, f"{root}….{func.attr}()"
        if func.attr == "save":
            target = ast.unparse(func.value).lower()
            if "response" in target or "participation" in target:
                yield node.lineno, f"{ast.unparse(func.value)}.save()"


def test_the_write_check_sees_every_kind_of_write():
    source = """
Response.objects.create(wave=w)
Response.objects.bulk_create(rows)
Response.objects.filter(wave=w).update(status="excluded")
Participation.objects.bulk_create(parts)
Participation(wave=w, firm=f, initiative=i)
response.save()
draft.response.save(update_fields=["answers"])
Response.objects.filter(wave=w).count()
draft.save()
"""
    assert [what for _, what in _writes(ast.parse(source))] == [
        "Response….create()",
        "Response….bulk_create()",
        "Response….update()",
        "Participation….bulk_create()",
        "Participation(...)",
        "response.save()",
        "draft.response.save()",
    ]


def test_responses_and_participations_are_written_only_by_the_survey():
    """Every write of a Response or a Participation goes through
    ``innomon.survey.responses.store_responses`` (or the survey's own back office), so that its
    rules — never overwrite a different stored response, participations follow the answers —
    hold whichever way a response comes in."""
    found = [
        f"{path}:{line} {what}"
        for path in _outside_survey()
        for line, what in _writes(ast.parse(path.read_text(), str(path)))
    ]
    assert found == []
    assert len(_outside_survey()) > 50
