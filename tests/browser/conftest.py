"""A real innomon server (waitress, ``innomon serve``) on a free loopback port with its own
INNOMON_HOME (SQLite), three invited firms, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import free_port, wait_until_serving

CHROMIUM = "/usr/bin/chromium"
FIRMS = (
    "kvk,name,sbi_code,employees,municipality\n"
    "12345678,Bakkerij De Korenbloem,1071,8,GM0014\n"
    "23456789,Metaal Noord,2511,40,GM0080\n"
    "34567890,Zuivel B.V.,1051,20,GM0014\n"
    "45678901,Drukkerij Dokkum,1812,12,GM0080\n"
)
CONTACTS = (
    "kvk,email,language\n"
    "12345678,eigenaar@korenbloem.nl,nl\n"
    "23456789,info@metaalnoord.nl,en\n"
    "34567890,post@zuivel.nl,nl\n"
    "45678901,info@dokkum.nl,nl\n"
)


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(INNOMON_HOME=str(home), INNOMON_EMAIL_BACKEND="file")
    return env


def _innomon(home: Path, *args: str) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "innomon", *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The base URL of a running server and the private link of each invited firm."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make tools` (scripts/ensure-test-tools.sh)")
    home = tmp_path_factory.mktemp("qhome")
    (home / "firms.csv").write_text(FIRMS)
    (home / "contacts.csv").write_text(CONTACTS)
    _innomon(home, "import-firms", str(home / "firms.csv"))
    _innomon(
        home,
        "wave",
        "add",
        "2019",
        "--invited",
        "4",
        "--start",
        "2019-03-01",
        "--end",
        "2019-04-30",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = subprocess.run(
        [sys.executable, "-m", "innomon", "invite", "2019", str(home / "contacts.csv")],
        env=dict(_env(home), INNOMON_BASE_URL=base),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    mail = "".join(p.read_text() for p in (home / "mail").iterdir())
    links = {}
    for block in mail.split("\nTo: ")[1:]:
        address = block.split("\n", 1)[0].strip()
        links[address] = re.search(rf"{re.escape(base)}/q/[A-Za-z0-9_-]+/", block).group(0)
    state = {"proc": _start(home, port)}

    def restart() -> None:
        state["proc"].terminate()
        state["proc"].wait(timeout=20)
        state["proc"] = _start(home, port)

    yield {
        "base": base,
        "links": links,
        "db": home / "innomon.sqlite3",
        "home": home,
        "restart": restart,
    }
    state["proc"].terminate()
    state["proc"].wait(timeout=20)


def _start(home: Path, port: int) -> subprocess.Popen:
    log = (home / "server.log").open("a")  # a file: a pipe nobody reads would block the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "innomon", "serve", "--port", str(port)],
        env=_env(home),
        stdout=subprocess.PIPE,  # one line when it starts, one when it stops
        stderr=log,
    )
    wait_until_serving(proc, port, f"see {home / 'server.log'}")
    return proc


@pytest.fixture(scope="module")
def browser():
    # module scope: Playwright's sync API runs an asyncio loop in this thread while it is open,
    # and Django refuses database calls from such a thread — so it must close before other tests
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    context.set_default_timeout(15_000)
    yield context
    context.close()
