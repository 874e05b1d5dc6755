"""Issue 13, point 1: no URL of the public site returns a file that holds firm-level data.

On the demo's home, after `innomon export 2019`, every file under INNOMON_HOME is requested by
its path relative to the home and relative to out/ (and to private/), anonymously; only the
published reports may be served, and none of what is served holds a KvK number or a firm's
free-text answer. And SIGTERM on `innomon passports` ends its workers and leaves no temporary
directory behind.
"""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from innomon.registry.models import Firm
from innomon.survey.models import Response

pytestmark = pytest.mark.django_db

EXPORT_FORMATS = ("csv", "xlsx", "sav")


def _innomon(demo, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innomon", *args],
        env=demo.env,
        capture_output=True,
        text=True,
        timeout=600,
        **kw,
    )


@pytest.fixture(scope="module")
def exported(demo):
    for fmt in EXPORT_FORMATS:
        result = _innomon(demo, "export", "2019", "--format", fmt)
        assert result.returncode == 0, result.stderr
    return demo


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text_of(name: str, body: bytes) -> str:
    """What a reader of the file sees: a PDF's text, a workbook's XML, else the bytes."""
    if name.endswith(".pdf"):
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return body.decode("utf-8", "replace")


# an eight-digit number on its own (not the digits of a longer number or of a decimal, such as
# the charts' coordinates in a report)
KVK_LIKE = re.compile(r"(?<![\d.])\d{8}(?![\d])")


def _leaks(text: str, kvks: set[str], texts: set[str]) -> list[str]:
    return sorted(set(KVK_LIKE.findall(text)) & kvks) + [t for t in texts if t in text]


def _secrets() -> tuple[set[str], set[str]]:
    kvks = set(Firm.objects.values_list("kvk", flat=True))
    texts = set()
    for answers in Response.objects.exclude(answers={}).values_list("answers", flat=True):
        for value in answers.values():
            if isinstance(value, str) and len(value) >= 12 and not value.isdigit():
                texts.add(value)
    return kvks, texts


def test_no_public_url_returns_a_file_with_firm_data(exported):
    home = exported.home
    files = [p for p in home.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {f"wave-2019.{fmt}" for fmt in EXPORT_FORMATS} <= names  # what the walk must cover
    assert "import-report.csv" in names
    assert "qualtrics-2019.csv" in names
    assert any(p.suffix == ".pdf" and "passports" in p.parts for p in files)
    urls = set()
    for path in files:
        rel = path.relative_to(home).as_posix()
        urls |= {f"/{rel}", f"/out/{rel}", f"/team/files/{rel}"}
        for root in ("out", "private"):
            if rel.startswith(f"{root}/"):
                inner = rel.removeprefix(f"{root}/")
                urls |= {f"/out/{inner}", f"/{inner}", f"/team/files/{inner}"}
    kvks, texts = _secrets()
    assert kvks  # (the demo's answers may hold no free text; the KvK numbers are in every file)
    client = Client()
    served = {}
    for url in sorted(urls):
        response = client.get(url)
        if response.status_code == 200:
            served[url] = _body(response)
        else:  # not found, or the login page of the back office (/team/files/)
            assert response.status_code in (404, 302), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/"), url
    # the only files served: the published reports, and none of them names a firm
    for url, body in served.items():
        assert url.startswith("/out/noord-nederland/"), url
        assert "/report." in url, url
        text = _text_of(url, body)
        leaked = _leaks(text, kvks, texts)
        assert not leaked, (url, leaked[:3])
    reports = [
        f"/out/noord-nederland/2019/{name}"
        for name in ("report.html", "report.en.html", "report.pdf", "report.xlsx")
    ]
    for url in [*reports, "/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text_of(url, _body(response))
        leaked = _leaks(text, kvks, texts)
        assert not leaked, (url, leaked[:3])


def test_the_private_files_are_for_the_team_behind_login(exported, django_user_model):
    client = Client()
    listing = client.get("/team/files/")
    assert listing.status_code == 302
    assert "/admin/login/" in listing["Location"]
    rel = "noord-nederland/2019/wave-2019.csv"
    assert client.get(f"/team/files/{rel}").status_code == 302
    staff = django_user_model.objects.create_user("assistant", password="x-long-secret-9")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)  # staff, but without the permission to view responses
    assert client.get(f"/team/files/{rel}").status_code == 403
    team = django_user_model.objects.create_superuser("team", "", "x-long-secret-9")
    client.force_login(team)
    html = client.get("/team/files/").content.decode()
    assert f'href="/team/files/{rel}"' in html
    response = client.get(f"/team/files/{rel}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert _body(response).startswith(b"kvk,")
    assert client.get("/team/files/../secret_key").status_code == 404


def test_withdrawing_a_wave_takes_its_report_off_the_public_site(exported):
    from innomon.survey.models import Wave

    url = "/out/noord-nederland/2018/report.html"
    assert Client().get(url).status_code == 200  # the demo published its synthetic waves
    Wave.objects.filter(year=2018).update(published_at=None)
    assert Client().get(url).status_code == 404
    assert url not in Client().get("/").content.decode()


def _children(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, parent in parents.items() if parent == p}
        found |= kids
        todo.extend(kids)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_on_passports_ends_the_workers_and_leaves_nothing_behind(demo):
    folder = demo.home / "private" / "noord-nederland" / "2019"
    before = sorted(p.name for p in (folder / "passports").iterdir())
    env = dict(demo.env, INNOMON_WORKERS="2")
    proc = subprocess.Popen(
        [sys.executable, "-m", "innomon", "passports", "2019"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # started: its workers have written PDFs into the temporary directory (its output)
        while not any(folder.glob(".passports-*/*.pdf")):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert workers, "no worker processes"
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert b"Traceback" not in err
    # ended by the command, not left running (a safety bound only: the workers are gone at once
    # when the command ended them; the resource tracker follows its parent)
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]
    assert not list(demo.home.rglob(".passports-*"))
    assert sorted(p.name for p in (folder / "passports").iterdir()) == before
