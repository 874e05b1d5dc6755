"""Issue 13, point 5 (part): a Content-Security-Policy on every response — the reports' inline
scripts allowed by their hashes only — and an initiative's website is an http(s) address."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.test import Client, RequestFactory

from innomon.errors import InputError
from innomon.project.security import ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    text = response["Content-Security-Policy"]
    return {d.split()[0]: d for d in (p.strip() for p in text.split(";")) if d}


def test_every_page_has_a_policy_without_inline_script(make_wave):
    from innomon.questionnaire import services

    wave = make_wave(2019)
    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("team", "", "pw-long-enough-2"))
    pages = [
        (Client(), "/"),
        (Client(), f"/q/open/{services.open_link(wave).token}/"),
        (Client(), "/q/not-a-token-at-all-but-long-enough/"),
        (Client(), "/admin/login/"),
        (staff, "/admin/survey/response/"),
        (Client(), "/static/questionnaire/q.js"),
    ]
    for client, url in pages:
        response = client.get(url)
        policy = _policy(response)
        assert policy["default-src"] == "default-src 'self'", url
        assert policy["script-src"] == "script-src 'self'", url
        assert policy["object-src"] == "object-src 'none'", url
        assert policy["frame-ancestors"] == "frame-ancestors 'none'", url


def test_a_report_page_may_run_exactly_its_own_inline_scripts():
    script = b"window.drawn = 1;"
    html = b"<html><head><script>" + script + b"</script></head><body></body></html>"
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()

    def view(request):
        import io

        return FileResponse(io.BytesIO(html), content_type="text/html; charset=utf-8")

    middleware = ContentSecurityPolicyMiddleware(view)
    response = middleware(RequestFactory().get("/out/noord-nederland/2019/report.html"))
    policy = _policy(response)
    assert f"'sha256-{digest}'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["default-src"] == "default-src 'none'"
    assert policy["connect-src"] == "connect-src 'none'"
    assert b"".join(response.streaming_content) == html  # the page itself unchanged
    # elsewhere, the same page gets the strict policy
    plain = ContentSecurityPolicyMiddleware(lambda r: HttpResponse(html))(RequestFactory().get("/"))
    assert _policy(plain)["script-src"] == "script-src 'self'"


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "ftp://x.nl"],
)
def test_an_initiatives_website_must_be_http_or_https(region, tmp_path, website):
    from innomon.intake.registers import import_initiatives
    from innomon.registry.models import Initiative, Municipality

    path = tmp_path / "initiatives.csv"
    path.write_text(
        "name,type,theme,municipality,website\n"
        "Goed Netwerk,network,energie,GM0014,https://goed.example.org\n"
        f'Kwaad Netwerk,network,energie,GM0014,"{website}"\n'
    )
    with pytest.raises(InputError) as caught:
        import_initiatives(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "initiatives.csv row 3, field 'website'" in message
    assert not Initiative.objects.exists()
    # and in the back office (the model's validation)
    initiative = Initiative(
        name="Kwaad",
        type="network",
        theme="energie",
        municipality=Municipality.objects.get(code="GM0014"),
        website=website,
    )
    with pytest.raises(ValidationError) as caught:
        initiative.full_clean()
    assert "website" in caught.value.message_dict
    initiative.website = "https://goed.example.org/"
    initiative.full_clean()
