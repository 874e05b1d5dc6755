"""Failures a user can cause are one line saying what to do, never "unexpected … this is a bug",
and leave no temporary file: a 30 MB field in a CSV file, a full disk, `createuser` without a
terminal."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from innomon.cli import cli
from innomon.cli._guard import failure

BIG = 30 * 1024 * 1024


def one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("innomon: error: "), lines[0]
    assert "this is a bug" not in lines[0], lines[0]
    assert "unexpected" not in lines[0], lines[0]
    return lines[0]


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if "tmp" in p.name.lower()]


def full_disk() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# ------------------------------------------------------------------ a 30 MB field in a CSV file


@pytest.fixture(scope="module")
def big_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    field = '"' + "x" * BIG + '"'
    headers = {
        "firms": "kvk,name,sbi_code,employees,municipality",
        "invitations": "kvk,email",
        "frame": "region,sbi_section,size_class,count",
        "initiatives": "name,type,theme,municipality",
    }
    files = {}
    for kind, header in headers.items():
        columns = header.count(",") + 1
        path = folder / f"{kind}.csv"
        path.write_text(f"{header}\n{field}{',1' * (columns - 1)}\n", encoding="utf-8")
        files[kind] = path
    return files


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("firms", ["import-firms"]),
        ("invitations", ["invite", "2019"]),
        ("frame", ["frame", "import", "2019"]),
        ("initiatives", ["initiatives", "import"]),
    ],
)
def test_a_30_mb_field_is_one_line_naming_the_file_and_line(
    make_wave, big_files, kind, command, monkeypatch, tmp_path
):
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path))
    make_wave(2019)
    result = CliRunner().invoke(cli, [*command, str(big_files[kind])])
    assert result.exit_code == 1
    line = one_line(result)
    assert f"{kind}.csv row 2" in line
    assert "a field is larger than 128 KiB" in line
    assert "check that it is a CSV file of" in line


def test_the_guard_names_a_field_beyond_the_csv_limit_wherever_it_comes_from():
    import csv
    import io

    with pytest.raises(csv.Error) as caught:
        list(csv.reader(io.StringIO("x" * (csv.field_size_limit() + 1))))
    message = str(failure(caught.value).message)
    assert "larger than" in message
    assert "bug" not in message


# ------------------------------------------------------------------------------ a full disk


def test_the_guard_says_no_space_left_and_names_the_output():
    error = full_disk()
    error.filename = "/data/out/wave-2019.csv"
    message = failure(error).message
    assert message == (
        "no space left on the device holding /data/out/wave-2019.csv; free space or choose "
        "another output"
    )
    quota = OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))
    assert "no space left on the output device" in failure(quota).message


@pytest.fixture
def analyst_files(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "data.csv"
    data.write_text("x,w,g\n1,1,a\n2,1,b\n3,1,a\n4,1,b\n", encoding="utf-8")
    margins = tmp_path / "margins.csv"
    margins.write_text("variable,level,total\ng,a,20\ng,b,10\n", encoding="utf-8")
    return {"data": data, "margins": margins}


@pytest.mark.parametrize("command", ["estimate", "weight"])
def test_a_full_disk_in_estimate_and_weight_is_one_line_and_no_temporary_file(
    analyst_files, tmp_path, monkeypatch, command
):
    from innomon.analyst import writers

    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir()
    out.write_text("the previous result\n", encoding="utf-8")
    args = {
        "estimate": ["--weight", "w", "--mean", "x", "--output", str(out)],
        "weight": [
            *("--weight", "w", "--margins", str(analyst_files["margins"])),
            *("--method", "poststratify", "--output", str(out)),
        ],
    }[command]

    def no_space(fd: int) -> None:
        raise full_disk()

    monkeypatch.setattr(writers.os, "fsync", no_space)
    result = CliRunner().invoke(cli, [command, str(analyst_files["data"]), *args])
    assert result.exit_code == 1
    assert one_line(result) == (
        f"innomon: error: no space left on the device holding {out}; free space or choose "
        "another output"
    )
    assert leftovers(out.parent) == []
    assert out.read_text(encoding="utf-8") == "the previous result\n"


def _wave_with_a_response(make_wave, firm_record):
    from innomon.registry.services import register_firms
    from innomon.survey.services import record_responses

    wave = make_wave(2019)
    register_firms([firm_record()], "firms.csv")
    record_responses(wave, [{"kvk": "12345678", "answers": {"employees": 12}}], "test")
    return wave


@pytest.mark.django_db
def test_a_full_disk_in_export_is_one_line_and_no_temporary_file(
    make_wave, firm_record, tmp_path, monkeypatch
):
    import pandas as pd

    monkeypatch.setenv("INNOMON_HOME", str(tmp_path / "home"))
    _wave_with_a_response(make_wave, firm_record)

    def half_written(frame, path, *args, **kwargs):
        Path(path).write_text("kvk,employ", encoding="utf-8")
        raise full_disk()

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_written)
    result = CliRunner().invoke(cli, ["export", "2019"])
    assert result.exit_code == 1
    line = one_line(result)
    assert "no space left on the device holding" in line
    assert "wave-2019.csv" in line
    assert leftovers(tmp_path / "home") == []
    assert not list((tmp_path / "home").rglob("wave-2019.csv"))


def test_a_full_disk_while_writing_a_report_file_leaves_the_old_one_and_no_temporary(
    tmp_path, monkeypatch
):
    from innomon.publish import report

    target = tmp_path / "report.html"
    target.write_text("the previous report", encoding="utf-8")
    real = Path.write_bytes

    def half_written(self, data):
        real(self, data[:10])
        raise full_disk()

    monkeypatch.setattr(Path, "write_bytes", half_written)
    with pytest.raises(OSError, match="No space left") as caught:
        report._write_bytes(target, b"<html>the new report</html>")
    monkeypatch.undo()
    assert failure(caught.value).message.startswith(
        f"no space left on the device holding {target};"
    )
    assert target.read_text(encoding="utf-8") == "the previous report"
    assert leftovers(tmp_path) == []


@pytest.mark.django_db
def test_a_full_disk_while_writing_the_import_report_leaves_no_temporary_file(
    make_wave, tmp_path, monkeypatch
):
    from innomon.intake import importer
    from innomon.survey.models import ImportBatch

    wave = make_wave(2019)
    batch = ImportBatch.objects.create(wave=wave, file_name="in.csv", sha256="0" * 64, rows=0)
    real = importer.open_private

    def no_space_on_close(path, *args, **kwargs):
        fh = real(path, *args, **kwargs)

        class Full:
            def __enter__(self):
                return fh

            def __exit__(self, *exc):
                fh.close()
                raise full_disk()

        return Full()

    monkeypatch.setattr(importer, "open_private", no_space_on_close)
    with pytest.raises(OSError, match="No space left") as caught:
        importer.write_report(wave, batch, tmp_path / "private")
    assert "import-report.csv;" in failure(caught.value).message
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------- createuser without a terminal


@pytest.mark.django_db
def test_createuser_without_a_terminal_says_to_set_innomon_password(monkeypatch, tmp_path):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("INNOMON_HOME", str(tmp_path))
    monkeypatch.delenv("INNOMON_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["createuser", "analyst"], input="")
    assert result.exit_code == 1
    line = one_line(result)
    assert "no terminal to ask for the password" in line
    assert "INNOMON_PASSWORD" in line
    assert not get_user_model().objects.filter(username="analyst").exists()
