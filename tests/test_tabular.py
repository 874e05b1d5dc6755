"""``innomon.tabular``, the one table reader: every format and the CSV edge cases, as the files
are written by the tools (Excel's CSV in UTF-8 or Windows-1252, Qualtrics' three header rows,
SPSS and Stata files written by pyreadstat, parquet by pyarrow); and the readers that go through
it (registers, tables, the analysts' data files)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from innomon.errors import InputError
from innomon.intake.sources import SourceTable, read_source
from innomon.intake.tables import read_csv
from innomon.tabular import RawTable, read_table


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def cells(table: RawTable) -> dict[str, list]:
    return {h: list(table.text(h)) for h in table.header}


def test_utf8_with_bom_strips_and_nulls_empty_cells_only(tmp_path):
    path = write(tmp_path / "a.csv", "\ufeffkvk, naam ,n\n12345678,  Café  ,NA\n23456789,, \n")
    t = read_table(path)
    assert t.header == ("kvk", "naam", "n")
    assert t.encoding == "utf-8"
    assert cells(t) == {"kvk": ["12345678", "23456789"], "naam": ["Café", None], "n": ["NA", None]}
    assert list(t.row_numbers) == [2, 3]
    assert isinstance(t.row_numbers[0], int)
    assert len(t) == 2


def test_windows_1252_and_semicolons(tmp_path):
    path = write(tmp_path / "b.csv", "naam;omzet\nCafé Noord;12,5\nÉén;3\n", "cp1252")
    t = read_table(path)
    assert (t.encoding, t.delimiter) == ("cp1252", ";")
    assert list(t.text("naam")) == ["Café Noord", "Één"]
    np.testing.assert_array_equal(t.floats("omzet", decimal_comma=True), [12.5, 3.0])
    assert np.isnan(t.floats("omzet")[0])  # without decimal_comma '12,5' is no plain number


def test_tab_separated(tmp_path):
    t = read_table(write(tmp_path / "c.csv", "a\tb\n1\t2\n"))
    assert (t.delimiter, cells(t)) == ("\t", {"a": ["1"], "b": ["2"]})


QUALTRICS = (
    "StartDate,Status,Finished,ResponseId,ExternalReference,Q1,Q2_1\n"
    'Start Date,Response Type,Finished,Response ID,External Data Reference,"How many\n'
    'employees?",Which - Selected Choice\n'
    '"{""ImportId"":""startDate"",""timeZone"":""Europe/Amsterdam""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""externalDataReference""}","{""ImportId"":""QID1_TEXT""}",'
    '"{""ImportId"":""QID2_1""}"\n'
    "2024-03-01 10:00:00,0,1,R_1,12345678,12,1\n"
    "\n"
    "2024-03-01 11:00:00,1,1,R_2,23456789,,\n"
)


def test_qualtrics_three_header_rows(tmp_path):
    t = read_table(write(tmp_path / "q.csv", QUALTRICS))
    assert t.kind == "qualtrics"
    assert t.labels["Q1"] == "How many\nemployees?"
    assert t.import_ids == {
        "StartDate": "startDate",
        "Status": "status",
        "Finished": "finished",
        "ResponseId": "_recordId",
        "ExternalReference": "externalDataReference",
        "Q1": "QID1_TEXT",
        "Q2_1": "QID2_1",
    }
    # the label spans two lines but is one row: the first respondent is row 4; the blank
    # line is row 5 and carries no respondent
    assert list(t.row_numbers) == [4, 6]
    assert t.row(1) == {
        "StartDate": "2024-03-01 11:00:00",
        "Status": "1",
        "Finished": "1",
        "ResponseId": "R_2",
        "ExternalReference": "23456789",
        "Q1": None,
        "Q2_1": None,
    }


def test_a_quoted_field_with_newlines_is_one_row(tmp_path):
    text = 'id,remark\n1,"one\ntwo\nthree"\n2,plain\n\n3,"a ""quote"""\n'
    t = read_table(write(tmp_path / "m.csv", text))
    assert list(t.row_numbers) == [2, 3, 5]
    assert list(t.text("remark")) == ["one\ntwo\nthree", "plain", 'a "quote"']


def test_blank_lines_keep_the_numbering(tmp_path):
    t = read_table(write(tmp_path / "blank.csv", "a,b\r\n1,2\r\n\r\n  \r\n,\r\n3,4\r\n"))
    assert list(t.row_numbers) == [2, 6]
    assert cells(t) == {"a": ["1", "3"], "b": ["2", "4"]}


@pytest.mark.parametrize("quoted", [False, True])
def test_a_ragged_row_is_an_error_naming_it(tmp_path, quoted):
    extra = '"x"' if quoted else "x"
    path = write(tmp_path / "r.csv", f"a,b\n1,2\n3\n4,5,{extra}\n")
    with pytest.raises(InputError) as err:
        read_table(path)
    rows = [(p.row, p.message) for p in err.value.problems]
    assert rows[0] == (
        3,
        "has 1 values for 2 columns; check the separator (',') and the quotes on that line",
    )
    assert rows[1][0] == 4


def test_duplicate_column_names_are_listed(tmp_path):
    with pytest.raises(InputError) as err:
        read_table(write(tmp_path / "d.csv", "a,b,a,b,c\n1,2,3,4,5\n"))
    assert "more than once: 'a', 'b'" in str(err.value)


