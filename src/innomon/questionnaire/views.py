"""The respondent's pages: welcome, one page per group, review and submit, thank-you; the
background save; opting out; the open link that asks for the KvK number first.

Every page is a plain HTML form that works without JavaScript; ``static/questionnaire/q.js``
adds the background save and shows or hides questions as the server's evaluator decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from innomon.i18n import localized
from innomon.instrument import Instrument, Question

from . import form, ratelimit, services
from .models import Draft, Invitation, OpenLink

_KVK = re.compile(r"\d{8}")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # no-referrer would make POSTs "Origin: null"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _error_page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    response = render(
        request, "questionnaire/message.html", {"title": title, "text": text}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(ratelimit.WINDOW)
    return _private(response)


def _too_many(request: HttpRequest) -> HttpResponse:
    return _error_page(
        request,
        429,
        _("Too many attempts"),
        _("Too many attempts from your address. Please wait a few minutes and try again."),
    )


def with_invitation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the private link's token (rate-limited per IP address and per token), set the
    invitation's language unless the respondent chose one, and mark the link as opened."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        ip = ratelimit.client_ip(request)
        if ratelimit.ip_blocked(ip) or ratelimit.token_exceeded(token):
            return _too_many(request)
        invitation = (
            Invitation.objects.select_related("wave", "firm").filter(token=token).first()
            if 20 <= len(token) <= 64
            else None
        )
        if invitation is None:
            ratelimit.failed(ip)
            return _error_page(
                request,
                404,
                _("Link not known"),
                _("This link is not known. Please check that you copied the whole link."),
            )
        if invitation.expires_at < timezone.now():
            return _error_page(
                request,
                410,
                _("Link expired"),
                _("This link has expired. Please contact the monitor team."),
            )
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(invitation.language)
            request.LANGUAGE_CODE = invitation.language
        services.mark_opened(invitation)
        return _private(view(request, invitation, *args, **kwargs))

    return wrapper


def _lang() -> str:
    return "en" if (translation.get_language() or "nl").startswith("en") else "nl"


def _draft(invitation: Invitation) -> Draft | None:
    return Draft.objects.filter(invitation=invitation).first()


def _reached(invitation: Invitation, page: str) -> None:
    """Remember the page the respondent went on to (where the link resumes)."""
    Draft.objects.filter(invitation=invitation, submitted_at__isnull=True).update(page=page)


def _url(name: str, invitation: Invitation, *args: str) -> str:
    return reverse(f"questionnaire:{name}", args=[invitation.token, *args])


# ------------------------------------------------------------------------ widgets


def _field(
    instrument: Instrument,
    q: Question,
    answers: dict,
    shown: set[str],
    errors: dict[str, str],
    lang: str,
    conflicts: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    value = answers.get(q.name)
    widget = {
        "select_one": "radio",
        "select_multiple": "checkbox",
        "integer": "number",
        "decimal": "number",
        "text": "text",
    }.get(q.type, "note")
    chosen = {str(v) for v in (value if isinstance(value, list) else [value]) if v is not None}
    choices = [
        {
            "value": c.name,
            "label": localized(c, "label", lang),
            "checked": c.name in chosen,
            "id": f"q-{q.name}-{i}",
        }
        for i, c in enumerate(instrument.choices(q))
    ]
    first_id = choices[0]["id"] if choices else f"q-{q.name}"
    return {
        "name": q.name,
        "id": f"q-{q.name}",
        "first_id": first_id,
        "widget": widget,
        "inputmode": "numeric" if q.type == "integer" else "decimal",
        "label": localized(q, "label", lang),
        "hint": localized(q, "hint", lang),
        "required": q.required,
        "value": form.shown_value(value, lang) if not isinstance(value, list) else "",
        "choices": choices,
        "shown": q.name in shown,
        "error": errors.get(q.name, ""),
        "conflict": (conflicts or {}).get(q.name),
    }


def _page_context(
    invitation: Invitation,
    instrument: Instrument,
    page: form.Page,
    answers: dict,
    revision: int,
    errors: dict[str, str],
    notice: str = "",
    conflicts: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    lang = _lang()
    shown = form.asked(instrument, answers)[1]
    visible = form.visible_pages(instrument, answers)
    names = [p.name for p in visible]
    index = names.index(page.name) if page.name in names else 0
    fields = [
        _field(instrument, q, answers, shown, errors, lang, conflicts) for q in page.questions
    ]
    return {
        "invitation": invitation,
        "firm": invitation.firm,
        "title": localized(instrument, "title", lang),
        "page": page,
        "page_label": page.label(lang),
        "fields": fields,
        "answer_names": [q.name for q in page.questions if q.holds_answer],
        "shown_names": " ".join(q.name for q in page.questions if q.name in shown),
        "errors": [f for f in fields if f["error"]],
        "revision": revision,
        "number": index + 1,
        "total": len(visible) + 1,
        "first": index == 0,
        "notice": notice,
        "save_url": _url("save", invitation),
    }


def _instrument(invitation: Invitation) -> Instrument:
    return services.instrument_for(invitation.wave)


def _page(instrument: Instrument, name: str) -> form.Page | None:
    return next((p for p in form.pages(instrument) if p.name == name), None)


def _neighbour(instrument: Instrument, answers: dict, name: str, step: int) -> str | None:
    """The visible page ``step`` pages from page ``name`` (which may itself be hidden)."""
    order = [p.name for p in form.pages(instrument)]
    visible = {p.name for p in form.visible_pages(instrument, answers)}
    i = order.index(name) + step
    while 0 <= i < len(order):
        if order[i] in visible:
            return order[i]
        i += step
    return None


def _posted(instrument: Instrument, page: form.Page, request: HttpRequest) -> dict[str, Any]:
    names = set(request.POST.get("fields", "").split())
    lang = _lang()
    return {
        q.name: form.parse_answer(instrument, q, request.POST.getlist(q.name), lang)
        for q in page.questions
        if q.holds_answer and q.name in names
    }


def _conflicts(
    instrument: Instrument, saved: services.Saved, posted: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Per answer another tab changed meanwhile: the saved answer and the respondent's, as the
    page shows them (``saved``/``yours``), and the saved one as the form holds it (``value``:
    the input's text, or the chosen codes)."""
    lang = _lang()
    out = {}
    for name, stored in saved.conflicts.items():
        q = instrument.question(name)
        codes = stored if isinstance(stored, list) else [] if stored is None else [stored]
        texts = {
            "saved": form.answer_text(instrument, q, stored, lang) or _("no answer"),
            "yours": form.answer_text(instrument, q, posted.get(name), lang) or _("no answer"),
        }
        out[name] = {
            **texts,
            "message": _("Saved in the other window: %(saved)s. You entered: %(yours)s.") % texts,
            "value": [str(c) for c in codes] if q.is_select else form.shown_value(stored, lang),
        }
    return out


