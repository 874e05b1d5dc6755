"""The web passport behind the firm's private link: ``/passport/<token>/`` (HTML) and
``/passport/<token>/pdf/``. A wrong or expired token is a plain 404, the same for both."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from .models import Passport, PassportLink


def _passport(token: str) -> Passport:
    link = PassportLink.objects.select_related("wave").filter(token=token).first()
    if link is None or link.expired:
        raise Http404
    passport = (
        Passport.objects.filter(firm_id=link.firm_id, build__wave=link.wave)
        .select_related("build__wave", "firm")
        .order_by("-build__created_at", "-build__pk")
        .first()
    )
    if passport is None:
        raise Http404
    return passport


def _language(request: HttpRequest, passport: Passport) -> str:
    lang = request.GET.get("lang")
    return lang if lang in ("nl", "en") else passport.language


@require_safe
def passport(request: HttpRequest, token: str) -> HttpResponse:
    from .render import view_model

    found = _passport(token)
    lang = _language(request, found)
    with translation.override(lang):
        context = {"p": view_model(found.data, lang), "token": token, "lang": lang}
        response = render(request, "passports/passport.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def passport_pdf(request: HttpRequest, token: str) -> HttpResponse:
    from .render import pdf_bytes, view_model

    found = _passport(token)
    lang = _language(request, found)
    with translation.override(lang):
        pdf = pdf_bytes(view_model(found.data, lang))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="passport-{found.build.wave.year}-{found.firm.kvk}-{lang}.pdf"'
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response
