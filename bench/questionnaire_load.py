"""Benchmark: N respondents fill in the web questionnaire at the same time against the real
server (``innomon serve``: waitress, 8 threads) on 127.0.0.1, then the database is checked for
lost or duplicated answers. Not a test: run by hand, figures in the closing note.

Each respondent (a thread with its own cookies) opens its private link, and on every page saves
in the background once (as the page's JavaScript does while typing), posts the page, follows the
redirect; a page that brings up more questions is posted again; then the review page and the
submit — and a second submit (a double click). Between pages it thinks for ``--think`` seconds
(uniform 0.5×–1.5×); the respondents arrive within the first ``--ramp`` seconds. Every
request's time is measured from sending to the last byte.

    .venv/bin/python bench/questionnaire_load.py [--clients 200] [--think 3]
    .venv/bin/python bench/questionnaire_load.py --database postgres://postgres@127.0.0.1:5432/innomon_bench

The PostgreSQL database must be this benchmark's own (it is emptied): never ``postgres`` or the
test suite's database. Loopback only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.questionnaire.helpers import ANSWERS_2019, STORED_2019  # noqa: E402


def answers_of(i: int) -> tuple[dict, dict]:
    """Respondent ``i``'s form answers and the answers it should end up stored with."""
    form = dict(ANSWERS_2019)
    form["employees"] = str(i + 1)
    form["founding_year"] = str(1950 + i % 60)
    form["innovation_staff"] = str(i % 7)
    form["obstacles_other"] = f"respondent {i} <&> 'quoted'"
    form["turnover_new_market_pct"] = str(i % 40)
    form["turnover_new_firm_pct"] = "10"
    form["turnover_unchanged_pct"] = str(90 - i % 40)
    expected = {
        "employees": i + 1,
        "founding_year": 1950 + i % 60,
        "innovation_staff": i % 7,
        "obstacles_other": form["obstacles_other"],
        "turnover_new_market_pct": float(i % 40),
        "turnover_new_firm_pct": 10.0,
        "turnover_unchanged_pct": float(90 - i % 40),
    }
    return form, expected


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Respondent:
    def __init__(self, base: str, link: str, form: dict, think: float, times: list) -> None:
        self.base, self.link, self.form, self.think, self.times = base, link, form, think, times
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(urllib.parse.urljoin(self.base, url), data=body)
        req.add_header("Referer", self.base + "/")
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=120) as r:
                status, text, location = r.status, r.read().decode(), ""
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
            location = exc.headers.get("Location", "")
        kind = ("POST " if data is not None else "GET ") + url.rstrip("/").rsplit("/", 1)[-1]
        if "/p/" in url:
            kind = kind.split()[0] + " page"
        self.times.append(
            (kind if len(kind) < 20 else kind.split()[0] + " link", time.perf_counter() - started)
        )
        return status, text, location

    def pause(self) -> None:
        if self.think:
            time.sleep(random.uniform(0.5, 1.5) * self.think)

    def run(self, delay: float) -> None:
        time.sleep(delay)  # respondents arrive over the ramp-up, not all in one millisecond
        status, html, _ = self.request(self.link)
        assert status == 200, status
        url = re.search(r'href="([^"]+/p/[^"]+/)"', html).group(1)
        status, html, _ = self.request(url)
        for _ in range(60):
            self.pause()
            data = _page_data(html, self.form)
            status, saved, _ = self.request(self.link + "save/", data)
            assert status == 200, (status, saved[:200])
            status, html, location = self.request(url, dict(data, revision=_json_rev(saved)))
            if status == 200:
                continue  # more questions appeared: answer them too
            assert status == 302, (status, html[:300])
            url = location
            status, html, _ = self.request(url)
            if url.endswith("/review/"):
                break
        assert "/review/" in url
        csrf = _hidden(html, "csrfmiddlewaretoken")
        self.pause()
        status, _, location = self.request(url, {"csrfmiddlewaretoken": csrf})
        assert (status, location[-6:]) == (302, "/done/"), status
        status, _, location = self.request(url, {"csrfmiddlewaretoken": csrf})  # double click
        assert (status, location[-6:]) == (302, "/done/"), status
        status, html, _ = self.request(location)
        assert status == 200, status


def _hidden(html: str, name: str) -> str:
    m = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', html)
    return unescape(m.group(1))


def _json_rev(text: str) -> str:
    return re.search(r'"revision": (\d+)', text).group(1)


