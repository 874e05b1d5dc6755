"""The docs stay true: the README's two commands, CI's use of them, every command and setting."""

import re
from pathlib import Path

import innomon
from innomon.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _readme_commands():
    block = re.search(r"## Two commands\n.*?```sh\n(.*?)```", README, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_readme_has_exactly_two_commands_and_ci_runs_the_test_one():
    demo, test = _readme_commands()
    assert (demo, test) == ("make demo", "make test")
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test in ci_lines
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"`innomon {name}" in README, name


def test_every_environment_variable_is_in_the_readme():
    src = Path(innomon.__file__).parent
    names = set()
    for path in src.rglob("*.py"):
        names |= set(re.findall(r"os\.environ(?:\.get)?\(\s*\"([A-Z_]+)\"", path.read_text()))
        names |= set(re.findall(r"os\.environ\[\"([A-Z_]+)\"\]", path.read_text()))
    names.discard("DJANGO_SETTINGS_MODULE")
    assert {"INNOMON_HOME", "DATABASE_URL"} <= names
    for name in names:
        assert f"`{name}`" in README, name
