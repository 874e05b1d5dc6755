"""The ``innomon`` command as a user runs it: a real process, real exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path


def _run(module: str, args, home: Path, env: dict | None, timeout: float, input=None, **extra):
    # The machine's PostgreSQL database is never the command's: without a DATABASE_URL in
    # ``env`` (e.g. from ``scratch_database``) it uses the SQLite file in its own home.
    skip = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    full_env = {k: v for k, v in os.environ.items() if k not in skip}
    full_env.update(INNOMON_HOME=str(home), COLUMNS="100", **extra)
    full_env.update(env or {})
    full_env = {k: v for k, v in full_env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


def innomon(*args, home: Path, env: dict | None = None, timeout: float = 120, input=None):
    return _run("innomon", args, home, env, timeout, input)


def assert_one_line_error(result, *fragments, code=1):
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("innomon: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@contextmanager
def scratch_database():
    """A DATABASE_URL for this test alone: a fresh PostgreSQL database when the suite runs on
    PostgreSQL, else unset (the SQLite file in INNOMON_HOME)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield {"DATABASE_URL": None}
        return
    import psycopg

    name = f"innomon_cli_{uuid.uuid4().hex[:12]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": f"{base}/{name}"}
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_demo_no_serve_builds_every_report_from_an_empty_home(demo):
    """`innomon demo --no-serve` from an empty INNOMON_HOME, as the session's demo ran it
    (tests/demo_session.py); then `innomon build` and `innomon results` on its database."""
    assert demo.returncode == 0, demo.stderr
    assert "demo ready" in demo.stdout
    home, env = demo.home, demo.env
    for year in range(2015, 2020):
        report = home / "out" / "noord-nederland" / str(year) / "report.html"
        assert report.is_file()
    text = (home / "out" / "noord-nederland" / "2017" / "report.html").read_text()
    # the complete responses, traced to their source (tests/publish checks every number)
    assert re.search(r'data-ref="responses\|\d+\|complete\|\|">624<', text)
    assert "Synthetische demonstratiedata" in text
    built = innomon("build", "2017", home=home, env=env)
    assert built.returncode == 0, built.stderr
    assert "of the respondents" in built.stdout
    exported = innomon(
        "results",
        "2017",
        "--indicator",
        "participants",
        "--by",
        "region",
        "--format",
        "json",
        home=home,
        env=env,
    )
    assert exported.returncode == 0, exported.stderr
    records = json.loads(exported.stdout)
    assert len(records) == 1
    assert set(records[0]) == {
        "indicator",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "suppressed",
    }
    assert_one_line_error(
        innomon("results", "2030", home=home, env=env), "wave 2030 has no build yet"
    )
    assert_one_line_error(
        innomon("results", "2017", "--indicator", "nope", home=home, env=env),
        "'nope' is not an indicator",
    )


def test_usage_error_is_one_line_with_exit_2(tmp_path):
    result = innomon("demo", "--port", "0", home=tmp_path)
    assert_one_line_error(result, "--port", code=2)


def test_unknown_command(tmp_path):
    result = innomon("frobnicate", home=tmp_path)
    assert_one_line_error(result, "frobnicate", code=2)


def test_unsupported_database_url(tmp_path):
    result = innomon("migrate", home=tmp_path, env={"DATABASE_URL": "mysql://root@localhost/x"})
    assert_one_line_error(result, "DATABASE_URL", "postgres://")


def test_unreachable_database(tmp_path):
    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = innomon(
        "migrate",
        home=tmp_path,
        env={"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/nothing"},
    )
    assert_one_line_error(result, "database is not reachable", "DATABASE_URL")


def test_home_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = innomon("migrate", home=blocker / "home")
    assert_one_line_error(result, "INNOMON_HOME", "writable")


def test_serve_refuses_an_unmigrated_database(tmp_path):
    with scratch_database() as db:
        result = innomon("serve", "--port", "8799", home=tmp_path, env=db)
    assert_one_line_error(result, "innomon migrate")


