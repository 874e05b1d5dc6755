"""Requests the app cannot read are refused with 400 and a message before any view runs.

A NUL character (``%00``) in the path, the query string or a cookie — which PostgreSQL refuses in
any text and which no link of the app contains — and a form sent in another encoding than UTF-8
(``charset=utf-16``), or one Django cannot parse, are answered with HTTP 400 and a page that
says what to do, instead of a server error. NUL characters in a form's values are removed (they
cannot be typed, and the other answers of the page are kept).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

NUL = "\x00"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values: QueryDict | dict[str, str]) -> bool:
    items = values.lists() if isinstance(values, QueryDict) else values.items()
    return any(NUL in key or any(NUL in v for v in vals) for key, vals in items)


def _without_nul(data: QueryDict) -> QueryDict:
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean.setlist(key.replace(NUL, ""), [v.replace(NUL, "") for v in values])
    clean._mutable = False
    return clean


def bad_request(request: HttpRequest, text: str) -> HttpResponse:
    """HTTP 400 with a short page (in the visitor's language) saying what to do."""
    lang = translation.get_language_from_request(request)
    with translation.override(lang):
        body = render_to_string(
            "dashboard/bad_request.html",
            {"title": _("This request cannot be read"), "text": text, "lang": lang},
        )
    response = HttpResponse(body, status=400, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class RequestSanityMiddleware:
    """Refuse unreadable requests with 400 (see the module's docs); let the others through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        if NUL in request.path or _has_nul(request.GET) or _has_nul(request.COOKIES):
            return bad_request(
                request,
                _(
                    "The address contains a character that no address of this site contains. "
                    "Please check that you copied the whole link, and only the link."
                ),
            )
        if request.method not in ("POST", "PUT", "PATCH") or request.content_type not in FORMS:
            return None
        if (request.encoding or "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
            return bad_request(request, _not_utf8())
        try:
            data = request.POST
        except (BadRequest, MultiPartParserError, UnicodeDecodeError):
            return bad_request(request, _not_utf8())
        except SuspiciousOperation:  # too large, too many fields
            return bad_request(
                request, _("The form is too large to be read. Please send shorter answers.")
            )
        if _has_nul(data):
            request.POST = _without_nul(data)
        return None


def _not_utf8() -> str:
    return _(
        "The form could not be read: it was not sent as UTF-8 text. Please go back, reload the "
        "page and send it again from your browser."
    )
