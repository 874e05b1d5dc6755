"""The CIS 2020-style test monitor (tests/fixtures/cis2020): a workbook innomon and pyxform
accept, with none of the shipped monitor's names, and CSV files that fit it and the region."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from innomon.instrument.derive import derive_columns
from innomon.instrument.loader import WORKBOOK, load_instrument
from innomon.region import load_region

FIXTURE = Path(__file__).parent / "fixtures" / "cis2020"


def _initiatives() -> list[dict]:
    with open(FIXTURE / "initiatives.csv", encoding="utf-8") as fh:
        return [{"name": r["name"], "type": r["type"]} for r in csv.DictReader(fh)]


def _instrument():
    return load_instrument(initiatives=_initiatives(), path=FIXTURE / "questionnaire.xlsx")


def _export(year: int) -> list[dict[str, str]]:
    with open(FIXTURE / f"qualtrics-{year}.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[2][0].startswith('{"ImportId"')
    return [dict(zip(rows[0], r, strict=True)) for r in rows[3:]]


def test_workbook_loads_with_its_own_names_only():
    fixture = _instrument()
    shipped = load_instrument(path=WORKBOOK)
    shipped_names = {q.name for q in shipped.questions} | set(shipped.names())
    names = {q.name for q in fixture.questions} | set(fixture.names())
    assert not names & shipped_names
    assert {c.source for c in fixture.context} >= {"wave.year", "parameter.top_share"}
    assert set(fixture.registry_lists) == {
        "initiative_incubator",
        "initiative_network",
        "initiative_test_environment",
    }
    assert "mod23_abroad" in fixture.names()
    assert not any(n.startswith("mod23_") for n in fixture.as_of(2022).names())


def test_exports_fit_the_register_the_region_and_the_workbook():
    region = {m.code for m in load_region("oost-nederland").municipalities}
    with open(FIXTURE / "firms.csv", encoding="utf-8") as fh:
        firms = {r["kvk"]: r for r in csv.DictReader(fh, delimiter=";")}
    assert all(f["municipality"] in region for f in firms.values())
    instrument = _instrument()
    codes = {c.name for lst in instrument.registry_lists for c in instrument.choice_lists[lst]}
    kvks = {}
    for year, n in ((2022, 150), (2023, 120)):
        rows = _export(year)
        assert len(rows) == n
        asked = {q.name for q in instrument.as_of(year).variables()}
        columns = set(rows[0]) - {"firm_name", "sbi_code", "municipality"}
        assert {c for c in columns if c[:1].islower()} == asked
        assert all(r["ExternalReference"] in firms for r in rows)
        for r in rows:
            for column in ("cluster_part_net", "cluster_part_lab", "cluster_part_inc"):
                assert set(filter(None, r[column].split(","))) <= codes
        kvks[year] = {r["ExternalReference"] for r in rows}
    assert len(kvks[2022] & kvks[2023]) == 50


def test_calculations_give_plausible_three_valued_figures():
    instrument = _instrument().as_of(2023)
    with open(FIXTURE / "firms.csv", encoding="utf-8") as fh:
        employees = {r["kvk"]: int(r["employees"]) for r in csv.DictReader(fh, delimiter=";")}
    records, size = [], []
    for row in _export(2023):
        rec = {}
        for q in instrument.variables():
            value = row.get(q.name, "")
            if value:
                rec[q.name] = value.split(",") if q.type == "select_multiple" else value
        records.append(rec)
        size.append(employees[row["ExternalReference"]] >= 10)
    columns = derive_columns(instrument, records, {"wave.year": 2023, "parameter.top_share": 0.25})
    pd, inno, ntm = columns["cis_pd"], columns["cis_inno"], columns["cis_ntm_share"]
    assert set(np.unique(pd[~np.isnan(pd)])) <= {0.0, 1.0}
    assert 0.3 < np.nanmean(inno) < 0.8
    assert ntm.dtype.kind == "f"
    assert np.nanmax(ntm) <= 100
    assert np.all(ntm[pd == 0] == 0)  # gated: 0 without a product innovation
    larger = np.array(size)
    assert np.nanmean(inno[larger]) > np.nanmean(inno[~larger])  # larger firms innovate more
    top = columns["cis_top"]
    assert np.all((top == 1) == (ntm > 25))
