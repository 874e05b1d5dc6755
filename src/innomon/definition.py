"""The monitor definition: the files that say what a monitor measures, read into frozen records.

A monitor definition is a directory (docs/monitor-definition.md):

- ``monitor.yaml`` — names, parameters, bootstrap replicates, disclosure rule, reporting domains
  (groupings and classes of questionnaire variables) and the roles of the analyses;
- ``indicators.yaml`` — the indicator catalogue; ``typology.yaml`` — the innovation pyramid and
  flags; ``passport.yaml`` and ``instruments.yaml`` — the Innovation Passport and the subsidy
  barometer; ``report.yaml`` — the annual report's chapters;
- ``questionnaire.xlsx`` (optional) — the workbook a new wave starts from.

The packaged definition of the Northern Netherlands monitor is ``innomon/monitors/noord-nederland``;
``INNOMON_MONITOR`` names another directory. Every file refers to questionnaire variables by name;
``check_definition`` holds the references to a wave's questionnaire, and ``coverage`` tells which
indicators a questionnaire can feed. Every problem is one line naming the file and the entry.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # imported when used: the records pull in numpy (a command that needs only
    # the settings, e.g. `innomon estimate`, should not pay for them)
    from innomon.analysis.indicators import Indicator
    from innomon.analysis.typology import TypologyRules
    from innomon.instrument.model import Instrument

DEFAULT_MONITOR = "noord-nederland"
FILES = (
    "monitor.yaml",
    "indicators.yaml",
    "typology.yaml",
    "passport.yaml",
    "instruments.yaml",
    "report.yaml",
)
QUESTIONNAIRE = "questionnaire.xlsx"
LABEL_SOURCES = ("region", "size_classes")
CHAPTER_KINDS = (
    "key_figures",
    "method",
    "innovation",
    "typology",
    "collaboration",
    "regional",
    "trends",
    "questions",
    "annex",
)
# The chapter options that name indicators of indicators.yaml.
INDICATOR_OPTIONS = ("indicators", "shares", "turnover", "map")
# Variables every build has without the questionnaire: what the typology makes of a firm.
TYPOLOGY_VARIABLES = ("ladder_level",)


class DefinitionError(ValueError):
    """A monitor definition is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    source: str


@dataclass(frozen=True)
class Group:
    """A group of a domain: the values of the domain's variable it collects."""

    code: str
    name_nl: str
    name_en: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class DomainClass:
    """A class of a numeric domain variable: ``low`` ≤ x < ``high`` (no upper bound if None)."""

    code: str
    name_nl: str
    name_en: str
    low: float
    high: float | None


@dataclass(frozen=True)
class Domain:
    """A reporting domain: a questionnaire variable as it is (value names from ``labels``),
    grouped (``groups``) or cut into classes (``classes``)."""

    id: str
    name_nl: str
    name_en: str
    variable: str
    labels: str | None = None
    groups: tuple[Group, ...] = ()
    classes: tuple[DomainClass, ...] = ()

    def value_name(self, code: str, lang: str) -> str | None:
        """The name of a value of the domain from its groups or classes (None: not defined here)."""
        for item in (*self.groups, *self.classes):
            if item.code == code:
                return item.name_en if lang == "en" else item.name_nl
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        """The values in their natural order, where the definition gives one."""
        return tuple(item.code for item in (*self.groups, *self.classes))


