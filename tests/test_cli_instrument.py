"""``innomon instrument check`` and ``diff`` (no database), and a wave's own questionnaire on the
command line: ``wave add --questionnaire``, ``wave questionnaire``, ``import``, ``export`` and
``instrument codebook YEAR`` — each a real process, as a team runs them."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

import innomon as innomon_package
from tests.survey.workbooks import ADDED, DROPPED, broken, edited, write
from tests.test_cli import assert_one_line_error, innomon, scratch_database
from tests.test_import import VALID

# the import test's valid row, without what the edited workbook drops (and, here, initiatives)
ROW = {
    k: v
    for k, v in VALID.items()
    if k
    not in (
        "innovation_staff",
        "initiatives_network",
    )
}


def _csv(path: Path, row: dict[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


def _no_database(home: Path) -> None:
    assert not [p for p in home.rglob("*") if p.suffix.startswith(".sqlite")]


def test_check_lists_every_problem_of_a_broken_workbook(tmp_path):
    path = write(tmp_path / "ours.xlsx", broken())
    result = innomon("instrument", "check", str(path), home=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    problems = [line for line in result.stdout.splitlines() if line.startswith("ours.xlsx, ")]
    assert len(problems) >= 4, result.stdout
    for fragment in ("integr", "no_such_list", "no_such_question", "'and'"):
        assert any(
            p.startswith("ours.xlsx, sheet survey, row ") and fragment in p for p in problems
        )
    assert f"ours.xlsx: {len(problems)} problems" in result.stdout
    assert "Traceback" not in result.stderr
    _no_database(tmp_path)


def test_check_of_a_good_workbook_says_which_indicators_it_can_feed(tmp_path):
    path = write(tmp_path / "ours.xlsx", edited())
    result = innomon("instrument", "check", str(path), home=tmp_path)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "ours.xlsx: version 2020.1" in result.stdout
    assert "indicators it can feed (" in result.stdout
    assert result.stdout.splitlines()[-1] == "innomon: ours.xlsx: no problems"
    _no_database(tmp_path)
    missing = innomon("instrument", "check", str(tmp_path / "nope.xlsx"), home=tmp_path)
    assert_one_line_error(missing, "nope.xlsx: no such file", code=2)


def test_check_names_what_the_monitor_definition_needs_and_the_workbook_lacks(tmp_path):
    """A definition whose domain and complementarity outcome name variables the workbook does
    not have: one line each, naming the definition's file and entry; exit code 2."""
    import shutil

    import yaml

    monitor = tmp_path / "monitor"
    shutil.copytree(Path(innomon_package.__file__).parent / "monitors" / "noord-nederland", monitor)
    data = yaml.safe_load((monitor / "monitor.yaml").read_text(encoding="utf-8"))
    data["domains"][2]["variable"] = "sector_code"
    data["roles"]["complementarity"]["outcome"] = "turnover_new_pct"
    (monitor / "monitor.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    path = write(tmp_path / "ours.xlsx", edited())
    result = innomon(
        "instrument", "check", str(path), home=tmp_path, env={"INNOMON_MONITOR": str(monitor)}
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(f"{monitor}/monitor.yaml, domain 'sbi_group': the variable 'sector_code'")
        for line in lines
    ), lines
    assert any("roles.complementarity: the variable 'turnover_new_pct'" in line for line in lines)
    assert lines[-1] == "innomon: ours.xlsx: 2 problems; correct them and check again"


def test_diff_lists_added_and_removed_questions(tmp_path):
    old = write(tmp_path / "2019.xlsx", edited(version="2019.1"))
    new = write(tmp_path / "2020.xlsx", edited(version="2020.1", **{}))
    same = innomon("instrument", "diff", str(old), str(old), home=tmp_path)
    assert same.returncode == 0, same.stderr
    from innomon.instrument import WORKBOOK

    result = innomon("instrument", "diff", str(WORKBOOK), str(new), home=tmp_path)
    assert result.returncode == 0, (result.stdout, result.stderr)
    lines = result.stdout.splitlines()
    assert any(ADDED in line and "added" in line.lower() for line in lines), lines
    assert any(DROPPED in line and "removed" in line.lower() for line in lines), lines
    assert any("2020.1" in line for line in lines), lines  # the version changed
    _no_database(tmp_path)


def test_a_wave_asked_with_its_own_workbook(tmp_path):
    ours = write(tmp_path / "ours-2020.xlsx", edited(version="2020.1"))
    dates = ("--invited", "10", "--start", "2020-03-01", "--end", "2020-03-31")
    with scratch_database() as db:

        def run(*args):
            return innomon(*args, home=tmp_path, env=db)

        bad = write(tmp_path / "bad.xlsx", broken())
        assert_one_line_error(
            run("wave", "add", "2020", *dates, "--questionnaire", str(bad)), "bad.xlsx, sheet "
        )
        assert_one_line_error(
            run("wave", "add", "2020", *dates, "--questionnaire", str(ours), "--version", "2021"),
            "ours-2020.xlsx, sheet settings",
            "'2020.1', not '2021'",
        )
        added = run("wave", "add", "2020", *dates, "--questionnaire", str(ours))
        assert added.returncode == 0, added.stderr
        assert "questionnaire ours-2020.xlsx, version 2020.1" in added.stdout
        old = run(
            "wave", "add", "2019", "--invited", "5", "--start", "2019-03-01", "--end", "2019-03-02"
        )
        assert old.returncode == 0, old.stderr

        stored = run("wave", "questionnaire", "2020", "--out", str(tmp_path / "back.xlsx"))
        assert stored.returncode == 0, stored.stderr
        assert (tmp_path / "back.xlsx").read_bytes() == ours.read_bytes()

        new_style = _csv(tmp_path / "2020.csv", {**ROW, ADDED: "1"})
        old_style = _csv(tmp_path / "2019.csv", {**ROW, DROPPED: "2"})
        imported = run("import", "2020", str(new_style))
        assert imported.returncode == 0, imported.stderr
        assert "1 stored" in imported.stdout
        # 2020 requires the question it added, and has no place for the one it dropped
        assert_one_line_error(run("import", "2020", str(old_style)), ADDED)
        strict = run("import", "2020", str(old_style), "--strict")
        assert strict.returncode == 1
        assert ADDED in strict.stderr  # every problem listed
        assert DROPPED in strict.stderr
        assert run("import", "2019", str(old_style)).returncode == 0

        for year, asked, not_asked in ((2020, ADDED, DROPPED), (2019, DROPPED, ADDED)):
            exported = run("export", str(year))
            assert exported.returncode == 0, exported.stderr
            path = tmp_path / "private" / "noord-nederland" / str(year) / f"wave-{year}.csv"
            columns = pd.read_csv(path).columns
            assert asked in columns
            assert not_asked not in columns
            codebook = run("instrument", "codebook", str(year))
            assert codebook.returncode == 0, codebook.stderr
            text = (
                tmp_path / "out" / "noord-nederland" / "instrument" / str(year) / "codebook.md"
            ).read_text()
            assert f"`{asked}`" in text
            assert f"`{not_asked}`" not in text