def _page_data(html: str, answers: dict) -> dict:
    fields = _hidden(html, "fields").split()
    data = {
        "csrfmiddlewaretoken": _hidden(html, "csrfmiddlewaretoken"),
        "revision": _hidden(html, "revision"),
        "fields": " ".join(fields),
        "shown": _hidden(html, "shown"),
        "page": _hidden(html, "page"),
        "action": "next",
    }
    data.update({n: answers[n] for n in fields if n in answers})
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(clients: int) -> dict[int, str]:
    """Migrate, register ``clients`` firms, open wave 2019, invite them all (mail to files)."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command

    from innomon.config import region_code
    from innomon.questionnaire import services
    from innomon.region import load_region
    from innomon.registry.services import load_region as store_region
    from innomon.registry.services import register_firms
    from innomon.survey.services import create_wave

    call_command("migrate", verbosity=0)
    region = store_region(load_region(region_code()))
    firms = [
        {
            "kvk": f"{70000000 + i}",
            "name": f"Benchbedrijf {i}",
            "sbi_code": "2511",
            "employees": 10,
            "municipality": "GM0014",
        }
        for i in range(clients)
    ]
    register_firms(firms, "bench")
    wave = create_wave(
        region,
        2019,
        questionnaire_version="2019.1",
        fieldwork_start=dt.date(2019, 3, 1),
        fieldwork_end=dt.date(2019, 4, 30),
        invited=clients,
    )
    services.invite(wave, [{"kvk": f["kvk"], "email": "bench@example.org"} for f in firms], "b")
    from innomon.questionnaire.models import Invitation

    return {
        int(kvk) - 70000000: f"/q/{token}/"
        for kvk, token in Invitation.objects.values_list("firm__kvk", "token")
    }


def check(clients: int) -> tuple[int, int, int]:
    """(responses stored, responses with exactly the expected answers, duplicates)."""
    from django.db.models import Count

    from innomon.survey.models import Response

    rows = {r.firm.kvk: r for r in Response.objects.select_related("firm")}
    good = 0
    for i in range(clients):
        r = rows.get(f"{70000000 + i}")
        if r is None or r.status != "complete":
            continue
        _, expected = answers_of(i)
        same = all(r.answers.get(k) == v for k, v in expected.items())
        good += same and len(r.answers) == len(STORED_2019)
    dupes = Response.objects.values("wave", "firm").annotate(n=Count("id")).filter(n__gt=1).count()
    return len(rows), good, dupes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--think", type=float, default=3.0, help="seconds between pages")
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="respondents arrive within this many seconds"
    )
    parser.add_argument("--database", default="", help="postgres://… of the bench's own database")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="innomon-qbench-")
    os.environ.update(INNOMON_HOME=home, INNOMON_EMAIL_BACKEND="file")
    os.environ["DJANGO_SETTINGS_MODULE"] = "innomon.project.settings"
    os.environ["INNOMON_RATE_TOKEN"] = "100000"
    if args.database:
        name = args.database.rsplit("/", 1)[1]
        if name in ("postgres", "test_postgres", "template0", "template1"):
            sys.exit(f"refusing to use the database {name}: give the benchmark its own")
        base = args.database.rsplit("/", 1)[0].split("://", 1)[1]
        user, host = base.split("@")
        host, port = [*host.split(":"), "5432"][:2]
        pg = ["-h", host, "-p", port, "-U", user]
        subprocess.run(["dropdb", *pg, "--if-exists", name], check=True)
        subprocess.run(["createdb", *pg, name], check=True)
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ.pop("DATABASE_URL", None)
    engine = "PostgreSQL" if args.database else "SQLite"
    t0 = time.perf_counter()
    links = setup(args.clients)
    print(f"setup: {args.clients} firms invited in {time.perf_counter() - t0:.1f} s ({engine})")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(home) / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "innomon", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # a file: a pipe nobody reads would block the server
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # warm-up (not measured): the server loads the questionnaire on its first page
        urllib.request.urlopen(base + links[0] + "p/profile/", timeout=60).read()
        times: list[tuple[str, float]] = []
        errors: list[str] = []

        def one(i: int) -> None:
            form, _ = answers_of(i)
            try:
                Respondent(base, links[i], form, args.think, times).run(delays[i])
            except Exception as exc:  # reported below: the benchmark counts failures
                errors.append(f"respondent {i}: {type(exc).__name__}: {exc}")

        delays = [random.uniform(0, args.ramp) for _ in range(args.clients)]
        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored, good, dupes = check(args.clients)
    ms = sorted(t * 1000 for _, t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"{engine}: {args.clients} concurrent respondents, think time {args.think:g} s, "
        f"arriving within {args.ramp:g} s, "
        f"{len(ms)} requests in {wall:.1f} s ({len(ms) / wall:.0f}/s)"
    )
    print(
        f"  page time: median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms"
    )
    print(
        f"  responses stored {stored}/{args.clients}, with exactly the answers given {good}, "
        f"duplicated {dupes}, respondents failed {len(errors)}"
    )
    kinds: dict[str, list[float]] = {}
    for kind, t in times:
        kinds.setdefault(kind, []).append(t * 1000)
    for kind, values in sorted(kinds.items()):
        values.sort()
        p95k = values[int(0.95 * (len(values) - 1))]
        median = statistics.median(values)
        print(
            f"    {kind:<12} {len(values):>5} requests, median {median:.0f} ms, p95 {p95k:.0f} ms"
        )
    for e in errors[:5]:
        print("  " + e)
    problems = [line for line in log.read_text().splitlines() if "Error" in line]
    print(
        f"  server log: {len(problems)} error lines"
        + (f", first: {problems[0]}" if problems else "")
    )
    ok = stored == good == args.clients and not dupes and not errors and p95 < 300
    print("  PASS" if ok else "  FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
