"""Rendering a stored passport: ``view_model`` turns ``Passport.data`` (numbers and ids) into
the texts of one language — through Django's gettext and the catalogues' Dutch and English
names — and both the web page (``templates/passports/passport.html``) and the PDF
(``templates/passports/passport.typ``, Typst) show that same view model.

Typst compiles one template per passport with the view model as JSON in ``sys.inputs``; a
``Compiler`` is made once per process and reused (``PdfWriter``).
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from innomon.classification import SIZE_CLASSES
from innomon.config import region_code
from innomon.definition import load_definition
from innomon.i18n import localized
from innomon.region import RegionDataError, load_region

from .rules import support_instruments

TEMPLATE = "passport.typ"


def _fmt(x: float | None, decimals: int, lang: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\u2009").replace(".", ",")
    else:
        text = text.replace(",", "\u2009")
    return text


def _pct(x: float | None, lang: str, decimals: int = 1) -> str:
    text = _fmt(x, decimals, lang)
    return text if text == "–" else f"{text}\u00a0%"


def _indicators() -> dict[str, Any]:
    return {i.id: i for i in load_definition().indicators}


def _levels() -> tuple[Any, ...]:
    typology = load_definition().typology
    return () if typology is None else typology.levels


def _flag_rules() -> tuple[Any, ...]:
    typology = load_definition().typology
    return () if typology is None else typology.flags


def size_label(code: str) -> str:
    """A size class in words, with its employee bounds."""
    bounds = {name: (low, high) for name, low, high in SIZE_CLASSES}
    if code not in bounds:
        return code
    low, high = bounds[code]
    labels = {
        "micro": _("micro firms (%(low)s–%(high)s employees)"),
        "small": _("small firms (%(low)s–%(high)s employees)"),
        "medium": _("medium-sized firms (%(low)s–%(high)s employees)"),
    }
    if code not in labels or high is None:
        return code
    return labels[code] % {"low": low, "high": high}


def _region_name(code: str, region: str | None, lang: str) -> str | None:
    """The name of a province or COROP region of the region file ``region``."""
    try:
        data = load_region(region or region_code())
    except RegionDataError:
        return None
    for item in (*data.provinces, *data.corops):
        if item.code == code:
            return localized(item, "name", lang)
    return None


def value_label(column: str, value: str, lang: str, region: str | None = None) -> str:
    """A value of a domain of the monitor definition in words: the name of its group or class,
    of the region's province or COROP region (``labels: region``) or of its size class
    (``labels: size_classes``); the value itself otherwise."""
    try:
        domain = load_definition().domain(column)
    except KeyError:
        return value
    name = domain.value_name(value, lang)
    if name is None and domain.labels == "region":
        name = _region_name(value, region, lang)
    if name is None and domain.labels == "size_classes":
        name = size_label(value)
    return name or value


def group_label(columns: list[str], values: list[str], lang: str, region: str | None = None) -> str:
    """The peer group in words, e.g. 'Industry and energy, micro firms (0–9 employees)'."""
    if not columns:
        return _("all SMEs of the region")
    return ", ".join(
        value_label(col, value, lang, region) for col, value in zip(columns, values, strict=True)
    )


def _own(row: dict[str, Any], lang: str) -> str:
    value = row.get("own")
    if row["kind"] == "share":
        if value is None:
            return "–"
        return _("yes") if value == 1 else _("no")
    return _value(row["id"], value, lang)


def _value(ind_id: str, value: float | None, lang: str) -> str:
    unit = _indicators()[ind_id].unit
    if unit == "count":
        return _fmt(value, 1, lang)
    return _pct(value, lang)


def _aggregate(row: dict[str, Any], key: str, lang: str) -> str:
    agg = row.get(key)
    if not agg or agg.get("suppressed"):
        return "–"
    return _value(row["id"], agg["estimate"], lang)


def _percentile(x: float | None) -> str:
    return "–" if x is None else str(round(x))


def _level_name(level_id: str | None, lang: str) -> str | None:
    for level in _levels():
        if level.id == level_id:
            return localized(level, "name", lang)
    return None


def view_model(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The passport's texts and figures in ``lang`` (call inside ``translation.override``)."""
    peer = data["peer"]
    region = data.get("region")
    group = group_label(peer["columns"], peer["values"], lang, region)
    if peer["widened"]:
        narrow = (
            group_label(peer["own_columns"], peer["own_values"], lang, region)
            if peer.get("own_values")
            else _("your sector and size class")
        )
        peer_text = _(
            "Your own group (%(narrow)s) has fewer than %(min)s responding firms, so the "
            "passport compares your firm with a wider group: %(group)s (%(n)s responding firms)."
        ) % {"narrow": narrow, "min": peer["min_firms"], "group": group, "n": peer["firms"]}
    else:
        peer_text = _(
            "Your peer group: %(group)s — %(n)s responding firms of the %(year)s monitor."
        ) % {"group": group, "n": peer["firms"], "year": data["year"]}
    previous = data.get("previous")
    catalogue = _indicators()
    rows = []
    for row in data["indicators"]:
        ind = catalogue[row["id"]]
        before = None
        if previous is not None:
            before = _own({**row, "own": row.get("before")}, lang)
        rows.append(
            {
                "name": localized(ind, "name", lang),
                "definition": localized(ind, "definition", lang),
                "own": _own(row, lang),
                "peer": _aggregate(row, "peer", lang),
                "region": _aggregate(row, "region", lang),
                "pct_peer": _percentile(row.get("pct_peer")) if row["kind"] == "mean" else "",
                "pct_region": _percentile(row.get("pct_region")) if row["kind"] == "mean" else "",
                "before": before,
            }
        )
    level_name = _level_name(data.get("level"), lang)
    levels = _levels()
    pyramid = [
        {
            "indent": round(40 + 60 * k / max(len(levels) - 1, 1)),
            "name": localized(level, "name", lang),
            "definition": localized(level, "definition", lang),
            "share": _pct(data["pyramid"].get(level.id), lang, 0),
            "width": round(data["pyramid"].get(level.id, 0.0), 1),
            "current": level.id == data.get("level"),
        }
        for k, level in enumerate(levels)
    ]
    if level_name is None:
        level_text = _(
            "Your level on the innovation pyramid could not be determined: an answer it "
            "depends on is missing."
        )
    else:
        level_text = _("Your firm is at the level “%(level)s” of the innovation pyramid.") % {
            "level": level_name
        }
    change = None
    if previous is not None:
        before_level = _level_name(previous.get("level"), lang)
        change = _(
            "Your firm also answered in %(year)s; the column “%(year)s” shows its answers then."
        ) % {"year": previous["year"]}
        if before_level and level_name:
            change += " " + (
                _("Then it was at the level “%(before)s”, now at “%(now)s”.")
                % {"before": before_level, "now": level_name}
            )
    other_lang = "en" if lang == "nl" else "nl"
    return {
        "lang": lang,
        "year": data["year"],
        "kvk": data["kvk"],
        "firm_name": data.get("firm_name", ""),
        "title": _("Innovation Passport %(year)s") % {"year": data["year"]},
        "subtitle": _("Your firm's innovation compared with similar firms in the region"),
        "synthetic": _("Synthetic demonstration data: this passport describes no real firm.")
        if data.get("synthetic")
        else "",
        "intro": _(
            "Thank you for taking part in the innovation monitor. This passport compares your "
            "answers with the weighted results of similar firms. It shows only figures of "
            "groups of at least %(min)s responding firms, never another firm's answers."
        )
        % {"min": load_definition().disclosure_rule().min_n},
        "peer_text": peer_text,
        "h_position": _("Where you stand"),
        "h_pyramid": _("The innovation pyramid"),
        "h_barometer": _("Subsidy barometer"),
        "h_initiatives": _("Initiatives for your firm"),
        "col_indicator": _("Indicator"),
        "col_own": _("Your firm"),
        "col_peer": _("Peer group"),
        "col_region": _("Region"),
        "col_pct_peer": _("Percentile in group"),
        "col_pct_region": _("Percentile in region"),
        "col_before": str(previous["year"]) if previous else "",
        "table_note": _(
            "Shares: the weighted percentage of firms in the group (or region) with a “yes”. "
            "Percentile: the weighted share of firms in the group with a lower value, the "
            "firms with the same value counting half (50 = the middle). – = not available or "
            "too few firms to publish."
        ),
        "rows": rows,
        "not_asked": _not_asked(data, catalogue, lang),
        "has_before": previous is not None,
        "level_text": level_text,
        "pyramid": pyramid,
        "pyramid_note": _("Weighted share of the region's SMEs at each level, from the top down."),
        "change": change,
        "flags_intro": _("The monitor's typology also marks your firm as:"),
        "flags": _flags(data, lang),
        "instruments": _instruments(data, lang),
        "barometer_intro": _(
            "Support instruments whose conditions your firm meets according to its answers, "
            "with the reasons."
        ),
        "barometer_note": _(
            "The rules are examples that the monitor team must still verify against the "
            "current regulations; check the conditions with the provider before applying."
        )
        if any(i.example for i in support_instruments())
        else "",
        "no_instruments": _("Your answers meet the conditions of none of the listed instruments."),
        "initiatives": _initiatives(data, lang),
        "no_initiatives": _("No registered initiative fits your firm's sector or province."),
        "complementarity": _complementarity(data, lang),
        "footer": _("innomon — Innovation Passport %(year)s — KvK %(kvk)s")
        % {"year": data["year"], "kvk": data["kvk"]},
        "download": _("Download as PDF"),
        # the other language's name in that language ("English", "Nederlands")
        "other_language": get_language_info(other_lang)["name_local"],
        "other_lang": other_lang,
    }