def test_limesurvey_is_recognised_by_its_metadata_columns(tmp_path):
    text = "id,submitdate,lastpage,startlanguage,token,Q05[SQ001]\n1,2024-03-01,3,nl,abc,Y\n"
    t = read_table(write(tmp_path / "ls.csv", text))
    assert t.kind == "limesurvey"
    assert t.text("Q05[SQ001]").tolist() == ["Y"]


def test_codes_are_the_distinct_values(tmp_path):
    t = read_table(write(tmp_path / "codes.csv", "q\nja\nnee\n\nja\n"))
    uniques, index = t.codes("q")
    assert [uniques[i] if i >= 0 else None for i in index] == ["ja", "nee", "ja"]
    assert index.dtype == np.int32


def test_xlsx_numbers_as_shortest_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["kvk", "n", "when", "name", None])
    ws.append([12345678, 2.5, dt.datetime(2024, 3, 1), "Noord", None])
    ws.append([None, None, None, None, None])
    ws.append([1234567, 3.0, dt.datetime(2024, 3, 1, 9, 30), " Zuid ", None])
    wb.save(tmp_path / "x.xlsx")
    t = read_table(tmp_path / "x.xlsx")
    assert t.header == ("kvk", "n", "when", "name")
    assert cells(t) == {
        "kvk": ["12345678", "1234567"],
        "n": ["2.5", "3"],
        "when": ["2024-03-01", "2024-03-01 09:30:00"],
        "name": ["Noord", "Zuid"],
    }
    assert t.typed == {"kvk", "n"}
    assert list(t.row_numbers) == [2, 4]


def test_sav_with_value_and_variable_labels(tmp_path):
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {
            "kvk": [12345678.0, 1234567.0, np.nan],
            "q1": [1.0, 2.0, 2.5],
            "name": ["Noord ", "", "Zuid"],
            "start": [dt.date(2024, 3, 1), dt.date(2024, 3, 2), None],
        }
    )
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={"q1": "Innovated?"},
        variable_value_labels={"q1": {1.0: "Ja", 2.0: "Nee"}},
        variable_measure={"q1": "nominal"},
    )
    t = read_table(path)
    assert cells(t) == {
        "kvk": ["12345678", "1234567", None],
        "q1": ["1", "2", "2.5"],
        "name": ["Noord", None, "Zuid"],
        "start": ["2024-03-01", "2024-03-02", None],
    }
    assert t.value_labels == {"q1": {"1": "Ja", "2": "Nee"}}
    assert t.labels == {"q1": "Innovated?"}
    assert t.measures["q1"] == "nominal"
    assert {"kvk", "q1"} <= t.typed
    assert list(t.row_numbers) == [1, 2, 3]
    assert t.encoding == "binary"


def test_dta(tmp_path):
    import pandas as pd
    import pyreadstat

    path = tmp_path / "s.dta"
    pyreadstat.write_dta(pd.DataFrame({"kvk": [12345678.0, 5.5], "t": ["a", "b"]}), path)
    assert cells(read_table(path)) == {"kvk": ["12345678", "5.5"], "t": ["a", "b"]}


def test_parquet(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(
        pa.table({"i": [1, None, 3], "f": [1.5, 2.0, None], "s": ["x", " ", None]}), path
    )
    t = read_table(path)
    assert cells(t) == {"i": ["1", None, "3"], "f": ["1.5", "2", None], "s": ["x", None, None]}
    assert t.typed == {"i", "f"}


def test_other_suffixes_and_missing_files(tmp_path):
    with pytest.raises(InputError, match="innomon reads"):
        read_table(write(tmp_path / "a.txt", "a\n"))
    with pytest.raises(InputError, match="does not exist"):
        read_table(tmp_path / "nothing.csv")
    with pytest.raises(InputError, match="not a text file"):
        read_table(write(tmp_path / "u16.csv", "a,b\n1,2\n", "utf-16"))


def test_sources_is_the_same_reader(tmp_path):
    t = read_source(write(tmp_path / "q.csv", QUALTRICS))
    assert isinstance(t, SourceTable)
    assert t.kind == "qualtrics"


def test_tables_read_a_windows_1252_semicolon_file_through_tabular(tmp_path):
    path = write(tmp_path / "inv.csv", "KvK;Email;Name\n12345678;a@b.nl;Café Zuid\n", "cp1252")
    assert read_csv(path, ("kvk", "email"), ("name",)) == [
        {"kvk": "12345678", "email": "a@b.nl", "name": "Café Zuid"}
    ]
    blank = write(tmp_path / "blank.csv", "kvk,email\n1,a\n\n2,b\n")
    with pytest.raises(InputError, match="row 3: is empty"):
        read_csv(blank, ("kvk", "email"))


def test_analyst_data_through_tabular(tmp_path):
    from innomon.analyst.readers import read_table as read_data

    path = write(tmp_path / "d.csv", "w;y;g\n1,5;NA;a\n2;3,25;b\n\n4;x;a\n", "cp1252")
    table = read_data(path)
    np.testing.assert_array_equal(table.columns["w"], [1.5, 2.0, 4.0])
    assert list(table.columns["y"]) == [None, "3,25", "x"]  # 'x' makes y text
    assert table.decimal_comma
    assert table.where(2, "y") == "d.csv row 5, column 'y'"
    assert json.dumps(int(table.raw.row_numbers[2])) == "5"