@dataclass(frozen=True)
class ComplementarityRoles:
    investment: str
    collaboration: str
    outcome: str
    top: str | None
    controls: tuple[str, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(v for v in (self.investment, self.collaboration, self.outcome, self.top) if v)


@dataclass(frozen=True)
class ParticipationRoles:
    participant: str
    count: str | None
    types: tuple[tuple[str, str], ...]  # (initiative type, 0/1 variable)

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(v for v in (self.participant, self.count, *(v for _, v in self.types)) if v)


@dataclass(frozen=True)
class Chapter:
    """A chapter of the report: its kind and options (indicator ids by option name)."""

    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def indicators(self, option: str = "indicators") -> tuple[str, ...]:
        value = self.options.get(option) or ()
        return tuple(value) if isinstance(value, list | tuple) else (str(value),)


@dataclass(frozen=True)
class MonitorDefinition:
    """A loaded monitor definition (see the module docstring)."""

    code: str
    where: str
    name_nl: str
    name_en: str
    region: str | None
    parameters: tuple[Parameter, ...]
    replicates: int
    min_publish_n: int
    dominance_n: int
    dominance_k: float
    domains: tuple[Domain, ...]
    complementarity: ComplementarityRoles | None
    participation: ParticipationRoles | None
    indicators: tuple[Indicator, ...]
    typology: TypologyRules | None
    chapters: tuple[Chapter, ...]
    texts: Mapping[str, str]  # file name → text, for the checksum
    questionnaire: Path | None  # the workbook a new wave starts from
    directory: Path | None = None  # None: the packaged definition

    @property
    def sha256(self) -> str:
        """One checksum over every file of the definition."""
        digest = hashlib.sha256()
        for name in sorted(self.texts):
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update(self.texts[name].encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def parameter(self, name: str) -> float:
        for p in self.parameters:
            if p.name == name:
                return p.value
        raise KeyError(f"{self.where}/monitor.yaml has no parameter '{name}'")

    def parameter_values(self) -> dict[str, float]:
        return {p.name: p.value for p in self.parameters}

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    @property
    def domain_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.domains)

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(indicator_id)

    def chapter(self, kind: str) -> Chapter | None:
        return next((c for c in self.chapters if c.kind == kind), None)

    def disclosure_rule(self) -> Any:
        from innomon.stats.disclosure import DisclosureRule

        return DisclosureRule(self.min_publish_n, self.dominance_n, self.dominance_k)

    def read(self, name: str) -> tuple[str, Any]:
        """One of the definition's YAML files, parsed: (where, data)."""
        where = f"{self.where}/{name}"
        text = self.texts.get(name)
        if text is None:
            raise DefinitionError(f"{where}: the file is missing")
        return where, _parse(text, where)


# ------------------------------------------------------------------------------ reading


def _parse(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{where}: not valid YAML ({' '.join(str(exc).split())})") from exc


def _names(entry: Any, where: str) -> tuple[str, str]:
    value = entry.get("name") if isinstance(entry, dict) else None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("nl", "en")
    ):
        raise DefinitionError(f"{where}: 'name' needs a non-empty 'nl' and 'en' text")
    return value["nl"].strip(), value["en"].strip()


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DefinitionError(f"{where}: {value!r} is not a number")
    return float(value)


def _variable(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip().isidentifier():
        raise DefinitionError(f"{where}: {value!r} is not a variable name")
    return value.strip()


def _parameters(data: Any, where: str) -> tuple[Parameter, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: 'parameters' must map names to a value and a source")
    out = []
    for name, spec in data.items():
        here = f"{where}, parameter '{name}'"
        _variable(name, here)
        if not isinstance(spec, dict) or "value" not in spec or not spec.get("source"):
            raise DefinitionError(f"{here}: needs a 'value' and a 'source'")
        out.append(Parameter(str(name), _number(spec["value"], here), str(spec["source"]).strip()))
    return tuple(out)


def _domains(data: Any, where: str) -> tuple[Domain, ...]:
    if not isinstance(data, list) or not data:
        raise DefinitionError(f"{where}: 'domains' must be a non-empty list")
    out: list[Domain] = []
    for entry in data:
        if not isinstance(entry, dict) or not entry.get("id"):
            raise DefinitionError(f"{where}: every domain needs an 'id'")
        here = f"{where}, domain '{entry['id']}'"
        name_nl, name_en = _names(entry, here)
        kinds = [k for k in ("labels", "groups", "classes") if entry.get(k) is not None]
        if len(kinds) > 1:
            raise DefinitionError(f"{here}: give one of 'labels', 'groups' or 'classes'")
        labels = entry.get("labels")
        if labels is not None and labels not in LABEL_SOURCES:
            raise DefinitionError(f"{here}: labels must be one of {', '.join(LABEL_SOURCES)}")
        groups = []
        for g in entry.get("groups") or ():
            if (
                not isinstance(g, dict)
                or not g.get("code")
                or not isinstance(g.get("values"), list)
            ):
                raise DefinitionError(f"{here}: every group needs a 'code' and a list 'values'")
            g_nl, g_en = _names(g, f"{here}, group '{g['code']}'")
            groups.append(Group(str(g["code"]), g_nl, g_en, tuple(str(v) for v in g["values"])))
        seen: dict[str, str] = {}
        for g in groups:
            for v in g.values:
                if v in seen:
                    raise DefinitionError(
                        f"{here}: the value '{v}' is in both group '{seen[v]}' and '{g.code}'"
                    )
                seen[v] = g.code
        classes = []
        for c in entry.get("classes") or ():
            if not isinstance(c, dict) or not c.get("code") or "low" not in c:
                raise DefinitionError(f"{here}: every class needs a 'code' and a 'low'")
            c_here = f"{here}, class '{c['code']}'"
            c_nl, c_en = _names(c, c_here)
            high = c.get("high")
            classes.append(
                DomainClass(
                    str(c["code"]),
                    c_nl,
                    c_en,
                    _number(c["low"], c_here),
                    None if high is None else _number(high, c_here),
                )
            )
        for a, b in itertools.pairwise(classes):
            if a.high is None or a.high != b.low:
                raise DefinitionError(
                    f"{here}: class '{b.code}' must start where '{a.code}' ends ({a.high})"
                )
        out.append(
            Domain(
                str(entry["id"]),
                name_nl,
                name_en,
                _variable(entry.get("variable"), f"{here}, variable"),
                labels,
                tuple(groups),
                tuple(classes),
            )
        )
    ids = [d.id for d in out]
    for d in ids:
        if ids.count(d) > 1:
            raise DefinitionError(f"{where}: the domain '{d}' appears twice")
    return tuple(out)


def _roles(data: Any, domains: Sequence[str], where: str) -> tuple[Any, Any]:
    data = data or {}
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: 'roles' must be a mapping")
    comp = part = None
    c = data.get("complementarity")
    if c is not None:
        here = f"{where}, roles.complementarity"
        if not isinstance(c, dict):
            raise DefinitionError(f"{here}: expected investment, collaboration, outcome, top")
        controls = tuple(str(x) for x in c.get("controls") or ())
        for control in controls:
            if control not in domains:
                raise DefinitionError(f"{here}: control '{control}' is not a domain")
        comp = ComplementarityRoles(
            _variable(c.get("investment"), f"{here}, investment"),
            _variable(c.get("collaboration"), f"{here}, collaboration"),
            _variable(c.get("outcome"), f"{here}, outcome"),
            None if c.get("top") is None else _variable(c.get("top"), f"{here}, top"),
            controls,
        )
    p = data.get("participation")
    if p is not None:
        here = f"{where}, roles.participation"
        if not isinstance(p, dict) or not isinstance(p.get("types") or {}, dict):
            raise DefinitionError(f"{here}: expected participant, count and types")
        part = ParticipationRoles(
            _variable(p.get("participant"), f"{here}, participant"),
            None if p.get("count") is None else _variable(p.get("count"), f"{here}, count"),
            tuple(
                (str(t), _variable(v, f"{here}, types.{t}"))
                for t, v in (p.get("types") or {}).items()
            ),
        )
    unknown = set(data) - {"complementarity", "participation"}
    if unknown:
        raise DefinitionError(f"{where}: unknown role '{sorted(unknown)[0]}'")
    return comp, part


def _chapters(data: Any, indicator_ids: set[str], where: str) -> tuple[Chapter, ...]:
    entries = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DefinitionError(f"{where}: expected a non-empty list 'chapters'")
    out = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or entry.get("kind") not in CHAPTER_KINDS:
            raise DefinitionError(
                f"{where}, chapter {i}: 'kind' must be one of {', '.join(CHAPTER_KINDS)}"
            )
        options = {k: v for k, v in entry.items() if k != "kind"}
        chapter = Chapter(str(entry["kind"]), options)
        for option in options:
            if option not in INDICATOR_OPTIONS:
                continue
            for ind in chapter.indicators(option):
                if ind not in indicator_ids:
                    raise DefinitionError(
                        f"{where}, chapter {i} ({chapter.kind}), {option}: indicator '{ind}' is "
                        "not in indicators.yaml"
                    )
        out.append(chapter)
    return tuple(out)


def _packaged(code: str) -> Any:
    return resources.files("innomon").joinpath("monitors", code)


def _texts(directory: Any, where: str) -> dict[str, str]:
    out = {}
    for name in FILES:
        item = directory.joinpath(name)
        if item.is_file():
            out[name] = item.read_text(encoding="utf-8")
        elif name == "monitor.yaml":
            raise DefinitionError(f"{where}: no monitor.yaml here; is this a monitor definition?")
    return out


def monitor_path() -> str | None:
    """``INNOMON_MONITOR`` (a directory), or None for the packaged definition."""
    value = os.environ.get("INNOMON_MONITOR", "").strip()
    return value or None


def load_definition(path: str | Path | None = None) -> MonitorDefinition:
    """The monitor definition in ``path`` (default ``INNOMON_MONITOR``, else the packaged
    Northern Netherlands monitor). Read once per process and path."""
    if path is None:
        path = monitor_path()
    return _load(None if path is None else str(Path(path).resolve()))


@dataclass(frozen=True)
class Settings:
    """What most commands need of the definition: its parameters, replicates and disclosure
    rule, read from ``monitor.yaml`` alone (``load_definition`` reads every file)."""

    parameters: Mapping[str, float]
    replicates: int
    min_publish_n: int
    dominance_n: int
    dominance_k: float


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings of the definition in ``path`` (default as ``load_definition``)."""
    if path is None:
        path = monitor_path()
    return _settings(None if path is None else str(Path(path).resolve()))


@cache
def _settings(path: str | None) -> Settings:
    if path is None:
        directory: Any = _packaged(DEFAULT_MONITOR)
        where = f"innomon/monitors/{DEFAULT_MONITOR}"
    else:
        directory, where = Path(path), path
        if not directory.is_dir():
            raise DefinitionError(f"{path}: not a directory; INNOMON_MONITOR must name one")
    item = directory.joinpath("monitor.yaml")
    if not item.is_file():
        raise DefinitionError(f"{where}: no monitor.yaml here; is this a monitor definition?")
    monitor_where = f"{where}/monitor.yaml"
    data = _parse(item.read_text(encoding="utf-8"), monitor_where)
    if not isinstance(data, dict):
        raise DefinitionError(f"{monitor_where}: expected a mapping")
    replicates, min_n, dom_n, dom_k = _numbers(data, monitor_where)
    parameters = _parameters(data.get("parameters"), monitor_where)
    return Settings({p.name: p.value for p in parameters}, replicates, min_n, dom_n, dom_k)


def _numbers(data: dict, where: str) -> tuple[int, int, int, float]:
    replicates = data.get("replicates", 500)
    if not isinstance(replicates, int) or isinstance(replicates, bool) or replicates < 2:
        raise DefinitionError(f"{where}: 'replicates' must be a whole number of at least 2")
    disclosure = data.get("disclosure") or {}
    try:
        min_n = int(disclosure.get("min_publish_n", 10))
        dom_n = int(disclosure.get("dominance_n", 2))
        dom_k = float(disclosure.get("dominance_k", 0.85))
    except (TypeError, ValueError, AttributeError):
        raise DefinitionError(f"{where}: disclosure needs numbers") from None
    return replicates, min_n, dom_n, dom_k


@cache
def _load(path: str | None) -> MonitorDefinition:
    from innomon.catalogue import CatalogueError, indicators_from_text, typology_from_text

    if path is None:
        directory: Any = _packaged(DEFAULT_MONITOR)
        where = f"innomon/monitors/{DEFAULT_MONITOR}"
        folder = None
    else:
        folder = Path(path)
        if not folder.is_dir():
            raise DefinitionError(f"{path}: not a directory; INNOMON_MONITOR must name one")
        directory, where = folder, str(folder)
    texts = _texts(directory, where)
    monitor_where = f"{where}/monitor.yaml"
    data = _parse(texts["monitor.yaml"], monitor_where)
    if not isinstance(data, dict):
        raise DefinitionError(f"{monitor_where}: expected a mapping")
    name_nl, name_en = _names(data, monitor_where)
    parameters = _parameters(data.get("parameters"), monitor_where)
    replicates, min_n, dom_n, dom_k = _numbers(data, monitor_where)
    domains = _domains(data.get("domains"), monitor_where)
    comp, part = _roles(data.get("roles"), [d.id for d in domains], monitor_where)
    try:
        if "indicators.yaml" not in texts:
            raise DefinitionError(f"{where}/indicators.yaml: the file is missing")
        indicators = indicators_from_text(texts["indicators.yaml"], f"{where}/indicators.yaml")
        typology = None
        if "typology.yaml" in texts:
            typology = typology_from_text(
                texts["typology.yaml"],
                f"{where}/typology.yaml",
                {p.name: p.value for p in parameters},
            )
    except CatalogueError as exc:
        raise DefinitionError(str(exc)) from exc
    ids = {i.id for i in indicators}
    chapters: tuple[Chapter, ...] = ()
    if "report.yaml" in texts:
        chapters = _chapters(
            _parse(texts["report.yaml"], f"{where}/report.yaml"), ids, f"{where}/report.yaml"
        )
    questionnaire = directory.joinpath(data.get("questionnaire") or QUESTIONNAIRE)
    region = data.get("region")
    return MonitorDefinition(
        code=folder.name if folder is not None else DEFAULT_MONITOR,
        where=where,
        name_nl=name_nl,
        name_en=name_en,
        region=None if region is None else str(region),
        parameters=parameters,
        replicates=replicates,
        min_publish_n=min_n,
        dominance_n=dom_n,
        dominance_k=dom_k,
        domains=domains,
        complementarity=comp,
        participation=part,
        indicators=indicators,
        typology=typology,
        chapters=chapters,
        texts=texts,
        questionnaire=Path(str(questionnaire)) if questionnaire.is_file() else None,
        directory=folder,
    )


# ------------------------------------------------------------------------------ checks


def produced_variables(definition: MonitorDefinition) -> frozenset[str]:
    """The variables a build adds to the questionnaire's: the domains, the typology's flags and
    level columns."""
    out = set(definition.domain_ids)
    if definition.typology is not None:
        out.update(f.id for f in definition.typology.flags)
        out.update(TYPOLOGY_VARIABLES)
        out.update(f"level_{lv.id}" for lv in definition.typology.levels)
    return frozenset(out)


def _available(definition: MonitorDefinition, instrument: Instrument) -> frozenset[str]:
    return frozenset(instrument.names()) | produced_variables(definition)


def missing_variables(
    definition: MonitorDefinition, instrument: Instrument, variables: Iterable[str]
) -> list[str]:
    """The variables of ``variables`` that the questionnaire (with the build's own) lacks."""
    available = _available(definition, instrument)
    return [v for v in dict.fromkeys(variables) if v not in available]


def coverage(
    definition: MonitorDefinition, instrument: Instrument
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Which indicators ``instrument`` can feed (ids), and which it cannot: (id, the variables it
    lacks)."""
    feeds, cannot = [], []
    for ind in definition.indicators:
        missing = missing_variables(definition, instrument, ind.variables)
        if missing:
            cannot.append((ind.id, missing))
        else:
            feeds.append(ind.id)
    return feeds, cannot


def not_asked(definition: MonitorDefinition, instrument: Instrument) -> set[str]:
    """The ids of the indicators whose variables the wave's questionnaire did not ask."""
    return {ind for ind, _ in coverage(definition, instrument)[1]}


def check_definition(definition: MonitorDefinition, instrument: Instrument) -> list[str]:
    """Every reference of the definition to a variable ``instrument`` does not define, one
    line each naming the file and the entry. Indicators over variables the questionnaire lacks
    are not listed here (they are "not asked" in that wave; see ``coverage``); what is listed
    are the references every wave needs: domains, roles, typology rules, and the parameters the
    questionnaire's context rows read."""
    where = definition.where
    available = _available(definition, instrument)
    questions = frozenset(instrument.names())
    problems = []
    for d in definition.domains:
        if d.variable not in questions:
            problems.append(
                f"{where}/monitor.yaml, domain '{d.id}': the variable '{d.variable}' is not in "
                f"the questionnaire {instrument.source or instrument.version}"
            )
    for role, roles in (
        ("complementarity", definition.complementarity),
        ("participation", definition.participation),
    ):
        if roles is None:
            continue
        for v in roles.variables:
            if v not in available:
                problems.append(
                    f"{where}/monitor.yaml, roles.{role}: the variable '{v}' is not in the "
                    f"questionnaire {instrument.source or instrument.version}"
                )
    if definition.typology is not None:
        for v in sorted(definition.typology.variables()):
            if v not in available:
                problems.append(
                    f"{where}/typology.yaml: the rules read '{v}', which is not in the "
                    f"questionnaire {instrument.source or instrument.version}"
                )
    params = {p.name for p in definition.parameters}
    for ctx in getattr(instrument, "context", ()):
        source = str(getattr(ctx, "source", ""))
        if source.startswith("parameter.") and source.split(".", 1)[1] not in params:
            problems.append(
                f"{instrument.source or instrument.version}, sheet survey, row {ctx.row}, "
                f"column innomon::source: '{source}' is not a parameter of "
                f"{where}/monitor.yaml"
            )
    return problems


def context_values(definition: MonitorDefinition, year: int) -> dict[str, Any]:
    """The values of the questionnaire's context sources that are not per firm: ``wave.year``
    and ``parameter.<name>``."""
    out: dict[str, Any] = {"wave.year": year}
    out.update({f"parameter.{p.name}": p.value for p in definition.parameters})
    return out
