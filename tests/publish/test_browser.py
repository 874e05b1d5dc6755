"""The HTML report in headless Chromium (Debian's, installed by `make tools`): served from
localhost, every chart renders (an SVG inside each chart container), no console error, and no
request leaves localhost. The browser runs in a child process of its own, so that it never
shares an event loop with another test's Playwright."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

CHECK = r"""
import json, sys
from playwright.sync_api import sync_playwright
url, chromium = sys.argv[1], sys.argv[2]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_function(
        "[...document.querySelectorAll('.vega')].every(e => e.dataset.rendered)", timeout=30000
    )
    charts = page.eval_on_selector_all(
        ".vega",
        "els => els.map(e => [e.id, e.dataset.rendered, e.querySelectorAll('svg').length,"
        " e.getAttribute('aria-label'), e.querySelectorAll('svg text').length])",
    )
    title = page.title()
    browser.close()
print(json.dumps({"charts": charts, "errors": errors, "requests": requests, "title": title}))
"""


@pytest.fixture(scope="module")
def served(demo_report):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(demo_report.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", ["report.html", "report.en.html"])
def test_every_chart_renders_offline_without_errors(demo_report, served, name):
    run = subprocess.run(
        [sys.executable, "-c", CHECK, f"{served}/{name}", CHROMIUM],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    charts = seen["charts"]
    assert len(charts) >= 12
    for chart_id, rendered, svgs, alt, texts in charts:
        assert rendered == "1", chart_id
        assert svgs >= 1, chart_id
        assert alt, chart_id  # alt text
        assert texts > 3, chart_id  # title, labels
    assert seen["errors"] == []
    assert all(url.startswith(served) for url in seen["requests"]), seen["requests"]
    assert str(demo_report.year) in seen["title"]