def _not_asked(data: dict[str, Any], catalogue: dict[str, Any], lang: str) -> str:
    """A sentence naming the passport's indicators this wave's questionnaire did not ask."""
    names = [
        localized(catalogue[i], "name", lang) for i in data.get("not_asked") or () if i in catalogue
    ]
    if not names:
        return ""
    return _("Not asked in the %(year)s questionnaire, so not shown: %(names)s.") % {
        "year": data["year"],
        "names": ", ".join(names),
    }


def _flags(data: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The typology's flags that apply to the firm (names and definitions from
    ``typology.yaml``), in the typology's order."""
    own = data.get("flags") or {}
    return [
        {"name": localized(f, "name", lang), "definition": localized(f, "definition", lang)}
        for f in _flag_rules()
        if own.get(f.id) is True
    ]


def _instruments(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    catalogue = {i.id: i for i in support_instruments()}
    out = []
    for item in data["instruments"]:
        inst = catalogue.get(item["id"])
        if inst is None:
            continue
        if item.get("used"):
            flag = _("Your firm received this support.")
        elif item.get("known") is False:
            flag = _("You said you did not know this instrument.")
        elif item.get("known") is None:
            flag = _("The questionnaire did not ask whether you know this instrument.")
        else:
            flag = ""
        out.append(
            {
                "name": localized(inst, "name", lang),
                "provider": inst.provider,
                "supports": localized(inst, "supports", lang),
                "reasons": [localized(c, "reason", lang) for c in inst.conditions],
                "flag": flag,
                "unknown": item.get("known") is False,
                "link": inst.link,
            }
        )
    return out


def _type_name(code: str) -> str:
    return {
        "network": _("innovation network"),
        "test_environment": _("test environment"),
        "incubator": _("incubator"),
    }.get(code, code)


def _theme_name(code: str) -> str:
    return {
        "energy": _("energy"),
        "water": _("water"),
        "health": _("health"),
        "agrifood": _("agrifood"),
        "chemistry": _("chemistry"),
        "digital": _("digital"),
        "manufacturing": _("manufacturing"),
        "circular": _("circular economy"),
        "general": _("general"),
    }.get(code, code)


def _initiatives(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    out = []
    for item in data["initiatives"]:
        parts = item["parts"]
        reasons = []
        if parts["theme"] == 1:
            reasons.append(
                _("its theme (%(theme)s) serves your sector")
                % {"theme": _theme_name(item["theme"])}
            )
        elif parts["theme"] > 0:
            reasons.append(_("it is open to all sectors"))
        if parts["province"]:
            reasons.append(_("it is in your province"))
        if parts["type"] > 0:
            reasons.append(
                _("%(share)s of the firms at your level take part in this type of initiative")
                % {"share": _pct(100 * parts["type"], lang, 0)}
            )
        if parts["complement"]:
            reasons.append(
                _("the monitor found that collaboration and own investment reinforce each other")
            )
        out.append(
            {
                "name": item["name"],
                "type": _type_name(item["type"]),
                "reasons": reasons,
                "score": _fmt(item["score"], 1, lang),
            }
        )
    return out


def _complementarity(data: dict[str, Any], lang: str) -> str:
    comp = data.get("complementarity") or {}
    if not comp.get("applies"):
        return ""
    sentence = comp.get(f"sentence_{lang}")
    if comp.get("verdict") == "complements" and sentence:
        return _(
            "Your firm invests in innovation itself but takes part in no initiative. In this "
            "year's monitor: %(finding)s Networks and test environments are therefore "
            "ranked higher for your firm."
        ) % {"finding": sentence}
    if sentence:
        return _(
            "Your firm invests in innovation itself but takes part in no initiative. This "
            "year's monitor did not show that the two reinforce each other: %(finding)s"
        ) % {"finding": sentence}
    return ""


def template_path() -> str:
    path = resources.files("innomon.passports").joinpath("templates", "passports", TEMPLATE)
    return str(path)


def pdf_bytes(model: dict[str, Any]) -> bytes:
    """The PDF of one passport's view model (a compiler per process, reused)."""
    from .typeset import typeset

    return typeset(template_path(), model)
