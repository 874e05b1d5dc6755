"""Which registered firm each row of an export is, and the new firms it names.

A row names its firm by KvK number (``Converted.kvk``: normalised, or None); without one, by its
name and municipality when exactly one registered firm has them (the response is then marked
for review). A KvK number that is not registered is a new firm: registered by the import when
the row gives what the register needs (name, SBI code, a municipality of the region, the number
of employees) and its name is not (nearly) that of a registered firm — then it is most likely a
mistyped KvK number of that firm, and the row is held. The known numbers are looked up once, as
a set, for all rows; only new firms and rows without a number are looked at one by one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from innomon.classification import sbi_section
from innomon.registry.models import Firm, Municipality
from innomon.survey.panel import normalise_name
from innomon.survey.responses import select_in

NAME_MATCH = 0.9  # difflib ratio of two normalised names from which they are one firm's name
_DIGITS = re.compile(r"\d+")
_NAME_MAX = Firm._meta.get_field("name").max_length


@dataclass
class FirmProblem:
    row: int
    field: str  # kvk | firm_name | sbi_code | municipality | employees
    value: Any
    message: Any  # lazy gettext msgid with %(name)s parameters
    params: dict[str, Any]


@dataclass
class Firms:
    kvk: np.ndarray  # object: each row's KvK number (also matched by name), or None
    problems: list[FirmProblem] = field(default_factory=list)
    new: dict[int, dict[str, Any]] = field(default_factory=dict)  # row → the firm to register
    by_name: set[int] = field(default_factory=set)  # rows matched by name and municipality


class RegisteredNames:
    """The register's firms by normalised name (read once, when a new firm needs it): a new
    firm named like a registered one — equal, or nearly (``NAME_MATCH``) — is most likely that
    firm with a mistyped KvK number."""

    def __init__(self) -> None:
        self._by_name: dict[str, tuple[str, str]] | None = None

    def match(self, name: str) -> tuple[str, str] | None:
        """(name, KvK number) of the registered firm ``name`` matches, or None."""
        if self._by_name is None:
            self._by_name = {}
            for kvk, registered in Firm.objects.order_by("kvk").values_list("kvk", "name"):
                self._by_name.setdefault(normalise_name(registered), (registered, kvk))
            self._by_name.pop("", None)
        key = normalise_name(name)
        if not key or not self._by_name:
            return None
        if key in self._by_name:
            return self._by_name[key]
        # nearly equal, with the same numbers: "Bouw 1" and "Bouw 2" are two firms
        digits = _DIGITS.findall(key)
        close = difflib.get_close_matches(key, self._by_name, n=5, cutoff=NAME_MATCH)
        same = [c for c in close if _DIGITS.findall(c) == digits]
        return self._by_name[same[0]] if same else None


def _text(values: np.ndarray | None, i: int) -> str:  # one row's (rows without a KvK number)
    if values is None:
        return ""
    value = values[i]
    return "" if value is None else str(value).strip()


def _texts(values: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    """The stripped texts of ``rows`` ('' for none), decided once per distinct value."""
    if values is None:
        return np.full(len(rows), "", dtype=object)
    return _each_distinct(values[rows], lambda v: "" if v is None else str(v).strip(), object)


def _each_distinct(values: np.ndarray, decide: Any, dtype: Any = bool) -> np.ndarray:
    """``decide(value)`` per element, computed once per distinct value."""
    memo: dict[Any, Any] = {}
    out = np.empty(len(values), dtype=dtype)
    for j, value in enumerate(values.tolist()):
        try:
            out[j] = memo[value]
        except KeyError:
            out[j] = memo[value] = decide(value)
    return out


def _is_sbi(code: str) -> bool:
    try:
        sbi_section(code)
    except ValueError:
        return False
    return True


def check_firms(
    kvk: np.ndarray,
    firm: dict[str, np.ndarray],
    employees: np.ndarray | None,
    founding: np.ndarray | None,
    rows: np.ndarray,
    refused: set[int],
) -> Firms:
    """The firms of ``rows`` (the rows that are responses). ``kvk`` is each row's normalised
    KvK number or None; ``refused`` the rows whose KvK cell was refused (already a problem)."""
    out = Firms(kvk=kvk.copy())
    names, munis_col, sbis = firm.get("firm_name"), firm.get("municipality"), firm.get("sbi_code")
    missing = [i for i in rows.tolist() if kvk[i] is None and i not in refused]
    if missing:
        by_key: dict[tuple[str, str], list[str]] = {}
        if names is not None:
            for k, name, muni in Firm.objects.values_list("kvk", "name", "municipality__code"):
                by_key.setdefault((normalise_name(name), muni), []).append(k)
        for i in missing:
            key = (normalise_name(_text(names, i)), _text(munis_col, i))
            found = by_key.get(key, []) if key[0] else []
            if len(found) == 1:
                out.kvk[i] = found[0]
                out.by_name.add(i)
            else:
                out.problems.append(
                    FirmProblem(
                        i,
                        "kvk",
                        "",
                        _(
                            "the row has no KvK number, and no registered firm has its name "
                            "and municipality"
                        ),
                        {},
                    )
                )
    with_kvk = np.array([i for i in rows.tolist() if out.kvk[i] is not None], dtype=np.int64)
    if len(with_kvk) == 0:
        return out
    numbers = out.kvk[with_kvk].astype(str)
    distinct = np.unique(numbers)
    registered = {k for (k,) in select_in(Firm, "kvk", distinct.tolist(), ("kvk",))}
    known = np.isin(numbers, np.array(sorted(registered), dtype=str)) if registered else None
    new_rows = with_kvk if known is None else with_kvk[~known]
    if len(new_rows) == 0:
        return out
    municipalities = set(Municipality.objects.values_list("code", flat=True))
    names_index = RegisteredNames()
    idx = new_rows
    name_v = _texts(names, idx)
    sbi_v = _texts(sbis, idx)
    muni_v = _texts(munis_col, idx)
    staff_v = np.full(len(idx), None, dtype=object) if employees is None else employees[idx]
    # each distinct value checked once
    sbi_ok = _each_distinct(sbi_v, _is_sbi)
    muni_ok = _each_distinct(muni_v, municipalities.__contains__)
    no_name = name_v == ""
    too_long = _each_distinct(name_v, lambda t: len(t) > _NAME_MAX)
    no_staff = staff_v == None  # noqa: E711 (element-wise)
    bad_any = no_name | ~sbi_ok | ~muni_ok | no_staff | too_long
    matches: dict[str, tuple[str, str] | None] = {}
    for j in np.flatnonzero(~bad_any).tolist():
        name = name_v[j]
        if name not in matches:
            matches[name] = names_index.match(name)
        if matches[name] is not None:
            bad_any[j] = True
    founding_v = None if founding is None else founding[idx]
    for j, i in enumerate(idx.tolist()):
        if not bad_any[j]:
            out.new[i] = {
                "kvk": out.kvk[i],
                "name": name_v[j],
                "sbi_code": sbi_v[j],
                "municipality": muni_v[j],
                "employees": staff_v[j],
                "founding_year": None if founding_v is None else founding_v[j],
            }
            continue
        name, sbi, muni, number = name_v[j], sbi_v[j], muni_v[j], out.kvk[i]
        if no_name[j]:
            out.problems.append(
                FirmProblem(i, "firm_name", name, _("the firm's name is missing (a new firm)"), {})
            )
        if not sbi_ok[j]:
            out.problems.append(
                FirmProblem(
                    i, "sbi_code", sbi, _("'%(sbi)s' is not an SBI 2008 code"), {"sbi": sbi}
                )
            )
        if not muni_ok[j]:
            out.problems.append(
                FirmProblem(
                    i,
                    "municipality",
                    muni,
                    _("municipality '%(municipality)s' is not in the region"),
                    {"municipality": muni},
                )
            )
        if no_staff[j]:
            out.problems.append(
                FirmProblem(
                    i, "employees", None, _("the number of employees is missing (a new firm)"), {}
                )
            )
        if too_long[j]:
            out.problems.append(
                FirmProblem(
                    i,
                    "firm_name",
                    name[:40] + "…",
                    _("the firm's name is longer than %(n)s characters"),
                    {"n": _NAME_MAX},
                )
            )
        match = matches.get(name)
        if match is not None:
            out.problems.append(
                FirmProblem(
                    i,
                    "kvk",
                    number,
                    _(
                        "KvK number %(kvk)s is not registered, but the name matches registered "
                        "firm %(name)s (KvK %(registered)s); correct the KvK number, or register "
                        "the new firm first with `innomon import-firms`"
                    ),
                    {"kvk": number, "name": match[0], "registered": match[1]},
                )
            )
    return out
