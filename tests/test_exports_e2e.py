"""Issue 15, "done when": each of the four kinds of survey-tool export of the CIS 2020-style
questionnaire imports with its mapping file alone, and the wave's export then holds exactly what
the respondents answered — compared value by value with the ground truth (every firm, every
variable). The special rows: Survey Preview / Survey Test / Spam rows not stored and counted, the
partial response superseded by the firm's complete one, the exact double submit counted once,
the corrected retake (two different completes of one firm) held in quarantine (rule ``double``).

Fixtures: tests/fixtures/exports (make_exports.py, README.md); the questionnaire, firms and
initiatives of tests/fixtures/cis2020.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from innomon.instrument import Instrument
from innomon.intake.export import wave_frame
from innomon.intake.importer import import_wave
from innomon.intake.registers import import_initiatives
from innomon.intake.tables import read_csv
from innomon.region import load_region
from innomon.registry.services import FIRM_FIELDS, register_firms
from innomon.registry.services import load_region as store_region
from innomon.survey.models import ImportBatch, QuarantinedRow, Response
from innomon.survey.questionnaires import open_wave, wave_instrument
from tests.test_cli import innomon, scratch_database

HERE = Path(__file__).parent / "fixtures" / "exports"
CIS = Path(__file__).parent / "fixtures" / "cis2020"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
YEAR = EXPECTED["wave"]
EXPORTS = {  # export → (its mapping, the tool)
    "qualtrics-numeric.csv": ("qualtrics-numeric.yaml", "qualtrics"),
    "qualtrics-choicetext.csv": ("qualtrics-choicetext.yaml", "qualtrics"),
    "qualtrics.sav": ("qualtrics-sav.yaml", "qualtrics"),
    "limesurvey-codes.csv": ("limesurvey-codes.yaml", "limesurvey"),
}
TOLERANCE = 1e-6  # computed shares (spending ÷ turnover × 100) are floating-point


def ground_truth() -> dict[str, dict[str, str]]:
    with open(HERE / "ground-truth.csv", encoding="utf-8") as fh:
        return {r["kvk"]: r for r in csv.DictReader(fh)}


def not_asked(mapping: str) -> set[str]:
    return set(yaml.safe_load((HERE / mapping).read_text(encoding="utf-8")).get("not_asked", ()))


def mismatches(
    frame: pd.DataFrame, instrument: Instrument, unasked: set[str]
) -> list[tuple[str, str, object, object]]:
    """Every (kvk, column, expected, found) where the export differs from the ground truth;
    a firm missing or extra in the export counts once, as column ``kvk``."""
    truth = ground_truth()
    frame = frame.assign(kvk=frame["kvk"].astype(str).str.zfill(8)).set_index("kvk")
    out: list[tuple[str, str, object, object]] = []
    for kvk in sorted(set(truth) ^ set(frame.index)):
        out.append((kvk, "kvk", kvk in truth, kvk in frame.index))
    for kvk in sorted(set(truth) & set(frame.index)):
        row, want = frame.loc[kvk], truth[kvk]
        for q in instrument.variables():
            text = "" if q.name in unasked else want[q.name]
            if q.type == "select_multiple":
                chosen = set(text.split())
                int_codes = instrument.value_type(q) is int
                cells = {}
                for k, choice in enumerate(instrument.choices(q), start=1):
                    col = f"{q.name}_{choice.name}" if int_codes else f"{q.name}_{k}"
                    cells[col] = (choice.name, row[col])
                found = [v for _c, v in cells.values()]
                if not chosen:
                    # nothing ticked: the tool's file cannot tell "none" from "not answered";
                    # the export holds either no answer (empty) or every choice 0
                    if not (all(_na(v) for v in found) or all(v == 0 for v in found)):
                        out.append((kvk, q.name, "empty or all 0", found))
                    continue
                for col, (code, value) in cells.items():
                    expected = 1 if code in chosen else 0
                    if _na(value) or value != expected:
                        out.append((kvk, col, expected, value))
                continue
            value = row[q.name]
            if not text:
                if not _na(value):
                    out.append((kvk, q.name, None, value))
            elif q.type in ("integer", "decimal") or instrument.value_type(q) is int:
                if _na(value) or abs(float(value) - float(text)) > TOLERANCE:
                    out.append((kvk, q.name, text, value))
            elif str(value) != text:
                out.append((kvk, q.name, text, value))
    return out


def _na(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.fixture
def wave(db, tmp_path, monkeypatch):
    """A fresh database: the region Oost-Nederland, the fixture's firms (and the two firms that
    typed their KvK number), its initiatives and wave 2023 asked with its questionnaire — through
    the services the commands use."""
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path / "home"))
    region = store_region(load_region("oost-nederland"))
    for path in (CIS / "firms.csv", HERE / "extra-firms.csv"):
        register_firms(read_csv(path, FIRM_FIELDS[:5], FIRM_FIELDS[5:]), path.name, first_row=2)
    import_initiatives(CIS / "initiatives.csv")
    workbook = CIS / "questionnaire.xlsx"
    return open_wave(
        region,
        YEAR,
        fieldwork_start=dt.date(YEAR, 3, 1),
        fieldwork_end=dt.date(YEAR, 4, 15),
        invited=400,
        data=workbook.read_bytes(),
        filename=workbook.name,
    )


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_each_export_imports_with_its_mapping_alone_and_holds_the_ground_truth(
    export, wave, tmp_path
):
    mapping, tool = EXPORTS[export]
    instrument = wave_instrument(wave)
    result = import_wave(
        wave, HERE / export, instrument, tmp_path / "out", mapping_path=HERE / mapping
    )
    roles = EXPECTED["roles"]
    held = QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True)
    # the only rows held are the retake pair, held as a double (nothing else was refused)
    assert sorted((r.kvk, r.row_number) for r in held) == sorted(
        (r.kvk, r.row_number) for r in held if r.kvk == roles["retake"]
    ), [(r.kvk, r.row_number, r.problems) for r in held]
    assert held.count() == EXPECTED["held"]
    assert all(any(p["rule"] == "double" for p in r.problems) for r in held)
    assert result.quarantined == EXPECTED["held"]

    frame, _labels, _value_labels = wave_frame(wave, instrument)
    assert mismatches(frame, instrument, not_asked(mapping)) == []

    batch = ImportBatch.objects.get(pk=result.batch.pk)
    counts = EXPECTED[tool]
    assert (batch.previews, batch.tests, batch.spam) == (
        counts["previews"],
        counts["tests"],
        counts["spam"],
    )
    assert batch.superseded == EXPECTED["superseded"]
    assert batch.doubles == EXPECTED["doubles"]
    assert batch.unaccounted == []
    assert batch.rows == counts["rows"]
    # the preview and spam rows carried registered firms that did not respond: nothing stored
    assert not Response.objects.filter(wave=wave, firm__kvk=roles["preview"]).exists()
    assert not Response.objects.filter(wave=wave, firm__kvk=roles["spam"]).exists()
    assert not Response.objects.filter(wave=wave, firm__kvk=roles["retake"]).exists()
    assert Response.objects.get(wave=wave, firm__kvk=roles["partial"]).status == "complete"
    assert Response.objects.filter(wave=wave).count() == EXPECTED["stored"]
    assert result.new_firms == []  # the typed KvK numbers are the registered firms'


@pytest.mark.slow
def test_the_command_line_dry_run_writes_nothing_and_the_import_holds_the_ground_truth(tmp_path):
    """`innomon import --dry-run` then `innomon import --strict` of the LimeSurvey export, and
    `innomon export`, as a team runs them."""
    home = tmp_path / "home"
    export, (mapping, _tool) = "limesurvey-codes.csv", EXPORTS["limesurvey-codes.csv"]
    with scratch_database() as db:
        env = {**db, "INNOMON_REGION": "oost-nederland"}

        def run(*args, codes=(0,)):
            result = innomon(*args, home=home, env=env)
            assert result.returncode in codes, (args, result.stdout, result.stderr)
            return result

        run("migrate")
        run("import-firms", str(CIS / "firms.csv"))
        run("import-firms", str(HERE / "extra-firms.csv"))
        run("initiatives", "import", str(CIS / "initiatives.csv"))
        run("wave", "add", str(YEAR), "--questionnaire", str(CIS / "questionnaire.xlsx"),
            "--invited", "400", "--start", f"{YEAR}-03-01", "--end", f"{YEAR}-04-15")  # fmt: skip
        private = home / "private" / "oost-nederland" / str(YEAR)
        before = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file())
        dry = run("import", str(YEAR), str(HERE / export), "--mapping", str(HERE / mapping),
                  "--dry-run", codes=(0, 3))  # fmt: skip
        for column in ("Q14[SQ001]", "Q15[other]", "token", "Q03"):
            assert column in dry.stdout, dry.stdout  # per column: use, target, counts
        after = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file())
        assert after == before  # no report, no archive, no export
        nothing = run("export", str(YEAR), codes=(1,))
        assert "no complete responses" in nothing.stderr
        done = run(
            "import",
            str(YEAR),
            str(HERE / export),
            "--mapping",
            str(HERE / mapping),
            "--strict",
            codes=(3,),
        )  # fmt: skip  (3: the retake pair is held)
        assert list((private / "imports").iterdir()), done.stdout  # the raw file archived
        run("export", str(YEAR))
        frame = pd.read_csv(private / f"wave-{YEAR}.csv", dtype={"kvk": str})
    from innomon.instrument.loader import load_instrument

    with open(CIS / "initiatives.csv", encoding="utf-8") as fh:
        # in the registry's order (by name), as the wave's own questionnaire lists them
        items = sorted(
            ({"name": r["name"], "type": r["type"]} for r in csv.DictReader(fh)),
            key=lambda item: item["name"],
        )
    instrument = load_instrument(initiatives=items, path=CIS / "questionnaire.xlsx").as_of(YEAR)
    assert mismatches(frame, instrument, not_asked(mapping)) == []
