"""What a survey tool says about each row: is it a response at all, is it finished, when was it
given and in which language.

Qualtrics' ``Status`` (the "response type") is a set of flags, exported as its number or, in a
choice-text export, its text: 0 ``IP Address`` (an ordinary response), 1 ``Survey Preview``,
2 ``Survey Test``, 4 ``Imported``, 8 ``Spam``, 9 ``Survey Preview Spam``, 12 ``Imported Spam``,
16 ``Offline``, 17 ``Offline Survey Preview`` (and 32/40/48 ``EX``, ``EX Spam``, ``EX
Offline``, 256 ``Synthetic``). A preview, a test or spam is no response: not stored, counted
in the report by kind (spam first: ``Survey Preview Spam`` is spam). ``Finished`` 1/True is a
complete response, anything else a partial one (its ``Progress`` shown in the report);
LimeSurvey's ``submitdate`` filled is a complete response, empty a partial one (``lastpage``
shown). A plain file may have its own ``status`` column (complete or partial); without any of
these every row is complete.

Dates (``StartDate``/``startdate``, ``RecordedDate``/``submitdate``) become ``started_at`` and
``submitted_at``; a date without a time zone is in ``settings.TIME_ZONE``. The language
(``UserLanguage``/``startlanguage``: ``NL``, ``nl-NL``, ``en``…) becomes nl or en (else empty).
Everything is decided once per distinct value of a column.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

RESPONSE, PREVIEW, TEST, SPAM = "response", "preview", "test", "spam"
NOT_STORED = (PREVIEW, TEST, SPAM)
# Qualtrics' response types by text (lower case) → their flag number
STATUS_TEXTS = {
    "ip address": 0,
    "survey preview": 1,
    "survey test": 2,
    "imported": 4,
    "spam": 8,
    "survey preview spam": 9,
    "imported spam": 12,
    "offline": 16,
    "offline survey preview": 17,
    "ex": 32,
    "ex spam": 40,
    "ex offline": 48,
    "synthetic": 256,
}
_KNOWN_FLAGS = 1 | 2 | 4 | 8 | 16 | 32 | 128 | 256
_TRUE = frozenset({"1", "1.0", "true", "yes", "ja", "y"})
_DATE_FORMATS = (
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d-%m-%Y",
)


def status_kind(text: str) -> str | None:
    """A Qualtrics ``Status`` cell (number or text) as response/preview/test/spam; None when
    it is no response type Qualtrics writes."""
    key = " ".join(text.strip().lower().split())
    if key in STATUS_TEXTS:
        flags = STATUS_TEXTS[key]
    else:
        try:
            number = float(key)
        except ValueError:
            return None
        if not number.is_integer() or number < 0 or int(number) & ~_KNOWN_FLAGS:
            return None
        flags = int(number)
    if flags & 8:
        return SPAM
    if flags & 1:
        return PREVIEW
    if flags & (2 | 256):
        return TEST
    return RESPONSE


def read_date(text: str) -> dt.datetime | None:
    """A tool's date and time (ISO 8601 as Qualtrics and LimeSurvey write it, or day-month-year
    as Excel may rewrite it), aware: naive ones are in ``settings.TIME_ZONE``. None: unreadable."""
    value = text.strip()
    parsed = None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return parsed


def read_language(text: str) -> str:
    """``NL``, ``nl-NL``, ``en_GB``, ``EN``… → nl or en; anything else → empty."""
    code = text.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in ("nl", "en") else ""


@dataclass
class Notice:
    """A metadata cell the import could not use (the row is stored without it): listed in the
    report, never a reason to hold a row."""

    row: int
    column: str
    value: str
    message: Any  # lazy text


@dataclass
class Metadata:
    kind: np.ndarray  # per row: response | preview | test | spam (object)
    complete: np.ndarray  # bool
    started: np.ndarray  # object: aware datetime or None
    submitted: np.ndarray  # object: aware datetime or None
    language: np.ndarray  # object: "nl" | "en" | "" (None: the file does not say)
    progress: np.ndarray  # object: the tool's own text (Qualtrics Progress), or None
    lastpage: np.ndarray  # object: LimeSurvey lastpage, or None
    bad_status: dict[int, str] = field(default_factory=dict)  # row → a status no tool writes
    notices: list[Notice] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per kind."""
        kinds, n = np.unique(self.kind.astype(str), return_counts=True)
        return {str(k): int(c) for k, c in zip(kinds, n, strict=True)}


def _by_distinct(values: np.ndarray, decide: Any) -> np.ndarray:
    """``decide(text)`` for each row's text (None stays None), decided once per distinct text."""
    out = np.full(len(values), None, dtype=object)
    cache: dict[str, Any] = {}
    for i in np.flatnonzero(values != None).tolist():  # noqa: E711 (element-wise)
        text = values[i]
        if text not in cache:
            cache[text] = decide(text)
        out[i] = cache[text]
    return out


def read_metadata(
    meta: dict[str, np.ndarray], n: int, source: str, columns: dict[str, str] | None = None
) -> Metadata:
    """Each row's metadata from the tool's columns (``Converted.meta``; see the module docs).
    ``columns`` names the export column of each key, for the notices."""
    columns = columns or {}
    none = np.full(n, None, dtype=object)
    kind = np.full(n, RESPONSE, dtype=object)
    bad_status: dict[int, str] = {}
    notices: list[Notice] = []
    if "status" in meta:
        kinds = _by_distinct(meta["status"], lambda t: status_kind(t) or "?")
        for i in np.flatnonzero(kinds == "?").tolist():
            bad_status[i] = meta["status"][i]
        filled = (kinds != None) & (kinds != "?")  # noqa: E711
        kind[filled] = kinds[filled]
    complete = np.ones(n, dtype=bool)
    if "response_status" in meta:
        status = _by_distinct(meta["response_status"], lambda t: t.strip().lower())
        complete = status != "partial"
        for i in np.flatnonzero((status != None) & (status != "complete") & ~(status == "partial")):  # noqa: E711
            bad_status[int(i)] = meta["response_status"][i]
    elif "finished" in meta:
        complete = _by_distinct(meta["finished"], lambda t: t.strip().lower() in _TRUE) == True  # noqa: E712
    elif source == "limesurvey" and "submitted" in meta:
        complete = meta["submitted"] != None  # noqa: E711

    def dates(key: str) -> np.ndarray:
        if key not in meta:
            return none.copy()
        out = _by_distinct(meta[key], lambda t: read_date(t) or "?")
        for i in np.flatnonzero(out == "?").tolist():
            notices.append(
                Notice(
                    i,
                    columns.get(key, key),
                    meta[key][i],
                    _("'%(value)s' is not a date and time: stored without it"),
                )
            )
            out[i] = None
        return out

    started, submitted = dates("started"), dates("submitted")
    if source == "limesurvey":
        pass  # submitdate empty: a partial response, not submitted
    elif "finished" in meta or "response_status" in meta:
        submitted = np.where(complete, submitted, None)  # an unfinished response: not submitted
    language = _by_distinct(meta["language"], read_language) if "language" in meta else none
    return Metadata(
        kind=kind,
        complete=np.asarray(complete, dtype=bool),
        started=started,
        submitted=submitted,
        language=language,
        progress=meta.get("progress", none),
        lastpage=meta.get("lastpage", none),
        bad_status=bad_status,
        notices=notices,
    )