def _client_revision(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


# -------------------------------------------------------------------------- views


@require_http_methods(["GET", "HEAD"])
@with_invitation
def start(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    draft = _draft(invitation)
    if draft is not None and draft.submitted_at is not None:
        return redirect(_url("done", invitation))
    instrument = _instrument(invitation)
    answers = draft.answers if draft else {}
    first = form.visible_pages(instrument, answers)[0]
    if draft is not None and draft.page and request.GET.get("welcome") != "1":
        target = draft.page
        if target == "review":
            return redirect(_url("review", invitation) + "?resumed=1")
        return redirect(_url("page", invitation, target) + "?resumed=1")
    lang = _lang()
    return render(
        request,
        "questionnaire/start.html",
        {
            "invitation": invitation,
            "firm": invitation.firm,
            "title": localized(instrument, "title", lang),
            "first_url": _url("page", invitation, first.name),
            "link": request.build_absolute_uri(_url("start", invitation)),
            "open_channel": invitation.channel == Invitation.Channel.OPEN,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def page(request: HttpRequest, invitation: Invitation, name: str) -> HttpResponse:
    instrument = _instrument(invitation)
    current = _page(instrument, name)
    draft = _draft(invitation)
    if draft is not None and draft.submitted_at is not None:
        return redirect(_url("done", invitation))
    if current is None:
        return _error_page(request, 404, _("Page not found"), _("This page does not exist."))
    answers = dict(draft.answers) if draft else {}
    revision = draft.revision if draft else 0
    if request.method != "POST":
        visible = {p.name for p in form.visible_pages(instrument, answers)}
        if name not in visible:
            target = _neighbour(instrument, answers, name, +1)
            return redirect(
                _url("page", invitation, target) if target else _url("review", invitation)
            )
        notice = ""
        if request.GET.get("resumed"):
            notice = _("Welcome back: your answers were saved. You can continue here.")
        elif request.GET.get("saved"):
            notice = _(
                "Your answers are saved. You can close this window and continue later with "
                "the link from your invitation, on this or another device."
            )
        return render(
            request,
            "questionnaire/page.html",
            _page_context(invitation, instrument, current, answers, revision, {}, notice),
        )
    action = request.POST.get("action", "next")
    posted = _posted(instrument, current, request)
    try:
        saved = services.save_answers(invitation, posted, _client_revision(request), name)
    except services.Locked:
        return redirect(_url("done", invitation))
    answers = saved.answers
    lang = _lang()
    if saved.conflicts:
        # nothing another tab saved is overwritten: the page shows the saved answers, names
        # the respondent's own, and takes theirs only when it is sent again (now up to date)
        message = _(
            "This answer was changed in another window or on another device meanwhile; the "
            "newest saved answer is shown. Please check it."
        )
        return render(
            request,
            "questionnaire/page.html",
            _page_context(
                invitation,
                instrument,
                current,
                answers,
                saved.revision,
                dict.fromkeys(saved.conflicts, message),
                conflicts=_conflicts(instrument, saved, posted),
            ),
        )
    if action == "back":
        target = _neighbour(instrument, answers, name, -1)
        return redirect(_url("page", invitation, target) if target else _url("start", invitation))
    if action == "save":
        return redirect(_url("page", invitation, name) + "?saved=1")
    shown = form.asked(instrument, answers)[1]
    now_shown = {q.name for q in current.questions if q.name in shown}
    was_shown = set(request.POST.get("shown", "").split())
    on_page = [q.name for q in current.questions]
    errors = {e.question: e.message for e in form.problems(instrument, answers, on_page, lang)}
    if errors or (now_shown - was_shown):
        notice = "" if errors else _("Your answers bring up more questions on this page.")
        return render(
            request,
            "questionnaire/page.html",
            _page_context(invitation, instrument, current, answers, saved.revision, errors, notice),
        )
    target = _neighbour(instrument, answers, name, +1) or "review"
    _reached(invitation, target)
    if target == "review":
        return redirect(_url("review", invitation))
    return redirect(_url("page", invitation, target))


@require_POST
@with_invitation
def save(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The background save of one page's form (JavaScript): the answers stored, the revision,
    the answers another tab changed meanwhile, and which questions are now asked."""
    instrument = _instrument(invitation)
    current = _page(instrument, request.POST.get("page", ""))
    if current is None:
        return JsonResponse({"error": "unknown page"}, status=400)
    posted = _posted(instrument, current, request)
    try:
        saved = services.save_answers(invitation, posted, _client_revision(request))
    except services.Locked:
        return JsonResponse({"error": "submitted", "locked": True}, status=409)
    shown = form.asked(instrument, saved.answers)[1]
    return JsonResponse(
        {
            "revision": saved.revision,
            # the answers another tab saved meanwhile, not overwritten: the page asks which
            "conflicts": sorted(saved.conflicts),
            "stored": _conflicts(instrument, saved, posted),
            "shown": [q.name for q in current.questions if q.name in shown],
        }
    )


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def review(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    instrument = _instrument(invitation)
    draft = _draft(invitation)
    if draft is not None and draft.submitted_at is not None:
        return redirect(_url("done", invitation))
    lang = _lang()
    problems: list[form.FieldError] = []
    if request.method == "POST":
        try:
            services.submit(invitation, lang)
            return redirect(_url("done", invitation))
        except services.NotComplete as exc:
            problems = exc.problems
        draft = _draft(invitation)
    answers = draft.answers if draft else {}
    if draft is not None and draft.page != "review" and request.method != "POST":
        _reached(invitation, "review")
    shown = form.asked(instrument, answers)[1]
    by_name = {p.question: p.message for p in problems}
    visible = form.visible_pages(instrument, answers)
    sections = []
    for p in visible:
        items = []
        for q in p.questions:
            if q.name not in shown or not q.holds_answer:
                continue
            items.append(
                {
                    "label": localized(q, "label", lang),
                    "answer": form.answer_text(instrument, q, answers.get(q.name), lang),
                    "error": by_name.get(q.name, ""),
                    "url": _url("page", invitation, p.name) + f"#q-{q.name}",
                    "id": f"r-{q.name}",
                }
            )
        sections.append({"label": p.label(lang), "items": items})
    errors = [i for s in sections for i in s["items"] if i["error"]]
    return render(
        request,
        "questionnaire/review.html",
        {
            "invitation": invitation,
            "firm": invitation.firm,
            "title": localized(instrument, "title", lang),
            "sections": sections,
            "errors": errors,
            "number": len(visible) + 1,
            "total": len(visible) + 1,
            "back_url": _url("page", invitation, visible[-1].name),
            "resumed": bool(request.GET.get("resumed")),
        },
        status=200,
    )


@require_http_methods(["GET", "HEAD"])
@with_invitation
def done(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    draft = _draft(invitation)
    if draft is None or draft.submitted_at is None:
        return redirect(_url("start", invitation))
    passport = None
    # the passport only for a response that is the firm's: stored, and not an open-link claim
    # held unverified (a conflict with what the team holds stores nothing)
    response = draft.response
    verified = response is not None and response.status != response.Status.UNVERIFIED
    try:
        from innomon.passports.links import passport_link
    except ImportError:
        passport_link = None
    if passport_link is not None and verified:
        passport = passport_link(invitation.firm, invitation.wave.year)
    instrument = _instrument(invitation)
    lang = _lang()
    return render(
        request,
        "questionnaire/done.html",
        {
            "invitation": invitation,
            "firm": invitation.firm,
            "title": localized(instrument, "title", lang),
            "passport": passport,
            "unverified": response is not None and not verified,
            "year": invitation.wave.year,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def opt_out(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if request.method == "POST":
        services.opt_out(invitation)
        return _error_page(
            request,
            200,
            _("You will receive no more reminders"),
            _("Thank you. We will not send you reminders for this questionnaire."),
        )
    return render(request, "questionnaire/opt_out.html", {"invitation": invitation})


@require_http_methods(["GET", "HEAD", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The wave's open link: asks for the KvK number, then hands out a private link."""
    ip = ratelimit.client_ip(request)
    if ratelimit.ip_blocked(ip) or ratelimit.visitor_exceeded(ip, token):
        return _too_many(request)
    link = OpenLink.objects.select_related("wave").filter(token=token, active=True).first()
    if link is None:
        ratelimit.failed(ip)
        return _error_page(
            request,
            404,
            _("Link not known"),
            _("This link is not known. Please check that you copied the whole link."),
        )
    error, kvk = "", ""
    if request.method == "POST":
        kvk = re.sub(r"\s", "", request.POST.get("kvk", ""))
        if not _KVK.fullmatch(kvk):
            error = _("Enter the 8 digits of your firm's KvK number.")
        else:
            claim, invitation = services.claim_open(link, kvk)
            if claim is services.Claim.START and invitation is not None:
                return redirect(reverse("questionnaire:start", args=[invitation.token]))
            ratelimit.failed(ip)  # every other answer counts against guessing (and mailing)
            if claim is services.Claim.MAILED:
                return _error_page(
                    request,
                    200,
                    _("We sent you a link"),
                    _(
                        "We sent the private link to your firm's questionnaire to the e-mail "
                        "address we hold for this firm. Please open the questionnaire with the "
                        "link in that e-mail. Did nothing arrive? Please contact the monitor team."
                    ),
                )
            error = _(
                "We cannot start a questionnaire for this KvK number through this link. If your "
                "firm received an invitation by e-mail, please use the link in it; otherwise "
                "contact the monitor team."
            )
    return _private(
        render(
            request,
            "questionnaire/open.html",
            {"error": error, "kvk": kvk, "year": link.wave.year},
            status=200,
        )
    )
