"""The web app: landing page, generated outputs, back office — in-process and over real HTTP."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from tests.servers import free_port, migrate, serve


@pytest.fixture
def out_home(tmp_path, monkeypatch, make_wave):
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path))
    wave = make_wave(2017, synthetic=True)
    wave.published_at = timezone.now()  # published: its report files are public
    wave.save()
    folder = tmp_path / "out" / "noord-nederland" / "2017"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<p>rapport 2017</p>")
    (folder / "report.en.html").write_text("<p>report 2017</p>")
    (tmp_path / "secret.txt").write_text("outside out/")
    return tmp_path


def test_landing_page_is_dutch_by_default_and_links_reports(client, out_home):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="nl">' in html
    assert "Rapport 2017" in html
    assert 'href="/out/noord-nederland/2017/report.html"' in html
    assert "Synthetische demonstratiedata" in html


def test_landing_page_in_english(client, out_home):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert 'href="/out/noord-nederland/2017/report.en.html"' in html
    assert "Northern Netherlands" in html


def test_outputs_are_served_and_nothing_outside_out(client, out_home):
    ok = client.get("/out/noord-nederland/2017/report.html")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/html")
    assert b"".join(ok.streaming_content) == b"<p>rapport 2017</p>"
    assert client.get("/out/../secret.txt").status_code == 404
    assert client.get("/out/noord-nederland/%2e%2e/%2e%2e/secret.txt").status_code == 404
    assert client.get("/out/noord-nederland/2017/missing.html").status_code == 404


def test_back_office_needs_a_login(client, db, django_user_model):
    response = client.get("/admin/registry/firm/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    user = django_user_model.objects.create_superuser("team", "", "a-long-enough-secret-9")
    client.force_login(user)
    assert client.get("/admin/registry/firm/").status_code == 200
    assert client.get("/admin/survey/response/").status_code == 200


@pytest.mark.slow
def test_serve_over_real_http(tmp_path):
    """`innomon migrate` then `innomon serve`: the landing page and admin answer over HTTP."""
    port = free_port()
    server = serve(migrate(tmp_path), port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            body = resp.read().decode()
        assert "innomon demo" in body  # empty database: the page says how to load the demo
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as resp:
            assert resp.status == 200
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=5
        ) as resp:
            assert resp.status == 200  # static files served without a collectstatic step
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_back_office_page_opens(client, region, django_user_model):
    from django.contrib import admin
    from django.urls import reverse

    client.force_login(django_user_model.objects.create_superuser("team", "", "x-long-secret-9"))
    # made only by the import and the back office's own log: never added by hand
    not_by_hand = {"survey.importbatch", "survey.quarantinedrow", "survey.responseedit"}
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            refused = view == "add" and meta.label_lower in not_by_hand
            assert client.get(url).status_code == (403 if refused else 200), url
