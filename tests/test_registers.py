"""Loading the population frame and the initiative registry from files: all or nothing."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from innomon.errors import InputError
from innomon.intake.registers import import_frame, import_initiatives
from innomon.registry.models import FrameCell, Initiative


def test_plain_frame(region, tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text(
        "region;sbi_section;size_class;count\nCR01;C;micro;1200\nCR01;C;small;85\n"
        "GM0014;J;medium;7\n"
    )
    assert import_frame(region, 2019, path) == 3
    cell = FrameCell.objects.get(unit_code="GM0014")
    assert (cell.unit_level, cell.sbi_section, cell.size_class, cell.count) == (
        "municipality",
        "J",
        "medium",
        7,
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("CR10;C;micro;5", "row 3, field 'region': 'CR10' is not a province"),
        ("CR02;Z;micro;5", "row 3, field 'sbi_section'"),
        ("CR02;C;large;5", "row 3, field 'size_class'"),
        ("CR02;C;micro;-5", "row 3, field 'count': the count -5 is negative"),
        ("CR02;C;micro;", "row 3, field 'count': the count is missing"),
        ("CR01;C;micro;9", "appears twice"),
    ],
)
def test_bad_frame_rows_are_named_and_nothing_is_loaded(region, tmp_path, line, message):
    path = tmp_path / "frame.csv"
    path.write_text(f"region;sbi_section;size_class;count\nCR01;C;micro;1200\n{line}\n")
    with pytest.raises(InputError) as err:
        import_frame(region, 2019, path)
    assert message in str(err.value)
    assert FrameCell.objects.count() == 0


def test_statline_export(region, tmp_path):
    path = tmp_path / "statline.csv"
    path.write_text(
        '"ID";"Bedrijfstakken/branches (SBI 2008)";"Bedrijfsgrootte";"Regio\'s";"Perioden";'
        '"Vestigingen (aantal)"\n'
        '"1";"C Industrie";"1 werkzaam persoon";"Leeuwarden";"2019";"310"\n'
        '"2";"C Industrie";"2 tot 10 werkzame personen";"Leeuwarden";"2019";"190"\n'
        '"3";"C Industrie";"10 tot 50 werkzame personen";"Leeuwarden";"2019";"40"\n'
        '"4";"C Industrie";"250 werkzame personen of meer";"Leeuwarden";"2019";"2"\n'
        '"5";"C Industrie";"Totaal";"Leeuwarden";"2019";"542"\n'
        '"6";"A-U Alle economische activiteiten";"Totaal";"Leeuwarden";"2019";"9000"\n'
        '"7";"C Industrie";"2 tot 10 werkzame personen";"Amsterdam";"2019";"999"\n'
        '"8";"J Informatie en communicatie";"2 tot 10 werkzame personen";"GM0014";"2019";"77"\n'
    )
    assert import_frame(region, 2019, path) == 3
    counts = {(c.unit_code, c.sbi_section, c.size_class): c.count for c in FrameCell.objects.all()}
    assert counts == {
        ("GM0080", "C", "micro"): 500,
        ("GM0080", "C", "small"): 40,
        ("GM0014", "J", "micro"): 77,
    }


def test_initiatives_from_csv_and_xlsx(region, tmp_path):
    csv_path = tmp_path / "init.csv"
    csv_path.write_text(
        "name,type,theme,municipality,partners,real\n"
        "Fieldlab Test,test_environment,digital,GM0014,12,ja\n"
    )
    assert import_initiatives(csv_path) == 1
    wb = Workbook()
    wb.active.append(["name", "type", "theme", "municipality"])
    wb.active.append(["Netwerk Test", "network", "energy", "GM0080"])
    xlsx = tmp_path / "init.xlsx"
    wb.save(xlsx)
    assert import_initiatives(xlsx) == 1
    assert Initiative.objects.get(name="Fieldlab Test").partners == 12
    assert Initiative.objects.get(name="Fieldlab Test").is_real


def test_bad_initiatives_are_named_and_nothing_is_loaded(region, tmp_path):
    path = tmp_path / "init.csv"
    path.write_text(
        "name,type,theme,municipality\nA,network,x,GM0014\nB,lab,x,GM0014\nA,network,x,GM0014\n"
    )
    with pytest.raises(InputError) as err:
        import_initiatives(path)
    assert "init.csv row 3, field 'type'" in str(err.value)
    assert "(and 1 more problem(s))" in str(err.value)
    assert Initiative.objects.count() == 0
    wrong = tmp_path / "init.txt"
    wrong.write_text("x")
    with pytest.raises(InputError, match=r"not a \.csv or \.xlsx file"):
        import_initiatives(wrong)