def test_migrate_then_createuser(tmp_path):
    with scratch_database() as db:
        assert innomon("migrate", home=tmp_path, env=db).returncode == 0
        env = {**db, "INNOMON_PASSWORD": "a-long-enough-secret-9"}
        ok = innomon("createuser", "analyst", home=tmp_path, env=env)
        assert ok.returncode == 0, ok.stderr
        again = innomon("createuser", "analyst", home=tmp_path, env=env)
        assert_one_line_error(again, "already exists")
        weak = innomon("createuser", "other", home=tmp_path, env={**db, "INNOMON_PASSWORD": "123"})
        assert_one_line_error(weak, "password rejected")


def test_region_lists_cbs_codes(tmp_path):
    result = innomon("region", home=tmp_path)
    assert result.returncode == 0
    assert "CR04 Noord-Friesland" in result.stdout
    assert "GM0080 Leeuwarden" in result.stdout
    unknown = innomon("region", home=tmp_path, env={"INNOMON_REGION": "atlantis"})
    assert_one_line_error(unknown, "atlantis", "available")


def test_import_firms_names_the_line_and_writes_nothing(tmp_path):
    good = "kvk;name;sbi_code;employees;municipality;founding_year\n"
    good += "12345678;Wadtech B.V.;2511;14;GM0014;1998\n"
    bad = good + "1234567;Kortnummer B.V.;6201;3;GM0080;\n87654321;Elders B.V.;6201;3;GM0363;\n"
    (tmp_path / "bad.csv").write_text(bad)
    (tmp_path / "good.csv").write_text(good)
    with scratch_database() as db:
        result = innomon("import-firms", str(tmp_path / "bad.csv"), home=tmp_path, env=db)
        assert_one_line_error(
            result,
            "bad.csv row 3, field 'kvk'",
            "8 digits",
            "(and 1 more problem(s))",
            "nothing was written",
        )
        ok = innomon("import-firms", str(tmp_path / "good.csv"), home=tmp_path, env=db)
        assert ok.returncode == 0, ok.stderr
        assert "1 firms added" in ok.stdout  # the bad file added none, so there was no clash
        again = innomon("import-firms", str(tmp_path / "good.csv"), home=tmp_path, env=db)
        assert_one_line_error(again, "good.csv row 2, field 'kvk'", "already registered")


def test_import_firms_checks_the_file_itself(tmp_path):
    (tmp_path / "cols.csv").write_text("kvk,name\n12345678,x\n")
    (tmp_path / "latin1.csv").write_bytes(
        "kvk,name,sbi_code,employees,municipality\n12345678,Caf\xe9,5610,3,GM0014\n".encode(
            "latin-1"
        )
    )
    missing = innomon("import-firms", str(tmp_path / "cols.csv"), home=tmp_path)
    assert_one_line_error(missing, "cols.csv row 1, field 'sbi_code'", "missing")
    # Windows-1252 (older Dutch Excel's "CSV") is read as such: innomon.tabular decodes it
    encoding = innomon("import-firms", str(tmp_path / "latin1.csv"), home=tmp_path)
    assert encoding.returncode == 0, encoding.stderr
    assert "1 firms added from latin1.csv" in encoding.stdout
    absent = innomon("import-firms", str(tmp_path / "nope.csv"), home=tmp_path)
    assert_one_line_error(absent, "nope.csv: does not exist")


def test_frame_and_initiatives_import_from_the_command_line(tmp_path):
    (tmp_path / "frame.csv").write_text(
        "region,sbi_section,size_class,count\nCR01,C,micro,10\nCR01,C,small,-1\n"
    )
    (tmp_path / "init.csv").write_text("name,type,theme,municipality\nX,network,energy,GM0014\n")
    with scratch_database() as db:
        bad = innomon("frame", "import", "2019", str(tmp_path / "frame.csv"), home=tmp_path, env=db)
        assert_one_line_error(bad, "frame.csv row 3, field 'count'", "negative")
        ok = innomon("initiatives", "import", str(tmp_path / "init.csv"), home=tmp_path, env=db)
        assert ok.returncode == 0, ok.stderr
        assert "1 initiatives added" in ok.stdout


