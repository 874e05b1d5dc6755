"""The web app's guards that span the apps: the Content-Security-Policy of every response, the
guessing limit of the passports' private links, and the brute-force limit of the back office's
log-in. Their memory is the questionnaire's database-backed rate limiter (one per IP address,
shared by every server process)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomon.questionnaire import ratelimit

# Everywhere: scripts only from the site itself (the questionnaire's q.js, the admin's), no
# plug-ins, no framing, forms only to the site. Inline style (the landing page's and passport's
# <style>, the admin's and vega's style attributes) is allowed; inline script is not.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The standalone report pages under /out/ carry their scripts inline (the vega bundle and the
# code that draws the charts): exactly those scripts may run, by their hashes; vega compiles its
# expressions with Function, hence 'unsafe-eval'. Nothing may be loaded or sent elsewhere.
OUTPUT_POLICY = (
    "default-src 'none'; script-src {hashes} 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)


def script_hashes(html: bytes) -> list[str]:
    """The CSP sources ('sha256-…') of the inline scripts of an HTML page."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in dict.fromkeys(m.group(1) for m in _INLINE_SCRIPT.finditer(html))
    ]


def _output_page_policy(response: HttpResponse) -> str:
    """The policy of an HTML file under /out/: its inline scripts' hashes (its body is read
    and handed on)."""
    if response.streaming:
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]
    else:
        body = response.content
    hashes = " ".join(script_hashes(body)) or "'none'"
    return OUTPUT_POLICY.format(hashes=hashes)


class ContentSecurityPolicyMiddleware:
    """Adds a Content-Security-Policy to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        is_html = response.get("Content-Type", "").startswith("text/html")
        if request.path.startswith("/out/") and is_html and response.status_code == 200:
            response["Content-Security-Policy"] = _output_page_policy(response)
        else:
            response["Content-Security-Policy"] = POLICY
        return response


class PassportGuessingMiddleware:
    """Limits the guessing of passports' private links like the questionnaire's: an IP address
    whose unknown passport links reach ``INNOMON_RATE_FAILURES`` in 10 minutes gets 429."""

    PREFIX = "/passport/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.PREFIX):
            return self.get_response(request)
        ip = ratelimit.client_ip(request)
        if ratelimit.ip_blocked(ip):
            response = render(
                request,
                "questionnaire/message.html",
                {
                    "title": _("Too many attempts"),
                    "text": _(
                        "Too many attempts from your address. Please wait a few minutes and "
                        "try again."
                    ),
                },
                status=429,
            )
            response["Retry-After"] = str(ratelimit.WINDOW)
            response["Cache-Control"] = "no-store"
            return response
        response = self.get_response(request)
        if response.status_code == 404:
            ratelimit.failed(ip)
        return response


def login_failures() -> int:
    """Wrong passwords one IP address, or one account name, may give per 10 minutes
    (``INNOMON_RATE_LOGIN``, default 10)."""
    return int(os.environ.get("INNOMON_RATE_LOGIN") or 10)


class LimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """The back office's log-in form, refusing every attempt — the right password too — from an
    IP address or for an account name after ``login_failures()`` wrong ones in 10 minutes."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many": gettext_lazy(
            "Too many failed log-ins from your address or for this account. Please wait 10 "
            "minutes and try again."
        ),
    }

    def clean(self) -> dict:
        ip = ratelimit.client_ip(self.request) if self.request is not None else "unknown"
        name = (self.cleaned_data.get("username") or "").strip().lower()
        keys = [f"login-ip:{ip}", f"login-user:{name[:150]}"]
        if any(ratelimit.count(key) >= login_failures() for key in keys):
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            return super().clean()
        except ValidationError as exc:
            if self.user_cache is None:  # a wrong password (not an inactive account)
                for key in keys:
                    ratelimit.hit(key)
            raise exc
