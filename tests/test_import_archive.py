"""The original kept: every imported file is archived privately with its checksum; importing
the same file again (a corrected mapping) replaces that batch's stored rows and says how many
changed; ``dry_run`` computes everything and writes nothing."""

# ruff: noqa: F811 (the fixtures of tests/test_import.py are imported by name)
from __future__ import annotations

import hashlib
import stat

import pytest

from innomon.survey.models import ImportBatch, QuarantinedRow, Response, ResponseEdit
from tests.test_import import firm, instrument, run, wave, write_csv  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def renamed(number: str, **changes) -> dict[str, str]:
    """A row whose employees column is called Q1 (the mapping says what it is)."""
    row = firm(number, **changes)
    row["Q1"] = row.pop("employees")
    return row


def mapping(tmp_path, values: str = ""):
    path = tmp_path / f"mapping{len(values)}.yaml"
    path.write_text(f"columns: {{Q1: employees}}\n{values}", encoding="utf-8")
    return path


def test_the_raw_file_is_archived_privately_with_its_checksum(wave, instrument, tmp_path):
    path = write_csv(tmp_path / "wave.csv", [firm("12345678")])
    result = run(wave, path, instrument, tmp_path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    copy = tmp_path / "out" / "noord-nederland" / "2019" / "imports" / f"{sha[:12]}-wave.csv"
    assert result.batch.sha256 == sha
    assert result.batch.archive == str(copy)
    assert copy.read_bytes() == path.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert Response.objects.get().import_batch == result.batch


def test_the_mapping_checksum_is_kept(wave, instrument, tmp_path):
    m = mapping(tmp_path)
    path = write_csv(tmp_path / "wave.csv", [renamed("12345678")])
    result = run(wave, path, instrument, tmp_path, mapping_path=m)
    assert result.batch.mapping_sha256 == hashlib.sha256(m.read_bytes()).hexdigest()


def test_the_same_file_again_with_a_corrected_mapping_replaces_its_batch(
    wave,
    instrument,
    tmp_path,
):
    rows = [renamed("12345678"), renamed("23456789", employees="3")]
    path = write_csv(tmp_path / "wave.csv", rows)
    # the wrong mapping: 12 employees read as 21
    wrong_mapping = mapping(tmp_path, "values: {employees: {'12': '21'}}\n")
    wrong = run(wave, path, instrument, tmp_path, mapping_path=wrong_mapping)
    assert wrong.stored == 2
    assert Response.objects.get(firm__kvk="12345678").answers["employees"] == 21
    right = run(wave, path, instrument, tmp_path, mapping_path=mapping(tmp_path))
    assert (right.counts["changed"], right.unchanged) == (1, 1)
    assert (right.counts["added"], right.counts["removed"]) == (0, 0)
    assert right.replaced == wrong.batch
    wrong.batch.refresh_from_db()
    assert wrong.batch.replaced_by == right.batch
    answers = Response.objects.get(firm__kvk="12345678").answers
    assert answers["employees"] == 12
    assert Response.objects.filter(import_batch=right.batch).count() == 2
    # once more, unchanged: nothing is written
    again = run(wave, path, instrument, tmp_path, mapping_path=mapping(tmp_path))
    assert (again.stored, again.unchanged, again.counts["changed"]) == (0, 2, 0)


def test_a_reimport_removes_what_it_no_longer_stores_and_spares_edited_responses(
    wave,
    instrument,
    tmp_path,
):
    rows = [firm("12345678"), firm("23456789"), firm("34567890")]
    path = write_csv(tmp_path / "wave.csv", rows)
    first = run(wave, path, instrument, tmp_path)
    assert first.stored == 3
    edited = Response.objects.get(firm__kvk="34567890")
    ResponseEdit.objects.create(response=edited, username="team", field="answers.employees")
    # the new mapping reads every product innovation as "no": its follow-up questions are then
    # answered where they are not asked (relevance)
    m = tmp_path / "m.yaml"
    m.write_text("values: {product_innovation: {'1': '0'}}\n", encoding="utf-8")
    second = run(wave, path, instrument, tmp_path, mapping_path=m)
    # every row is now held; the batch's own responses
    # that the team did not edit are removed, the edited one is left alone
    assert second.quarantined == 3
    assert second.counts["removed"] == 2
    assert set(Response.objects.values_list("firm__kvk", flat=True)) == {"34567890"}
    assert QuarantinedRow.objects.filter(resolved_at__isnull=True).count() == 3


def test_a_dry_run_writes_nothing(wave, instrument, tmp_path):
    path = write_csv(
        tmp_path / "wave.csv", [firm("12345678"), firm("23456789", turnover_class="7")]
    )
    result = run(wave, path, instrument, tmp_path, dry_run=True)
    assert (result.stored, result.quarantined, result.batch, result.dry_run) == (1, 1, None, True)
    assert not ImportBatch.objects.exists()
    assert not Response.objects.exists()
    assert not QuarantinedRow.objects.exists()
    assert not (tmp_path / "out").exists()
    stats = {s.column: s for s in result.columns}
    assert (stats["turnover_class"].stored, stats["turnover_class"].quarantined) == (1, 1)
    assert stats["kvk"].use == "kvk"


def test_a_file_level_problem_archives_nothing(wave, instrument, tmp_path):
    from innomon.errors import InputError

    row = {k: v for k, v in firm("12345678").items() if k != "product_innovation"}
    with pytest.raises(InputError):
        run(wave, write_csv(tmp_path / "wave.csv", [row]), instrument, tmp_path)
    assert not (tmp_path / "out" / "noord-nederland" / "2019" / "imports").exists()
    assert not ImportBatch.objects.exists()
