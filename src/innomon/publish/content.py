"""The annual report as data (``model.py``): its chapters of paragraphs, tables and charts,
built from one stored build in one language. The HTML, PDF and XLSX renderers all render this
one model, so the three files always show the same numbers.

Every number in the model is a ``Num``: its formatted text (``innomon.publish.numbers``, the one
formatting path), the raw value and ``ref``, where it came from — e.g.
``est|<build>|<indicator>|<domain>|<domain value>|estimate`` for a stored estimate or
``summary|<build>|complementarity.delta_pp`` for a figure of the build's summary. The HTML
carries ``ref`` as ``data-ref``, so a test can check every printed number against the database.
Nothing here recomputes an estimate: figures are read from the build, counts from the
database.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from innomon.analysis.indicators import Indicator
from innomon.builds.analyse import QUESTION
from innomon.builds.models import Build, BuildEstimate, FirmClass
from innomon.builds.services import latest_build
from innomon.classification import SME_SIZE_CLASSES
from innomon.definition import CHAPTER_KINDS, Domain, MonitorDefinition, load_definition
from innomon.definition import Chapter as ChapterSpec
from innomon.i18n import localized
from innomon.region import Region as RegionData
from innomon.survey.models import Wave

from . import charts
from .counts import initiative_counts, panel_overlap, response_counts, strata_counts
from .model import (
    Block,
    Cell,
    Chapter,
    Chart,
    Definition,
    Heading,
    KeyFigure,
    KeyFigures,
    NotAsked,
    Num,
    Paragraph,
    Range,
    Report,
    Suppressed,
    Table,
    Text,
    UnknownIndicator,
)
from .numbers import format_number, format_percent

# --- what the chapters show: the monitor definition's report.yaml (innomon.definition) -------

# The chapters of a definition without report.yaml, in this order.
DEFAULT_CHAPTERS = tuple(ChapterSpec(kind) for kind in CHAPTER_KINDS)
# None: the map shows the regional chapter's `map` indicator.
DEFAULT_MAP_INDICATOR: str | None = None
STRATEGY_ORDER = ("neither", "invest_only", "collab_only", "both")
# indicators a build adds to the catalogue's: (unit, printed = stored × scale)
EXTRA_UNITS = {
    "participation_by_level": ("%", 1.0),
    "in_network_by_level": ("%", 1.0),
    "in_test_environment_by_level": ("%", 1.0),
    "in_incubator_by_level": ("%", 1.0),
    "top_innovators_without_collaboration": ("%", 1.0),
    "strategy_ntm_turnover_share": ("% of turnover", 1.0),
    "strategy_top_innovators": ("%", 100.0),  # stored as a fraction
}


def _finite(x: Any) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


class _Builder:
    """Builds the ``Report`` of one build in the active language (``translation.override``)."""

    def __init__(
        self,
        build: Build,
        lang: str,
        region_data: RegionData,
        geometry: Any = None,
        map_indicator: str | None = DEFAULT_MAP_INDICATOR,
        with_rows: bool = True,
        definition: MonitorDefinition | None = None,
    ) -> None:
        self.build = build
        self.with_rows = with_rows
        self.wave: Wave = build.wave
        self.lang = lang
        self.region = region_data
        self.geometry = geometry
        self.defn = definition or load_definition()
        self.catalogue = {i.id: i for i in self.defn.indicators}
        if map_indicator is not None and map_indicator not in self.catalogue:
            raise UnknownIndicator(
                f"indicator '{map_indicator}' for the maps is not in the catalogue; "
                f"choose one of {', '.join(sorted(self.catalogue))}"
            )
        self.map_indicator = map_indicator
        self.typology = self.defn.typology
        self.summary: dict[str, Any] = build.summary or {}
        self.not_asked: set[str] = set(self.summary.get("not_asked") or ())
        # the build's domains in its order (an id the definition no longer has keeps its id
        # as its title); a build made before the summary listed them: the definition's
        self.domains: tuple[str, ...] = tuple(self.summary.get("domains") or self.defn.domain_ids)
        self.questions: list[dict[str, Any]] = [
            q for q in self.summary.get("questions") or () if isinstance(q, dict) and q.get("name")
        ]
        self.estimates: dict[tuple[str, str, str], BuildEstimate] = {
            (e.indicator, e.domain, e.domain_value): e
            for e in build.estimates.exclude(domain__contains="*")
        }
        self.region_name = localized(region_data, "name", lang)
        self.population_text = _("SMEs (fewer than 250 employees) in %(region)s, %(year)s") % {
            "region": self.region_name,
            "year": self.wave.year,
        }
        self.suppressed_text = _("suppressed")
        self.not_asked_text = _("not asked in %(year)s") % {"year": self.wave.year}
        self._value_labels: dict[tuple[str, str], str] = {}

    # -- numbers -----------------------------------------------------------------------------

    def num(
        self, value: float | int, ref: str, decimals: int = 0, percent: bool = False, scale=1.0
    ) -> Num:
        shown = value * scale
        text = (
            format_percent(shown, self.lang, decimals)
            if percent
            else format_number(shown, self.lang, decimals)
        )
        return Num(text, value, ref, scale, decimals, percent)

    def count(self, value: int, ref: str) -> Num:
        return self.num(int(value), ref)

    def unit_of(self, indicator: str) -> tuple[str, float]:
        if indicator in self.catalogue:
            return self.catalogue[indicator].unit, 1.0
        if indicator.startswith(QUESTION):
            # a choice: % of the firms that answered; a number question: its mean, own unit
            return ("%", 1.0) if "=" in indicator else ("number", 1.0)
        return EXTRA_UNITS.get(indicator, ("%", 1.0))

    def asked(self, indicator: str) -> bool:
        return indicator not in self.not_asked

    def est(self, indicator: str, domain: str = "", value: str = "") -> BuildEstimate | None:
        return self.estimates.get((indicator, domain, value))

    def est_ref(self, e: BuildEstimate, fld: str) -> str:
        return f"est|{e.build_id}|{e.indicator}|{e.domain}|{e.domain_value}|{fld}"

    def est_num(self, e: BuildEstimate, fld: str) -> Num:
        unit, scale = self.unit_of(e.indicator)
        decimals = 2 if unit == "count" else 1
        return self.num(
            getattr(e, fld),
            self.est_ref(e, fld),
            decimals,
            percent=unit not in ("count", "number"),
            scale=scale,
        )

    def est_cells(self, e: BuildEstimate | None) -> tuple[Cell, Cell, Cell]:
        """estimate, 95 % CI, n — suppressed estimates say so (n is still shown)."""
        if e is None:
            na = Text(_("not available"))
            return na, na, na
        n = self.count(e.n, self.est_ref(e, "n"))
        if e.suppressed or not _finite(e.estimate):
            return Suppressed(self.suppressed_text), Suppressed(self.suppressed_text), n
        if _finite(e.ci_low) and _finite(e.ci_high):
            ci: Cell = Range(self.est_num(e, "ci_low"), self.est_num(e, "ci_high"))
        else:
            ci = Text(_("not available"))
        return self.est_num(e, "estimate"), ci, n

    def est_columns(self) -> tuple[str, ...]:
        return (_("Estimate"), _("95% confidence interval"), "n")

    def chart_row(self, e: BuildEstimate | None, label: str, **extra: Any) -> dict[str, Any]:
        """A chart datum: the estimate and its CI as printed (scaled), the label text from the
        same formatting path, and whether it is suppressed."""
        row = {"label": label, **extra}
        if e is None or e.suppressed or not _finite(e.estimate):
            row.update(estimate=None, ci_low=None, ci_high=None, suppressed=True)
            row["text"] = self.suppressed_text
            row["n"] = e.n if e is not None else 0
            return row
        _unit, scale = self.unit_of(e.indicator)
        row.update(
            estimate=e.estimate * scale,
            ci_low=e.ci_low * scale if _finite(e.ci_low) else None,
            ci_high=e.ci_high * scale if _finite(e.ci_high) else None,
            n=e.n,
            suppressed=False,
            text=self.est_num(e, "estimate").text,
        )
        return row

    # -- names -------------------------------------------------------------------------------

    def ind_name(self, indicator: str) -> str:
        ind = self.catalogue.get(indicator)
        if ind is None:
            if indicator.startswith(QUESTION):
                return self.question_name(indicator)
            return indicator
        return localized(ind, "name", self.lang)

    def question_name(self, indicator: str) -> str:
        """ "Question label: choice label" of a ``question:<name>=<code>`` row, the question's
        label of a ``question:<name>`` row (its name when the build did not list it)."""
        name, _sep, code = indicator.removeprefix(QUESTION).partition("=")
        q = self.question(name)
        if q is None:
            return f"{name}: {code}" if code else name
        label = self.text_of(q) or name
        if not code:
            return label
        return f"{label}: {self.choice_label(q, code)}"

    def question(self, name: str) -> dict[str, Any] | None:
        if not hasattr(self, "_questions_by_name"):
            self._questions_by_name = {q["name"]: q for q in self.questions}
        return self._questions_by_name.get(name)

    def text_of(self, item: dict[str, Any]) -> str:
        """The label of a question or choice of the build's snapshot in the report's language
        (the other language's if this one is empty)."""
        first, other = ("label_en", "label_nl") if self.lang == "en" else ("label_nl", "label_en")
        return str(item.get(first) or item.get(other) or "").strip()

    def choice_label(self, question: dict[str, Any], code: str) -> str:
        for c in question.get("choices") or ():
            if str(c.get("code")) == code:
                return self.text_of(c) or code
        return code

    def domain(self, domain_id: str) -> Domain | None:
        try:
            return self.defn.domain(domain_id)
        except KeyError:
            return None

    def domain_title(self, domain: str) -> str:
        if not domain:
            return self.region_name
        d = self.domain(domain)
        if d is not None:
            return d.name_en if self.lang == "en" else d.name_nl
        return {
            "ladder_level": _("Innovation ladder"),
            "strategy": _("Strategy"),
        }.get(domain, domain)

    def value_label(self, domain: str, value: str) -> str:
        key = (domain, value)
        if key not in self._value_labels:
            self._value_labels[key] = self._value_label(domain, value)
        return self._value_labels[key]

    def size_label(self, value: str) -> str:
        return {
            "micro": _("micro (0–9 employees)"),
            "small": _("small (10–49 employees)"),
            "medium": _("medium-sized (50–249 employees)"),
            "large": _("large (250 or more employees)"),
        }.get(value, value)

    def region_label(self, value: str) -> str | None:
        for item in (*self.region.provinces, *self.region.corops):
            if item.code == value:
                return localized(item, "name", self.lang)
        for m in self.region.municipalities:
            if m.code == value:
                return str(m.name)
        return None

    def _value_label(self, domain: str, value: str) -> str:
        d = self.domain(domain)
        if d is not None:
            if d.labels == "region":
                return self.region_label(value) or value
            if d.labels == "size_classes":
                return self.size_label(value)
            return d.value_name(value, self.lang) or value
        if domain == "ladder_level" and self.typology is not None:
            for level in self.typology.levels:
                if str(level.score) == value:
                    return localized(level, "name", self.lang)
        if domain == "strategy":
            return {
                "neither": _("neither"),
                "invest_only": _("internal investment only"),
                "collab_only": _("collaboration only"),
                "both": _("both"),
            }.get(value, value)
        return value

    def present_values(self, domain: str) -> list[str]:
        return sorted({v for (_i, d, v) in self.estimates if d == domain})

    def region_level(self, domain: str) -> str | None:
        """``province``, ``corop`` or ``municipality``: the level of the region file a domain
        with ``labels: region`` holds (by the codes of its estimates, else its variable)."""
        d = self.domain(domain)
        if d is None or d.labels != "region":
            return None
        present = set(self.present_values(domain))
        for level, items in (
            ("province", self.region.provinces),
            ("corop", self.region.corops),
            ("municipality", self.region.municipalities),
        ):
            if present & {i.code for i in items}:
                return level
        return d.variable if d.variable in ("province", "corop", "municipality") else None

    def region_domain(self, level: str) -> str | None:
        """The build's domain holding the region file's ``level`` (None: the monitor has none)."""
        return next((d for d in self.domains if self.region_level(d) == level), None)

    def domain_values(self, domain: str) -> list[str]:
        d = self.domain(domain)
        if d is not None:
            if d.codes:
                return list(d.codes)
            if d.labels == "region":
                level = self.region_level(domain)
                items = {
                    "province": self.region.provinces,
                    "corop": self.region.corops,
                    "municipality": self.region.municipalities,
                }.get(level or "")
                if items is not None:
                    return [i.code for i in items]
            if d.labels == "size_classes":
                extra = [v for v in self.present_values(domain) if v not in SME_SIZE_CLASSES]
                return [*SME_SIZE_CLASSES, *extra]
        if domain == "ladder_level" and self.typology is not None:
            return [str(level.score) for level in sorted(self.typology.levels, key=_score)]
        if domain == "strategy":
            return list(STRATEGY_ORDER)
        return self.present_values(domain)

    def sector_domain(self) -> Domain | None:
        """The definition's grouping of the firm register's SBI section (the weighting's
        ``section_group`` margin): the domain with groups over the questionnaire variable
        that reads ``register.sbi_section`` (or is called ``sbi_section``)."""
        from innomon.survey.questionnaires import wave_instrument

        names = {"sbi_section"} | {
            c.name
            for c in getattr(wave_instrument(self.wave), "context", ())
            if getattr(c, "source", "") == "register.sbi_section"
        }
        return next((d for d in self.defn.domains if d.groups and d.variable in names), None)

    def caption(self, extra: str = "") -> str:
        text = _(
            "Population: %(population)s. Weighted estimates with 95%% confidence intervals "
            "(error bars); n is the number of responding firms."
        ) % {"population": self.population_text}
        return f"{text} {extra}".strip()

    # -- generic pieces ----------------------------------------------------------------------

    def estimate_table(
        self, id: str, title: str, keys: list[tuple[str, str, str, str]], note: str = ""
    ) -> Table:
        """Rows (label, indicator, domain, value) of estimates with CI and n; an indicator the
        wave did not ask is one row saying so."""
        rows = tuple(
            (label, self.est_cells(self.est(ind, dom, val)))
            if self.asked(ind)
            else (label, (NotAsked(self.not_asked_text),))
            for label, ind, dom, val in keys
        )
        return Table(id, title, self.est_columns(), rows, note)

    def indicator_section(
        self,
        id: str,
        title: str,
        keys: list[tuple[str, str, str, str]],
        unit: str,
        caption_extra: str = "",
        note: str = "",
    ) -> list[Block]:
        """A bar chart of the asked indicators of ``keys`` and the table of all of them (those
        not asked in a line each); one sentence when the wave asked none of them."""
        if not keys:
            return []
        if not any(self.asked(k[1]) for k in keys):
            return [Paragraph((self.none_asked(title),))]
        blocks: list[Block] = []
        chart = self.bar_chart(id, title, keys, unit, caption_extra)
        if chart is not None:
            blocks.append(chart)
        blocks.append(self.estimate_table(f"{id}-table", title, keys, note))
        return blocks

    def none_asked(self, what: str) -> str:
        return _("%(what)s: not asked in %(year)s.") % {"what": what, "year": self.wave.year}

    def bar_chart(
        self,
        id: str,
        title: str,
        keys: list[tuple[str, str, str, str]],
        unit: str,
        caption_extra: str = "",
    ) -> Chart | None:
        """The bars of ``keys`` the wave asked (None: it asked none of them)."""
        data = [
            self.chart_row(self.est(ind, dom, val), label)
            for label, ind, dom, val in keys
            if self.asked(ind)
        ]
        if not data:
            return None
        alt = self.alt_text(title, data, unit)
        spec = charts.bar_chart(data, title, self.axis_title(unit), alt, self.lang)
        return Chart(id, title, self.caption(caption_extra), alt, spec)

    def axis_title(self, unit: str) -> str:
        return {
            "%": _("% of SMEs"),
            "% of turnover": _("% of turnover"),
            "count": _("number"),
            "number": _("mean"),
        }.get(unit, unit)

    def alt_text(self, title: str, data: list[dict[str, Any]], unit: str) -> str:
        shown = [d for d in data if not d["suppressed"]]
        parts = [_("Bar chart: %(title)s.") % {"title": title}]
        if shown:
            hi = max(shown, key=lambda d: d["estimate"])
            lo = min(shown, key=lambda d: d["estimate"])
            parts.append(
                _("Highest: %(label)s, %(value)s; lowest: %(low_label)s, %(low_value)s.")
                % {
                    "label": hi["label"],
                    "value": hi["text"],
                    "low_label": lo["label"],
                    "low_value": lo["text"],
                }
            )
        hidden = len(data) - len(shown)
        if hidden:
            parts.append(_("Suppressed bars: %(count)s.") % {"count": hidden})
        return " ".join(parts)

    # -- chapters ----------------------------------------------------------------------------

    def chapter_indicators(self, spec: ChapterSpec, option: str = "indicators") -> list[str]:
        """The indicators a chapter's option names that the catalogue has."""
        return [i for i in spec.indicators(option) if i in self.catalogue]

    def participation_indicator(self) -> str | None:
        """The catalogue's share of all SMEs over the participation role's participant
        variable (the monitor's headline), if any."""
        role = self.defn.participation
        if role is None:
            return None
        return next(
            (
                i.id
                for i in self.catalogue.values()
                if i.kind == "share" and i.variable == role.participant
            ),
            None,
        )

    def key_figures(self, spec: ChapterSpec) -> Chapter:
        facts = response_counts(self.wave)
        shown = self.chapter_indicators(spec)
        figures = [
            KeyFigure(
                _("Responding SMEs"),
                self.count(facts["complete"], f"responses|{self.wave.pk}|complete||"),
                sentence(
                    _("of %(invited)s firms invited"),
                    invited=self.count(self.wave.invited, f"wave|{self.wave.pk}|invited"),
                ),
            )
        ]
        for ind in shown:
            if not self.asked(ind):
                continue  # the table below says so in one line
            e = self.est(ind)
            value, ci, n = self.est_cells(e)
            detail: tuple[str | Num, ...] = ("n = ", n)
            if isinstance(ci, Range):
                detail = sentence(
                    _("95%% CI %(low)s–%(high)s; n = %(n)s"), low=ci.low, high=ci.high, n=n
                )
            figures.append(KeyFigure(self.ind_name(ind), value, detail))
        blocks: list[Block] = [
            Paragraph(
                (
                    _(
                        "All figures are estimates for the whole population of SMEs in the "
                        "region, weighted to the population frame, with 95% confidence intervals "
                        "and the number of responding firms (n) they rest on."
                    ),
                ),
                note=True,
            ),
            KeyFigures(tuple(figures)),
        ]
        if shown:
            blocks.append(
                self.estimate_table(
                    "key-figures",
                    _("Key figures"),
                    [(self.ind_name(i), i, "", "") for i in shown],
                )
            )
        blocks.extend(self.respondents_versus_population())
        finding = self.complementarity_sentence()
        if finding:
            blocks.append(finding)
        return Chapter("summary", _("Key figures"), tuple(blocks), _("Key figures"))

    def respondents_versus_population(self) -> list[Block]:
        """The share of the respondents that take part in an initiative (what the monitor used
        to publish) beside the weighted estimate for all SMEs, and why they differ."""
        ind = self.participation_indicator()
        e = self.est(ind) if ind is not None and self.asked(ind) else None
        if e is None or e.suppressed or not _finite(e.estimate) or e.sample_share is None:
            return []
        share = self.est_num(e, "sample_share")
        estimate = self.est_num(e, "estimate")
        parts = sentence(
            _(
                "Of the responding firms, %(share)s take part in at least one collaboration "
                "initiative; the estimate for all SMEs of the region is %(estimate)s."
            ),
            share=share,
            estimate=estimate,
        )
        if e.estimate < e.sample_share:
            parts += (
                " ",
                _(
                    "The estimate for all SMEs is lower than the share among the respondents: "
                    "firms that innovate answer the monitor more often than others, and the "
                    "weights correct for that as far as size, sector and province explain it."
                ),
            )
        elif e.estimate > e.sample_share:
            parts += (
                " ",
                _(
                    "The estimate for all SMEs is higher than the share among the respondents: "
                    "the weights give more weight to the kinds of firms (by size, sector and "
                    "province) that take part more often but answered less often."
                ),
            )
        return [Paragraph(parts)]

    def method(self, spec: ChapterSpec) -> Chapter:
        wave = self.wave
        facts = response_counts(wave)
        wid = wave.pk
        blocks: list[Block] = []
        start = date_format(wave.fieldwork_start, "j F Y")
        end = date_format(wave.fieldwork_end, "j F Y")
        rate = 100.0 * facts["complete"] / wave.invited if wave.invited else None
        invited = self.count(wave.invited, f"wave|{wid}|invited")
        complete = self.count(facts["complete"], f"responses|{wid}|complete||")
        parts: list[str | Num] = [
            _("Fieldwork ran from %(start)s to %(end)s.") % {"start": start, "end": end},
            " ",
        ]
        if rate is not None:
            parts += sentence(
                _(
                    "%(invited)s firms were invited; %(complete)s answered completely (response "
                    "rate %(rate)s)."
                ),
                invited=invited,
                complete=complete,
                rate=self.num(rate, f"rate|{wid}|wave||", 1, percent=True),
            )
        else:
            parts += sentence(_("%(complete)s firms answered completely."), complete=complete)
        parts += [" "]
        parts += sentence(
            _(
                "Partial responses (not used): %(partial)s; excluded because the firm is not an "
                "SME: %(excluded)s."
            ),
            partial=self.count(facts["partial"], f"responses|{wid}|partial||"),
            excluded=self.count(facts["excluded"], f"responses|{wid}|excluded||"),
        )
        blocks.append(Paragraph(tuple(parts)))
        # response by stratum
        rows = []
        sector = self.sector_domain()
        groups = {v: g.code for g in sector.groups for v in g.values} if sector else None
        for dim in ("province", "size_class", "section_group"):
            order = sector.codes if dim == "section_group" and sector else ()
            for value, invited, complete in strata_counts(wave, dim, groups, order):
                if dim == "province":
                    label = self.region_label(value) or value
                elif dim == "size_class":
                    label = self.size_label(value)
                else:
                    label = (sector.value_name(value, self.lang) if sector else None) or value
                key = f"{dim}|{value}"
                rate_cell: Cell = (
                    self.num(100.0 * complete / invited, f"rate|{wid}|{key}", 1, percent=True)
                    if invited
                    else Text(_("not available"))
                )
                rows.append(
                    (
                        f"{self.strata_title(dim)}: {label}",
                        (
                            self.count(invited, f"responses|{wid}|all|{key}"),
                            self.count(complete, f"responses|{wid}|complete|{key}"),
                            rate_cell,
                        ),
                    )
                )
        blocks.append(
            Table(
                "response-by-stratum",
                _("Response by stratum"),
                (_("Firms approached"), _("Complete responses"), _("Response rate")),
                tuple(rows),
                _(
                    "Firms approached: every firm of the wave in the stratum, whatever its answer "
                    "status; strata by the firm register (large firms are invited but excluded)."
                ),
            )
        )
        blocks.append(self.weighting_table())
        blocks.append(self.panel_table())
        blocks.extend(self.not_asked_blocks())
        provenance = self.provenance_table()
        if provenance is not None:
            blocks.append(provenance)
        return Chapter("method", _("Method and response"), tuple(blocks), _("Method"))

    def not_asked_blocks(self) -> list[Block]:
        """One sentence naming the catalogue's indicators this wave's questionnaire did not ask."""
        names = [self.ind_name(i) for i in self.catalogue if i in self.not_asked]
        if not names:
            return []
        return [
            Paragraph(
                (
                    _(
                        "The questionnaire of %(year)s did not ask for these indicators; they "
                        "are not estimated for this wave: %(names)s."
                    )
                    % {"year": self.wave.year, "names": "; ".join(names)},
                )
            )
        ]

    def provenance_table(self) -> Table | None:
        """What the build was made from: the wave's questionnaire, the monitor definition, the
        region file and the version of innomon (None for a build made before it recorded them)."""
        prov = self.summary.get("provenance")
        if not isinstance(prov, dict) or not prov:
            return None

        def short(item: dict[str, Any]) -> str:
            return str(item.get("sha256") or "")[:12]

        rows: list[tuple[str, tuple[Cell, ...]]] = []

        def entry(key: str) -> dict[str, Any] | None:
            item = prov.get(key)
            if isinstance(item, dict) and (
                item.get("sha256") or item.get("code") or item.get("file")
            ):
                return item
            return None

        if q := entry("questionnaire"):
            text = _("%(file)s, version %(version)s, SHA-256 %(sha)s") % {
                "file": q.get("file") or "–",
                "version": q.get("version") or "–",
                "sha": short(q),
            }
            rows.append((_("Questionnaire"), (Text(text),)))
        if d := entry("definition"):
            name = d.get("name_en" if self.lang == "en" else "name_nl") or d.get("code") or "–"
            text = _("%(name)s (%(code)s), SHA-256 %(sha)s") % {
                "name": name,
                "code": d.get("code") or "–",
                "sha": short(d),
            }
            rows.append((_("Monitor definition"), (Text(text),)))
        if r := entry("region"):
            text = _("%(code)s, SHA-256 %(sha)s") % {"code": r.get("code") or "–", "sha": short(r)}
            rows.append((_("Region file"), (Text(text),)))
        if prov.get("innomon"):
            rows.append((_("innomon version"), (Text(str(prov["innomon"])),)))
        if not rows:
            return None
        return Table(
            "provenance",
            _("Provenance"),
            (_("Value"),),
            tuple(rows),
            _(
                "The build's checksum covers these files and the version of innomon; the "
                "SHA-256 checksums are shortened to their first 12 characters."
            ),
        )

    def strata_title(self, dim: str) -> str:
        return {
            "province": _("Province"),
            "size_class": _("Size class"),
            "section_group": _("Sector"),
        }[dim]

    def weighting_table(self) -> Table:
        w = self.build.weighting or {}
        d = w.get("diagnostics") or {}
        bid = self.build.pk
        rows: list[tuple[str, tuple[Cell, ...]]] = []
        method = {"raking": _("raking")}.get(str(w.get("method")), str(w.get("method") or ""))
        margins = ", ".join(
            {
                "province": _("province"),
                "size_class": _("size class"),
                "section_group": _("sector group"),
            }.get(m, m)
            for m in w.get("margins", [])
        )
        rows.append((_("Method"), (Text(f"{method} ({margins})"),)))
        if _finite(w.get("frame_year")):
            rows.append((_("Population frame of"), (Text(str(w["frame_year"])),)))
        for key, label, decimals in (("population", _("Population (SMEs in the frame)"), 0),):
            if _finite(w.get(key)):
                rows.append((label, (self.num(w[key], f"weighting|{bid}|{key}", decimals),)))
        for key, label, decimals in (
            ("n", _("Respondents weighted"), 0),
            ("kish_n_eff", _("Effective sample size (Kish)"), 0),
            ("deff_weighting", _("Design effect of the weighting"), 2),
            ("minimum", _("Smallest weight"), 1),
            ("median", _("Median weight"), 1),
            ("maximum", _("Largest weight"), 1),
            ("max_min_ratio", _("Largest / smallest weight"), 1),
        ):
            if _finite(d.get(key)):
                rows.append(
                    (label, (self.num(d[key], f"weighting|{bid}|diagnostics.{key}", decimals),))
                )
        converged = w.get("converged")
        if converged is not None:
            rows.append(
                (
                    _("Raking converged"),
                    (Text(_("yes") if converged else _("no")),),
                )
            )
        collapsed = w.get("collapsed") or {}
        if collapsed:
            rows.append((_("Merged empty cells"), (Text(str(collapsed)),)))
        return Table(
            "weighting",
            _("The weighting and its diagnostics"),
            (_("Value"),),
            tuple(rows),
            _(
                "The weights make the respondents add up to the frame's counts by province, "
                "size class and sector group. The design effect of the weighting (Kish) shows "
                "how much the unequal weights widen the confidence intervals."
            ),
        )

    def panel_table(self) -> Table:
        rows = []
        for other, both in panel_overlap(self.wave):
            rows.append(
                (
                    str(other.year),
                    (self.count(both, f"panel|{self.wave.pk}|{other.pk}"),),
                )
            )
        return Table(
            "panel",
            _("Panel overlap"),
            (_("Firms that also responded then"),),
            tuple(rows),
            _("Firms with complete responses in both waves, matched by KvK number.")
            if rows
            else _("This is the first wave: no panel overlap yet."),
        )

    def innovation(self, spec: ChapterSpec) -> Chapter | None:
        shares = [(self.ind_name(i), i, "", "") for i in self.chapter_indicators(spec, "shares")]
        turnover = [
            (self.ind_name(i), i, "", "") for i in self.chapter_indicators(spec, "turnover")
        ]
        if not shares and not turnover:
            return None
        title = _("Innovation activities, investments and performance")
        if not any(self.asked(k[1]) for k in (*shares, *turnover)):
            blocks: list[Block] = [Paragraph((self.none_asked(title),))]
        else:
            blocks = [
                *self.indicator_section(
                    "activities", _("Innovation activities and investment"), shares, "%"
                ),
                *self.indicator_section(
                    "performance",
                    _("Innovation performance and spending, as % of turnover"),
                    turnover,
                    "% of turnover",
                ),
            ]
        return Chapter("innovation", title, tuple(blocks), _("Innovation"))

    def flag_counts(self) -> dict[str, int]:
        """Responding firms with each typology flag: from the classes' ``flags`` (any ids of
        typology.yaml), or in a build made before they were stored the columns of the three
        flags the shipped typology had."""
        assert self.typology is not None
        ids = [f.id for f in self.typology.flags]
        classes = self.build.firm_classes
        if any(f.name == "flags" for f in FirmClass._meta.get_fields()):
            stored = [f for f in classes.values_list("flags", flat=True) if isinstance(f, dict)]
            if any(stored):
                counts = Counter(k for f in stored for k, v in f.items() if v is True)
                return {i: counts.get(i, 0) for i in ids}
        columns = [i for i in ids if i in ("top", "frugal", "micro_veteran")]
        return classes.aggregate(**{i: Count("id", filter=Q(**{i: True})) for i in columns})

    def top_indicators(self, spec: ChapterSpec) -> list[str]:
        """The chapter's ``indicators``, else the catalogue's shares over the complementarity
        role's top-innovator variable."""
        chosen = self.chapter_indicators(spec)
        if chosen or self.defn.complementarity is None or not self.defn.complementarity.top:
            return chosen
        top = self.defn.complementarity.top
        return [i.id for i in self.catalogue.values() if i.kind == "share" and i.variable == top]

    def typology_chapter(self, spec: ChapterSpec) -> Chapter | None:
        if self.typology is None:
            return None
        counts = Counter(self.build.firm_classes.values_list("level", flat=True))
        flags = self.flag_counts()
        bid = self.build.pk
        levels = sorted(self.typology.levels, key=_score, reverse=True)
        data = []
        rows = []
        for level in levels:
            name = localized(level, "name", self.lang)
            definition = localized(level, "definition", self.lang)
            n = counts.get(level.score, 0)
            num = self.count(n, f"classes|{bid}|level|{level.score}")
            data.append({"label": name, "count": n, "text": num.text, "score": level.score})
            rows.append((name, (num, Text(definition))))
        undecided = counts.get(None, 0)
        rows.append(
            (
                _("not decided (answers missing)"),
                (self.count(undecided, f"classes|{bid}|level|none"), Text("")),
            )
        )
        shares = [
            (
                localized(level, "name", self.lang),
                "ladder_share",
                "ladder_level",
                f"{level.score:g}",
            )
            for level in levels
        ]
        weighted = all(self.est(*key[1:]) is not None for key in shares)
        chart: Chart | None
        if weighted:  # the build's weighted shares (older builds have only the counts)
            title = _("The innovation pyramid: share of the region's SMEs per level")
            chart = self.bar_chart(
                "pyramid",
                title,
                shares,
                "%",
                _("Share among the firms whose level could be decided; top level first."),
            )
        else:
            title = _("The innovation pyramid: responding firms per level")
            alt = (
                _("Pyramid chart: %(title)s.") % {"title": title}
                + " "
                + "; ".join(f"{d['label']}: {d['text']}" for d in data)
            )
            chart = Chart(
                "pyramid",
                title,
                _(
                    "Responding firms (unweighted counts), %(region)s, %(year)s. The levels are "
                    "the typology's rules applied to each firm's answers."
                )
                % {"region": self.region_name, "year": self.wave.year},
                alt,
                charts.pyramid_chart(data, title, alt, _("responding firms"), self.lang),
            )
        flag_rows = []
        for flag in self.typology.flags:
            name = localized(flag, "name", self.lang)
            n = flags.get(flag.id)
            if n is not None:
                flag_rows.append((name, (self.count(n, f"classes|{bid}|flag|{flag.id}"),)))
        blocks: list[Block] = [
            Paragraph(
                (
                    _(
                        "The monitor sorts firms on an innovation ladder: from firms without "
                        "innovation to top innovators, who earn a large share of their turnover "
                        "from products new to their market."
                    ),
                )
            ),
            *([chart] if chart is not None else []),
            *(
                [
                    self.estimate_table(
                        "ladder-estimates",
                        _("SMEs per level of the innovation ladder"),
                        shares,
                        _("Share among the firms whose level could be decided."),
                    )
                ]
                if weighted
                else []
            ),
            Table(
                "ladder",
                _("Responding firms per level of the innovation ladder"),
                (_("Responding firms"), _("Definition")),
                tuple(rows),
                _("Counts of responding firms, not population estimates."),
            ),
            Table(
                "flags",
                _("Responding firms with a typology flag"),
                (_("Responding firms"),),
                tuple(flag_rows),
                _("Counts of responding firms, not population estimates."),
            ),
        ]
        top = self.top_indicators(spec)
        if top:
            blocks.append(
                self.estimate_table(
                    "top-estimate",
                    _("Top innovators among all SMEs"),
                    [(self.ind_name(i), i, "", "") for i in top],
                )
            )
        return Chapter(
            "typology", _("The typology and the innovation pyramid"), tuple(blocks), _("Typology")
        )

    def collaboration(self, spec: ChapterSpec) -> Chapter | None:
        title = _("Participation in collaboration initiatives")
        by_type = [(self.ind_name(i), i, "", "") for i in self.chapter_indicators(spec)]
        blocks: list[Block] = self.indicator_section("participation", title, by_type, "%")
        blocks += self.participation_by_level_blocks()
        blocks += self.complementarity_blocks()
        if not blocks:
            return None  # neither participation nor complementarity: not part of this monitor
        return Chapter(
            "collaboration", _("Collaboration initiatives"), tuple(blocks), _("Collaboration")
        )

    def participation_by_level_blocks(self) -> list[Block]:
        """Participation, and each initiative type of the participation role, per level of the
        innovation ladder (as far as the build estimated them)."""
        role = self.defn.participation
        if role is None or self.typology is None:
            return []
        levels = self.domain_values("ladder_level")
        by_level = [
            (self.value_label("ladder_level", v), "participation_by_level", "ladder_level", v)
            for v in levels
        ]
        blocks: list[Block] = []
        if any(self.est(*k[1:]) for k in by_level):
            blocks += self.indicator_section(
                "participation-by-level",
                _("Participation per level of the innovation ladder"),
                by_level,
                "%",
                _("Share of the SMEs at each level that take part in at least one initiative."),
            )
        grouped = []
        keys = []
        type_names = self.type_names()
        for kind, var in role.types:
            ind = f"{var}_by_level"
            if not any(self.est(ind, "ladder_level", v) for v in levels):
                continue  # not estimated in this build (e.g. not asked)
            share = next(
                (i.id for i in self.catalogue.values() if i.kind == "share" and i.variable == var),
                None,
            )
            name = self.ind_name(share) if share else type_names.get(kind, kind)
            for v in levels:
                label = self.value_label("ladder_level", v)
                e = self.est(ind, "ladder_level", v)
                grouped.append(self.chart_row(e, label, group=type_names.get(kind, kind)))
                keys.append((f"{name} — {label}", ind, "ladder_level", v))
        if grouped:
            title = _("Type of initiative per level of the innovation ladder")
            alt = self.alt_text(title, grouped, "%")
            blocks.append(
                Chart(
                    "types-by-level",
                    title,
                    self.caption(),
                    alt,
                    charts.grouped_bar_chart(grouped, title, self.axis_title("%"), alt, self.lang),
                )
            )
            blocks.append(self.estimate_table("types-by-level-table", title, keys))
        return blocks

    def complementarity_sentence(self) -> Paragraph | None:
        comp = (self.build.summary or {}).get("complementarity") or {}
        bid = self.build.pk
        verdict = comp.get("verdict")
        if not verdict or not _finite(comp.get("delta_pp")):
            if comp.get("error"):
                return Paragraph(
                    (
                        _(
                            "The complementarity of collaboration and internal investment could "
                            "not be estimated for this wave."
                        ),
                    )
                )
            return None
        lead = {
            "complements": _(
                "Collaboration and internal investment in innovation are complements: firms "
                "that do both earn more of their turnover from new-to-market products than the "
                "two separate effects add up to."
            ),
            "substitutes": _(
                "Collaboration and internal investment in innovation are substitutes: doing "
                "both adds less than the two separate effects."
            ),
        }.get(
            verdict,
            _(
                "The data show no clear complementarity of collaboration and internal "
                "investment in innovation."
            ),
        )
        delta = self.num(comp["delta_pp"], f"summary|{bid}|complementarity.delta_pp", 1)
        parts: list[str | Num] = [lead, " "]
        if not (_finite(comp.get("ci_low")) and _finite(comp.get("ci_high"))):
            parts += sentence(
                _("The supermodularity contrast is %(delta)s percentage points."), delta=delta
            )
            return Paragraph(tuple(parts))
        low = self.num(comp["ci_low"], f"summary|{bid}|complementarity.ci_low", 1)
        high = self.num(comp["ci_high"], f"summary|{bid}|complementarity.ci_high", 1)
        key = "p_less" if verdict == "substitutes" else "p_greater"
        p = comp.get(key)
        if not _finite(p):
            parts += sentence(
                _(
                    "The supermodularity contrast is %(delta)s percentage points (95%% CI "
                    "%(low)s to %(high)s)."
                ),
                delta=delta,
                low=low,
                high=high,
            )
        elif p < 0.001:
            parts += sentence(
                _(
                    "The supermodularity contrast is %(delta)s percentage points (95%% CI "
                    "%(low)s to %(high)s; one-sided p < %(p)s)."
                ),
                delta=delta,
                low=low,
                high=high,
                p=self.num(0.001, "const|0.001", 3),
            )
        else:
            parts += sentence(
                _(
                    "The supermodularity contrast is %(delta)s percentage points (95%% CI "
                    "%(low)s to %(high)s; one-sided p = %(p)s)."
                ),
                delta=delta,
                low=low,
                high=high,
                p=self.num(p, f"summary|{bid}|complementarity.{key}", 3),
            )
        return Paragraph(tuple(parts))

    def complementarity_blocks(self) -> list[Block]:
        """The complementarity analysis, when the monitor has its roles and the build made it."""
        keys = [
            (self.value_label("strategy", s), "strategy_ntm_turnover_share", "strategy", s)
            for s in STRATEGY_ORDER
        ]
        estimated = any(self.est(i, d, v) for _l, i, d, v in keys)
        if self.defn.complementarity is None or not (
            estimated or self.summary.get("complementarity")
        ):
            return []
        blocks: list[Block] = [Heading(_("Complementarity of collaboration and investment"))]
        if estimated:
            chart = self.bar_chart(
                "strategies",
                _("Turnover from new-to-market products by strategy"),
                keys,
                "% of turnover",
                _(
                    "Strategies: internal investment in innovation and/or participation in a "
                    "collaboration initiative."
                ),
            )
            if chart is not None:
                blocks.append(chart)
            rows = []
            for s in STRATEGY_ORDER:
                a = self.est_cells(self.est("strategy_ntm_turnover_share", "strategy", s))
                t = self.est_cells(self.est("strategy_top_innovators", "strategy", s))
                rows.append((self.value_label("strategy", s), (a[0], a[1], t[0], t[1], a[2])))
            blocks.append(
                Table(
                    "strategies-table",
                    _("Performance by strategy"),
                    (
                        _("% of turnover new to the market"),
                        _("95% confidence interval"),
                        _("Top innovators (%)"),
                        _("95% confidence interval"),
                        "n",
                    ),
                    tuple(rows),
                )
            )
        finding = self.complementarity_sentence()
        if finding:
            blocks.append(finding)
        e = self.est("top_innovators_without_collaboration")
        if e is not None and not e.suppressed and _finite(e.estimate):
            blocks.append(
                Paragraph(
                    sentence(
                        _(
                            "Of the top innovators, %(share)s reach the top without any "
                            "collaboration initiative (95%% CI %(low)s–%(high)s; n = %(n)s)."
                        ),
                        share=self.est_num(e, "estimate"),
                        low=self.est_num(e, "ci_low"),
                        high=self.est_num(e, "ci_high"),
                        n=self.count(e.n, self.est_ref(e, "n")),
                    )
                )
            )
        return blocks

    def map_indicator_of(self, spec: ChapterSpec) -> str | None:
        """The indicator of the maps: the command line's, else the chapter's ``map``, else
        the participation role's share."""
        if self.map_indicator is not None:
            return self.map_indicator
        chosen = self.chapter_indicators(spec, "map")
        return chosen[0] if chosen else self.participation_indicator()

    def regional(self, spec: ChapterSpec) -> Chapter | None:
        ind = self.map_indicator_of(spec)
        province_domain = self.region_domain("province")
        corop_domain = self.region_domain("corop")
        levels = [
            (level, dom)
            for level, dom in (("province", province_domain), ("corop", corop_domain))
            if dom is not None
        ]
        with_initiatives = self.defn.participation is not None
        if not levels and not with_initiatives:
            return None  # the monitor reports no regional domain
        mapped = ind is not None and self.asked(ind) and bool(levels)
        name = self.ind_name(ind) if ind else ""
        unit, _scale = self.unit_of(ind) if ind else ("%", 1.0)
        blocks: list[Block] = []
        if ind is not None and not self.asked(ind):
            blocks.append(Paragraph((self.none_asked(name),)))
        corop_rows = []
        for c in self.region.corops:
            e = self.est(ind, corop_domain, c.code) if mapped and corop_domain else None
            row = self.chart_row(e, localized(c, "name", self.lang))
            row.update(code=c.code, row=c.tile_row, col=c.tile_col, province=c.province_code)
            corop_rows.append(row)
        province_rows = []
        for p in self.region.provinces:
            e = self.est(ind, province_domain, p.code) if mapped and province_domain else None
            row = self.chart_row(e, localized(p, "name", self.lang))
            row.update(code=p.code)
            province_rows.append(row)
        legend = self.axis_title(unit)
        geo = self.geometry
        source = (
            geo.attribution
            if geo is not None
            else _("Schematic tile map: one tile per COROP region in its geographic arrangement.")
        )
        rows_of = {"province": province_rows, "corop": corop_rows}
        for level, _dom in levels if mapped else ():
            rows = rows_of[level]
            title = (
                _("%(indicator)s by province")
                if level == "province"
                else _("%(indicator)s by COROP region")
            ) % {"indicator": name}
            alt = self.map_alt(title, rows)
            if geo is not None and geo.has(level):
                spec_ = charts.geo_choropleth(
                    geo.features(level), rows, title, legend, alt, geo.planar, self.lang
                )
            else:
                spec_ = charts.tile_choropleth(
                    self.tile_rows(level, rows), title, legend, alt, self.lang
                )
            caption = _(
                "Population: %(population)s. Colour: the weighted estimate; its 95%% confidence "
                "interval and n are in the table below. %(source)s"
            ) % {"population": self.population_text, "source": source}
            blocks.append(Chart(f"map-{level}", title, caption, alt, spec_))
        if with_initiatives:
            blocks.append(self.initiatives_map(corop_rows, source))
        if mapped:
            assert ind is not None
            keys = [
                (self.value_label(dom, item.code), ind, dom, item.code)
                for level, dom in levels
                for item in (self.region.provinces if level == "province" else self.region.corops)
            ]
            title = _("%(indicator)s by province and COROP region") % {"indicator": name}
            chart = self.bar_chart(f"{ind}-by-region", title, keys, unit)
            if chart is not None:
                blocks.append(chart)
            blocks.append(self.estimate_table("regional-table", title, keys))
        return Chapter("regional", _("The regional picture"), tuple(blocks), _("Regions"))

    def initiatives_map(self, corop_rows: list[dict[str, Any]], source: str) -> Chart:
        """The registry's initiatives as markers by type and COROP region."""
        geo = self.geometry
        # initiatives as markers by type
        counts = initiative_counts(self.wave)
        type_names = self.type_names()
        marks = []
        for c in self.region.corops:
            for t, tname in type_names.items():
                n = counts.get((c.code, t), 0)
                if n:
                    marks.append(
                        {
                            "code": c.code,
                            "label": localized(c, "name", self.lang),
                            "row": c.tile_row,
                            "col": c.tile_col,
                            "type": tname,
                            "type_id": t,
                            "count": n,
                            "text": format_number(n, self.lang),
                        }
                    )
        title = _("Collaboration initiatives by type and COROP region")
        total = sum(m["count"] for m in marks)
        alt = _(
            "Map: %(count)s collaboration initiatives as markers by type in the COROP regions."
        ) % {"count": total}
        if geo is not None and geo.has("corop"):
            spec = charts.geo_markers(
                geo.features("corop"), geo.centroids("corop"), marks, title, alt, geo.planar
            )
        else:
            spec = charts.tile_markers(self.tile_rows("corop", corop_rows), marks, title, alt)
        return Chart(
            "map-initiatives",
            title,
            _(
                "Population: the collaboration initiatives in the registry of %(region)s, "
                "%(year)s, placed by the municipality of their location. %(source)s"
            )
            % {"region": self.region_name, "year": self.wave.year, "source": source},
            alt,
            spec,
        )

    def type_names(self) -> dict[str, str]:
        """The names of the registry's initiative types (``Initiative.type``)."""
        return {
            "network": _("innovation network"),
            "test_environment": _("test environment"),
            "incubator": _("incubator"),
        }

    def tile_rows(self, level: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows of the tile map: one tile per COROP region; for provinces every tile carries
        its province's value and the province name is printed on one of its tiles."""
        if level == "corop":
            return rows
        by_code = {r["code"]: r for r in rows}
        out = []
        for p in self.region.provinces:
            first = min(p.corops, key=lambda c: (c.tile_row, c.tile_col))
            for c in p.corops:
                r = dict(by_code[p.code])
                r.update(row=c.tile_row, col=c.tile_col, tile=c.code)
                if c is not first:
                    r["label"] = ""
                    r["text"] = ""
                out.append(r)
        return out

    def map_alt(self, title: str, rows: list[dict[str, Any]]) -> str:
        return (
            _("Map: %(title)s.") % {"title": title}
            + " "
            + "; ".join(f"{r['label']}: {r['text']}" for r in rows)
        )

    def trends(self, spec: ChapterSpec) -> Chapter | None:
        shown = self.chapter_indicators(spec)
        if not shown:
            return None
        builds = [
            (w, latest_build(w))
            for w in Wave.objects.filter(
                region=self.wave.region, year__lte=self.wave.year
            ).order_by("year")
        ]
        builds = [(w, b) for w, b in builds if b is not None]
        data = []
        ests = {
            (e.build_id, e.indicator): e
            for e in BuildEstimate.objects.filter(
                build__in=[b for _w, b in builds], domain="", indicator__in=shown
            )
        }
        unasked = {b.pk: set((b.summary or {}).get("not_asked") or ()) for _w, b in builds}
        table_rows: list[tuple[str, tuple[Cell, ...]]] = []
        for ind in shown:
            # a wave that did not ask the indicator breaks its line: no trend across it
            segment = 0
            for w, b in builds:
                label = f"{self.ind_name(ind)} — {w.year}"
                if ind in unasked[b.pk]:
                    segment += 1
                    text = _("not asked in %(year)s") % {"year": w.year}
                    table_rows.append((label, (NotAsked(text),)))
                    continue
                e = ests.get((b.pk, ind))
                data.append(
                    self.chart_row(e, self.ind_name(ind), year=w.year, segment=f"{ind}#{segment}")
                )
                table_rows.append((label, self.est_cells(e)))
        title = _("Trends over the waves")
        alt = _("Line chart: %(title)s, %(first)s–%(last)s, for %(names)s.") % {
            "title": title,
            "first": builds[0][0].year if builds else self.wave.year,
            "last": self.wave.year,
            "names": ", ".join(self.ind_name(i) for i in shown),
        }
        blocks: list[Block] = [
            Chart(
                "trends",
                title,
                _(
                    "Population: SMEs in %(region)s, %(first)s–%(last)s, each wave weighted to "
                    "its own frame; latest build of each wave; 95%% confidence intervals."
                )
                % {
                    "region": self.region_name,
                    "first": builds[0][0].year if builds else self.wave.year,
                    "last": self.wave.year,
                },
                alt,
                charts.trend_chart(data, title, self.axis_title("%"), alt, self.lang),
            ),
            Table("trends-table", title, self.est_columns(), tuple(table_rows)),
        ]
        trend = self.summary.get("trends") or {}
        changes = trend.get("changes") or []
        before = next(
            (
                b
                for w, b in builds
                if b.pk == trend.get("previous_build")
                or ("previous_build" not in trend and w.year == trend.get("previous_year"))
            ),
            None,
        )
        # an indicator either wave did not ask has no change (a build made before "not
        # asked" was recorded may hold a placeholder for it)
        skip = self.not_asked | (unasked.get(before.pk, set()) if before is not None else set())
        if changes:
            bid = self.build.pk
            rows = []
            for i, c in enumerate(changes):
                if c.get("indicator") in skip:
                    continue
                if c.get("indicator") not in self.catalogue or not all(
                    _finite(c.get(k)) for k in ("difference", "ci_low", "ci_high")
                ):
                    continue
                ref = f"summary|{bid}|trends.changes.{i}"
                dec = 2 if self.catalogue[c["indicator"]].unit == "count" else 1
                p = c.get("p_value")
                rows.append(
                    (
                        self.ind_name(c["indicator"]),
                        (
                            self.num(c["difference"], f"{ref}.difference", dec),
                            Range(
                                self.num(c["ci_low"], f"{ref}.ci_low", dec),
                                self.num(c["ci_high"], f"{ref}.ci_high", dec),
                            ),
                            self.num(p, f"{ref}.p_value", 3)
                            if _finite(p)
                            else Text(_("not available")),
                        ),
                    )
                )
            blocks.append(
                Table(
                    "changes",
                    _("Changes since %(year)s") % {"year": trend.get("previous_year")},
                    (_("Difference"), _("95% confidence interval"), "p"),
                    tuple(rows),
                    _(
                        "Difference between this wave's estimate and the previous wave's (in "
                        "percentage points for percentages), with a conservative test that "
                        "treats the two waves as independent samples."
                    ),
                )
            )
        moves = trend.get("transitions") or {}
        # the panel is the panel table's number (one definition, survey.panel.panel_firms);
        # the moves are those of its firms with a ladder level in both builds
        previous = [
            (other, both)
            for other, both in panel_overlap(self.wave)
            if other.year == trend.get("previous_year")
        ]
        if moves and previous and previous[0][1]:
            other, both = previous[0]
            ref = f"summary|{self.build.pk}|trends.transitions"
            placed = moves.get("placed", moves.get("panel_firms"))
            values = {
                "panel": self.count(both, f"panel|{self.wave.pk}|{other.pk}"),
                "up": self.count(moves["moved_up"], f"{ref}.moved_up"),
                "down": self.count(moves["moved_down"], f"{ref}.moved_down"),
            }
            if placed == both:
                text = _(
                    "Of the %(panel)s firms that answered both waves, %(up)s moved up the "
                    "innovation ladder and %(down)s moved down."
                )
            else:
                text = _(
                    "Of the %(panel)s firms that answered both waves, %(placed)s could be "
                    "placed on the innovation ladder in both: %(up)s moved up and %(down)s "
                    "moved down."
                )
                # a build made before "placed" was stored counted the placed firms only
                key = "placed" if "placed" in moves else "panel_firms"
                values["placed"] = self.count(placed or 0, f"{ref}.{key}")
            blocks.append(Paragraph(sentence(text, **values)))
        return Chapter("trends", _("Trends over the waves"), tuple(blocks), _("Trends"))

    def annex(self, spec: ChapterSpec) -> Chapter:
        blocks: list[Block] = [
            Paragraph(
                (
                    _(
                        "Every indicator of the catalogue for the region and each domain, with "
                        "its definition. Two-way crosses are in the workbook."
                    ),
                )
            )
        ]
        for ind in self.catalogue.values():
            name = self.ind_name(ind.id)
            blocks.append(Heading(name))
            blocks.append(Paragraph((self.definition(ind),), note=True))
            if not self.asked(ind.id):
                blocks.append(Paragraph((self.not_asked_text,)))
                continue
            blocks.append(self.estimate_table(f"annex-{ind.id}", name, self.domain_keys(ind.id)))
        return Chapter("annex", _("Annex: every indicator"), tuple(blocks), _("Annex"))

    def domain_keys(self, indicator: str) -> list[tuple[str, str, str, str]]:
        """The region and every value of every single domain of the build, as table keys."""
        keys = [(self.domain_title(""), indicator, "", "")]
        for dom in self.domains:
            for v in self.domain_values(dom):
                keys.append(
                    (f"{self.domain_title(dom)}: {self.value_label(dom, v)}", indicator, dom, v)
                )
        return keys

    def question_keys(self, q: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, indicator) of a question's rows: one per choice of a select question, the
        mean of a number question."""
        name = q["name"]
        choices = q.get("choices") or ()
        if choices:
            return [
                (self.text_of(c) or str(c.get("code")), f"{QUESTION}{name}={c.get('code')}")
                for c in choices
            ]
        return [(_("Mean"), f"{QUESTION}{name}")]

    def questions_chapter(self, spec: ChapterSpec) -> Chapter | None:
        """Every question of the wave's questionnaire as a weighted table for the region; the
        tables by domain are in the workbook (sheet of this chapter)."""
        if not self.questions:
            return None  # a build made before questions were tabulated
        blocks: list[Block] = [
            Paragraph(
                (
                    _(
                        "Every question of the questionnaire of %(year)s, also those no "
                        "indicator uses: for a question with answer options the weighted "
                        "percentage of the SMEs that chose each option, among the SMEs that "
                        "answered the question (with several answers allowed the percentages "
                        "add up to more than 100); for a number the weighted mean. The same "
                        "tables by domain are in the workbook."
                    )
                    % {"year": self.wave.year},
                ),
                note=True,
            )
        ]
        for q in self.questions:
            title = self.text_of(q) or q["name"]
            keys = [(label, ind, "", "") for label, ind in self.question_keys(q)]
            if not any(self.est(ind) for _l, ind, _d, _v in keys):
                blocks.append(Heading(title))
                blocks.append(Paragraph((_("Not estimated in this build."),), note=True))
                continue
            blocks.append(
                self.estimate_table(
                    f"question-{q['name']}",
                    title,
                    keys,
                    note=_("Variable: %(name)s") % {"name": q["name"]},
                )
            )
        return Chapter("questions", _("Annex: all questions"), tuple(blocks), _("Questions"))

    def question_rows(self) -> list[dict[str, Any]]:
        """Every question's estimates in long form, region first, then each single domain."""
        out = []
        for q in self.questions:
            question_label = self.text_of(q) or q["name"]
            for label, ind in self.question_keys(q):
                code = ind.partition("=")[2]
                for domain in ("", *self.domains):
                    values = [""] if not domain else self.domain_values(domain)
                    for value in values:
                        e = self.est(ind, domain, value)
                        if e is None:
                            continue
                        ok = not e.suppressed and _finite(e.estimate)
                        out.append(
                            {
                                "year": self.wave.year,
                                "question": q["name"],
                                "label": f"{question_label}: {label}" if code else question_label,
                                "code": code,
                                "domain": self.domain_title(domain),
                                "value": self.value_label(domain, value) if domain else "",
                                "estimate": e.estimate if ok else None,
                                "ci_low": e.ci_low if ok and _finite(e.ci_low) else None,
                                "ci_high": e.ci_high if ok and _finite(e.ci_high) else None,
                                "n": e.n,
                                "suppressed": not ok,
                            }
                        )
        return out

    def definition(self, ind: Indicator) -> str:
        return localized(ind, "definition", self.lang)

    def definitions(self) -> list[Definition]:
        pops = {
            "all_smes": _("all SMEs"),
            "product_innovators": _("product innovators"),
            "innovators": _("innovative SMEs"),
            "participants": _("participants in initiatives"),
        }
        return [
            Definition(
                i.id,
                self.ind_name(i.id),
                self.definition(i),
                self.axis_title(i.unit),
                pops.get(i.population, i.population),
            )
            for i in self.catalogue.values()
        ]

    def long_rows(self, crosses: bool) -> list[dict[str, Any]]:
        """Every estimate of the indicators and the build's analyses in long form; the
        questions' tables have a sheet of their own (``question_rows``)."""
        qs = self.build.estimates.exclude(indicator__startswith="question:")
        qs = qs.filter(domain__contains="*") if crosses else qs.exclude(domain__contains="*")
        out = []
        for e in qs.order_by("indicator", "domain", "domain_value"):
            doms = e.domain.split("*") if e.domain else []
            vals = e.domain_value.split("*") if e.domain_value else []
            _unit, scale = self.unit_of(e.indicator)
            ok = not e.suppressed and _finite(e.estimate)
            out.append(
                {
                    "indicator": e.indicator,
                    "name": self.ind_name(e.indicator),
                    "domain": " × ".join(self.domain_title(d) for d in doms)
                    or self.domain_title(""),
                    "value": " × ".join(
                        self.value_label(d, v) for d, v in zip(doms, vals, strict=False)
                    ),
                    "estimate": e.estimate * scale if ok else None,
                    "ci_low": e.ci_low * scale if ok and _finite(e.ci_low) else None,
                    "ci_high": e.ci_high * scale if ok and _finite(e.ci_high) else None,
                    "n": e.n,
                    "suppressed": not ok,
                }
            )
        return out

    def build_report(self) -> Report:
        synthetic = self.wave.is_synthetic
        title = _("Innovation monitor %(region)s %(year)s") % {
            "region": self.region_name,
            "year": self.wave.year,
        }
        report = Report(
            lang=self.lang,
            title=title,
            subtitle=_("Annual overview report"),
            region_name=self.region_name,
            year=self.wave.year,
            synthetic=synthetic,
            synthetic_note=_("Synthetic demonstration data: these figures describe no real firms."),
            footer=_("%(title)s · build %(build)s of %(date)s")
            % {
                "title": title,
                "build": self.build.pk,
                "date": date_format(self.build.created_at, "j F Y"),
            },
            build_id=self.build.pk,
        )
        makers = {
            "key_figures": self.key_figures,
            "method": self.method,
            "innovation": self.innovation,
            "typology": self.typology_chapter,
            "collaboration": self.collaboration,
            "regional": self.regional,
            "trends": self.trends,
            "questions": self.questions_chapter,
            "annex": self.annex,
        }
        # the definition's chapters in its order; a chapter with nothing to show is left out
        chapters = [makers[spec.kind](spec) for spec in self.defn.chapters or DEFAULT_CHAPTERS]
        report.chapters = [c for c in chapters if c is not None]
        report.definitions = self.definitions()
        if self.with_rows:
            report.long_rows = self.long_rows(crosses=False)
            report.cross_rows = self.long_rows(crosses=True)
            report.question_rows = self.question_rows()
        report.labels = {
            "suppressed": self.suppressed_text,
            "contents": _("Contents"),
            "synthetic_short": _("Synthetic demonstration data."),
            "definitions": _("Definitions"),
            "indicator": _("Indicator"),
            "name": _("Name"),
            "definition": _("Definition"),
            "unit": _("Unit"),
            "population": _("Population"),
            "domain": _("Domain"),
            "value": _("Value"),
            "estimate": _("Estimate"),
            "ci_low": _("95% CI lower bound"),
            "ci_high": _("95% CI upper bound"),
            "status": _("Status"),
            "crosses": _("Two-way crosses"),
            "all_estimates": _("All estimates"),
            "cover": _("Cover"),
            "made_by": _(
                "Made by innomon from build %(build)s; every number is read from the stored build."
            )
            % {"build": self.build.pk},
            "language": _("Language"),
            "page": _("Page"),
            "wave": _("Wave"),
            "question": _("Question"),
            "label": _("Label"),
            "code": _("Code"),
            "not_asked": self.not_asked_text,
        }
        return report


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def sentence(text: str, **values: str | Num) -> tuple[str | Num, ...]:
    """A translated sentence with ``%(name)s`` placeholders as parts, the numbers in their
    place (so a translation may reorder them)."""
    parts: list[str | Num] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()].replace("%%", "%"))
        parts.append(values[m.group(1)])
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:].replace("%%", "%"))
    return tuple(parts)


def _score(level: Any) -> int:
    return int(level.score)


def build_content(
    build: Build,
    lang: str,
    region_data: RegionData,
    geometry: Any = None,
    map_indicator: str | None = DEFAULT_MAP_INDICATOR,
    with_rows: bool = True,
    definition: MonitorDefinition | None = None,
) -> Report:
    """The report of ``build`` in ``lang`` (call inside ``translation.override(lang)``), its
    chapters those of the monitor definition's report.yaml (default: the active definition);
    ``map_indicator``: the maps' indicator (None: the regional chapter's ``map``);
    ``with_rows``: also every estimate in long form (for the workbook)."""
    return _Builder(
        build, lang, region_data, geometry, map_indicator, with_rows, definition
    ).build_report()