def test_instrument_codebook(tmp_path):
    result = innomon("instrument", "codebook", home=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out" / "noord-nederland" / "instrument"
    assert "| `product_innovation`" in (folder / "codebook.md").read_text()
    assert "turnover_new_market_pct" in (folder / "codebook.csv").read_text(encoding="utf-8-sig")
    old = innomon(
        "instrument",
        "codebook",
        "--version",
        "2015.1",
        "--output",
        str(tmp_path / "cb2015"),
        home=tmp_path,
    )
    assert old.returncode == 0, old.stderr
    assert "theme19_" not in (tmp_path / "cb2015" / "codebook.md").read_text()
    future = innomon("instrument", "codebook", "--version", "2030.1", home=tmp_path)
    assert_one_line_error(future, "2030.1 is newer than the questionnaire")


# --------------------------------------------------------------- the database check (issue 12.7)


def _django_admin(*args: str, home: Path, env: dict) -> subprocess.CompletedProcess:
    """Django's own ``django-admin`` on innomon's settings and database (not the innomon
    command): to put a database into a state that only a user of Django gets it into."""
    return _run("django", args, home, env, 120, DJANGO_SETTINGS_MODULE="innomon.project.settings")


def test_an_outdated_database_is_refused_in_one_line_until_migrate(tmp_path):
    with scratch_database() as db:
        assert innomon("migrate", home=tmp_path, env=db).returncode == 0
        assert innomon("panel", home=tmp_path, env=db).returncode == 0
        # as if the code were one migration newer than the database
        back = _django_admin("migrate", "questionnaire", "0002_sample", home=tmp_path, env=db)
        assert back.returncode == 0, back.stderr
        for _ in range(2):  # no command migrates a database implicitly: it stays outdated
            refused = innomon("panel", home=tmp_path, env=db)
            assert_one_line_error(refused, "the database is not up to date", "`innomon migrate`")
            assert re.search(r"\((\d+) migrations? pending\)", refused.stderr), refused.stderr
            assert refused.stdout == ""
        assert_one_line_error(
            innomon("wave", "add", "2026", "--invited", "1", "--start", "2026-03-01",
                    "--end", "2026-04-30", home=tmp_path, env=db),
            "(1 migration pending)",
        )  # fmt: skip
        migrated = innomon("migrate", home=tmp_path, env=db)
        assert migrated.returncode == 0, migrated.stderr
        assert "database is up to date" in migrated.stdout
        fixed = innomon("panel", home=tmp_path, env=db)
        assert fixed.returncode == 0, fixed.stderr
        assert "no panel yet" in fixed.stdout
        assert "created the database" not in fixed.stdout


def test_the_first_command_on_a_new_home_creates_the_database_once(tmp_path):
    with scratch_database() as db:
        first = innomon("panel", home=tmp_path, env=db)
        assert first.returncode == 0, first.stderr
        assert first.stderr == ""
        assert first.stdout.splitlines() == [
            "innomon: created the database (its first use)",
            "innomon: fewer than two waves: no panel yet",
        ]
        again = innomon("panel", home=tmp_path, env=db)
        assert again.stdout.splitlines() == ["innomon: fewer than two waves: no panel yet"]


def test_a_database_migrated_without_innomon_gets_the_region_stored(tmp_path):
    """`django-admin migrate` makes the tables but not the region; the first command adds it."""
    with scratch_database() as db:
        made = _django_admin("migrate", "--verbosity", "0", home=tmp_path, env=db)
        assert made.returncode == 0, made.stderr
        r = innomon(
            "wave", "add", "2026", "--invited", "1", "--start", "2026-03-01", "--end", "2026-04-30",
            home=tmp_path, env=db,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert "wave 2026 opened" in r.stdout
        assert "created the database" not in r.stdout
