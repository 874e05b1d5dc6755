"""Issue 13, point 3: behind a reverse proxy, `innomon serve` takes the client's address and
scheme from X-Forwarded-* — from the configured proxy only — so that the rate limiter limits
the guesser and not everyone, and INNOMON_HTTPS=1 behind TLS is no redirect loop. Tested against
a real server process."""

from __future__ import annotations

import http.client
import secrets
import shutil

import pytest

from tests.servers import free_port, migrate
from tests.servers import serve as start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    home = tmp_path_factory.mktemp("proxy-home")
    return migrate(home)


@pytest.fixture
def serve(migrated, tmp_path):
    started = []
    home = tmp_path / "home"  # a copy of the migrated home: rate counters of this test only
    shutil.copytree(migrated["INNOMON_HOME"], home)

    def start(**settings: str) -> int:
        env = dict(migrated, INNOMON_HOME=str(home), INNOMON_RATE_FAILURES="3", **settings)
        port = free_port()
        started.append(start_server(env, port))
        return port

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=20)


def _get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _guess(port: int, client: str) -> int:
    path = f"/q/{secrets.token_urlsafe(32)}/"
    return _get(port, path, {"X-Forwarded-For": client}).status


def test_behind_the_proxy_one_guesser_locks_out_only_itself(serve):
    port = serve(INNOMON_BEHIND_PROXY="1")  # the proxy: 127.0.0.1, the default
    assert [_guess(port, "203.0.113.50") for _ in range(3)] == [404, 404, 404]
    assert _guess(port, "203.0.113.50") == 429
    assert _guess(port, "203.0.113.51") == 404  # another respondent behind the same proxy


def test_forwarded_headers_from_anyone_but_the_proxy_are_ignored(serve):
    port = serve(INNOMON_BEHIND_PROXY="1", INNOMON_TRUSTED_PROXY="192.0.2.1")
    assert [_guess(port, f"203.0.113.{60 + i}") for i in range(3)] == [404, 404, 404]
    assert _guess(port, "203.0.113.99") == 429  # a made-up address does not escape the limit


def test_https_behind_the_proxy_is_no_redirect_loop(serve):
    port = serve(
        INNOMON_BEHIND_PROXY="1",
        INNOMON_HTTPS="1",
        INNOMON_SECRET_KEY=secrets.token_urlsafe(50),
    )
    served = _get(port, "/", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.70"})
    assert served.status == 200
    assert "max-age" in (served.getheader("Strict-Transport-Security") or "")
    plain = _get(port, "/", {"X-Forwarded-Proto": "http"})
    assert plain.status == 301
    assert plain.getheader("Location").startswith("https://127.0.0.1")
