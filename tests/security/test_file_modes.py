"""Issue 13, point 5 (file modes): private files are 0600 and private directories 0700 from
the moment they are created — the SQLite database, the secret key, the exports, the import
reports, the raw imports, the passports and the e-mail files — whatever the umask, never
written first and narrowed afterwards."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from innomon import config
from tests.servers import migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask: whatever is private is so by its creation mode."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def no_chmod(monkeypatch):
    """Narrowing a file after writing it does not count."""
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)


def test_the_helpers_create_private_folders_and_files(tmp_path, open_umask, no_chmod):
    folder = config.private_mkdir(tmp_path / "a" / "b")
    assert _mode(tmp_path / "a") == 0o700
    assert _mode(folder) == 0o700
    with config.open_private(folder / "f.csv", "w", encoding="utf-8") as fh:
        fh.write("kvk\n")
    assert _mode(folder / "f.csv") == 0o600
    loose = folder / "old.csv"
    loose.write_text("x")
    loose_mode = _mode(loose)
    config.create_private_file(loose)  # an existing file is narrowed before it is rewritten
    assert loose_mode == 0o666
    assert _mode(loose) == 0o600


def test_the_secret_key_is_created_private(tmp_path, monkeypatch, no_chmod):
    from innomon.project import settings

    monkeypatch.delenv("INNOMON_SECRET_KEY", raising=False)
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path))
    old = os.umask(0o022)
    try:
        key = settings._secret_key()
    finally:
        os.umask(old)
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == key
    assert _mode(path) == 0o600
    assert settings._secret_key() == key  # read again, not made anew
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_the_mail_files_are_private(tmp_path, open_umask):
    from django.core.mail import EmailMessage
    from django.utils.module_loading import import_string

    from innomon.project import settings

    backend = import_string(settings._EMAIL_BACKENDS["file"])(file_path=str(tmp_path / "mail"))
    backend.send_messages([EmailMessage("Uitnodiging", "/q/token/", "a@b.nl", ["c@d.nl"])])
    assert _mode(tmp_path / "mail") == 0o700
    (message,) = (tmp_path / "mail").iterdir()
    assert _mode(message) == 0o600


def test_a_new_sqlite_database_is_private(tmp_path):
    migrate(tmp_path, preexec_fn=lambda: os.umask(0o022))
    database = tmp_path / "innomon.sqlite3"
    assert database.stat().st_size > 0
    assert _mode(database) == 0o600
    for extra in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        if extra.exists():
            assert _mode(extra) == 0o600, extra.name
    assert _mode(tmp_path / "private") == 0o700
    assert _mode(tmp_path / "secret_key") == 0o600


@pytest.mark.django_db
def test_everything_in_the_private_tree_of_the_demo_is_private(demo):
    """The demo (run with the ordinary umask 022) leaves its raw imports, import reports and
    passports 0600 in 0700 folders; an export too."""
    result = subprocess.run(
        [sys.executable, "-m", "innomon", "export", "2019", "--format", "parquet"],
        env=demo.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    private = demo.home / "private"
    assert _mode(private) == 0o700
    paths = list(private.rglob("*"))
    names = {p.name for p in paths}
    assert {"wave-2019.parquet", "import-report.csv", "qualtrics-2019.csv"} <= names
    assert any(p.suffix == ".pdf" for p in paths)
    wrong = [
        (p.relative_to(private).as_posix(), oct(_mode(p)))
        for p in paths
        if _mode(p) != (0o700 if p.is_dir() else 0o600)
    ]
    assert wrong == []
    if demo.database is None:  # SQLite (on PostgreSQL the database is not a file here)
        assert _mode(demo.home / "innomon.sqlite3") == 0o600
    assert _mode(demo.home / "secret_key") == 0o600
