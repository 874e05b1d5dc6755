"""The docs stay true: the README's two commands, CI's use of them, every command and setting."""

import re
import tomllib
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


# --- docs/architecture.md describes the layers the import-linter contracts enforce ---

ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _contracts():
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def _layers_contract():
    (contract,) = [c for c in _contracts() if c["type"] == "layers"]
    # siblings are independent (|) or may import each other (:)
    return [[m.strip() for m in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def _architecture_layer_table(text):
    """The package column of the table under '## Layers', one list of modules per row."""
    section = re.search(r"^## Layers\n(.*?)(?=^## )", text, re.S | re.M).group(1)
    rows = [ln for ln in section.splitlines() if ln.startswith("|")]
    header, rule, *body = rows
    assert [c.strip() for c in header.strip("|").split("|")] == ["layer", "package", "job"]
    assert set(rule) <= set("|-: ")
    return [re.findall(r"`(innomon[\w.]*)`", row.split("|")[2]) for row in body]


def _innomon_packages():
    """Every importable package and module directly under src/innomon (cli.py or cli/ alike)."""
    src = Path(innomon.__file__).parent
    names = {p.name for p in src.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    names |= {p.stem for p in src.glob("*.py") if p.stem not in {"__init__", "__main__"}}
    return {f"innomon.{name}" for name in names}


def test_the_architecture_layer_table_is_the_layers_contract():
    table = _architecture_layer_table(ARCHITECTURE.read_text())
    assert table == _layers_contract()


def test_every_package_is_a_layer_or_named_outside_them():
    layered = {m for layer in _layers_contract() for m in layer}
    outside = _innomon_packages() - layered
    assert outside == {"innomon.project"}, outside  # settings, URLs, WSGI: wires the apps
    text = ARCHITECTURE.read_text()
    assert "`innomon.project`" in text
    assert "outside the layers" in text
    assert layered <= _innomon_packages(), layered - _innomon_packages()


def test_every_forbidden_contract_is_described_in_the_architecture():
    """A paragraph outside the layer table names each forbidden contract's source modules and
    says import-linter enforces it (and, when Django is forbidden, that Django is)."""
    text = ARCHITECTURE.read_text()
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if not p.lstrip().startswith("|")]
    forbidden = [c for c in _contracts() if c["type"] == "forbidden"]
    assert forbidden
    for contract in forbidden:
        sources = [f"`{m}`" for m in contract["source_modules"]]
        matching = [
            p
            for p in paragraphs
            if all(s in p for s in sources)
            and "import-linter" in p
            and ("django" not in contract["forbidden_modules"] or "Django" in p)
        ]
        assert matching, contract["name"]


# --- docs/sources.md: the domain sources live in the repository and every citation resolves ---

SOURCES = ROOT / "docs" / "sources.md"
CITING = ["src", "tests", "docs", "bench", "README.md"]
# 'docs/sources.md §1.2' or 'docs/sources.md §2.2, §3.2' (a list of sections after one mention)
CITATION = re.compile(r"sources\.md((?:(?:,\s*|\s+and\s+|\s+)§\d+(?:\.\d+)?)+)")


def _repo_texts():
    for entry in CITING:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            if "__pycache__" in f.parts or f.suffix in {".mo", ".pyc", ".xlsx", ".sav", ".dta"}:
                continue
            try:
                yield f, f.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def _source_sections(text):
    """The section numbers of docs/sources.md's headings: '## 2. …' is 2, '### 2.1 …' is 2.1."""
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, re.M))


def _citations(text):
    return [s for group in CITATION.findall(text) for s in re.findall(r"§(\d+(?:\.\d+)?)", group)]


def test_no_file_refers_to_the_shared_domain_notes_outside_the_repository():
    offending = [
        f"{path.relative_to(ROOT)}:{n}"
        for path, text in _repo_texts()
        if path != Path(__file__).resolve()
        for n, line in enumerate(text.splitlines(), 1)
        if "../shared/" in line or "DOMAIN.md" in line
    ]
    assert not offending, offending


def test_every_cited_section_of_the_sources_exists():
    sections = _source_sections(SOURCES.read_text())
    assert {"1.2", "1.6", "2.3", "5.4", "7.2"} <= sections
    cited = {
        (str(path.relative_to(ROOT)), s)
        for path, text in _repo_texts()
        if path != SOURCES
        for s in _citations(text)
    }
    assert len(cited) >= 20  # the data files cite their sources throughout
    missing = sorted((where, s) for where, s in cited if s not in sections)
    assert not missing, missing


def test_the_citation_pattern_reads_lists_of_sections():
    text = "see docs/sources.md §2.2, §3.2 and §5 (Lumley 2010, §9 is not one)"
    assert _citations(text) == ["2.2", "3.2", "5"]
    assert _citations("docs/sources.md §2, §3 and §4.1") == ["2", "3", "4.1"]
    assert _source_sections("## 2. Standards\n### 2.1 Oslo\n#### 2.1.1 deeper\n") == {"2", "2.1"}
