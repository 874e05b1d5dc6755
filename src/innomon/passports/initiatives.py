"""Suggested initiatives: the registered collaboration initiatives that fit a firm, ranked by a
documented score (the monitor definition's ``passport.yaml``, ``initiatives``;
docs/methodology.md).

score = theme × (1 if the initiative's theme serves the firm's SBI section, ½ if it is general)
      + province × (1 if it is in the firm's province)
      + type × (the weighted share of firms at the firm's ladder level taking part in this type,
                from the build's ``in_<type>_by_level`` estimates; the region's share when the
                level is unknown or its estimate suppressed)
      + complement × (1 for networks and test environments when the firm invests in innovation
                      itself, takes part in no initiative, and the build found collaboration and
                      internal investment to be complements — the variables of the definition's
                      complementarity roles; a monitor without those roles, or a build without
                      that finding, gives no such weight)

An initiative fits when its theme or its province fits; the firm's own initiatives of the wave are
left out; ties go by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from innomon.builds.models import Build, BuildEstimate
from innomon.registry.models import Initiative
from innomon.survey.models import Participation

from .rules import PassportRules

if TYPE_CHECKING:
    from innomon.definition import MonitorDefinition

POINTED_TYPES = ("network", "test_environment")
COMPLEMENTS = "complements"


class Suggester:
    """Scores the registry's initiatives for the firms of one build."""

    def __init__(
        self,
        build: Build,
        data: Mapping[str, np.ndarray],
        records: Sequence[Mapping[str, Any]],
        rules: PassportRules,
        definition: MonitorDefinition | None = None,
    ) -> None:
        if definition is None:
            from innomon.definition import load_definition

            definition = load_definition()
        self.rules = rules.initiatives
        self.data = data
        self.records = records
        self.initiatives = [
            {
                "id": i.pk,
                "type": i.type,
                "theme": i.theme,
                "province": i.municipality.corop.province.code,
            }
            for i in Initiative.objects.select_related("municipality__corop__province").order_by(
                "name"
            )
        ]
        self.names = dict(Initiative.objects.values_list("pk", "name"))
        own: dict[str, set[int]] = {}
        for kvk, ini in Participation.objects.filter(wave=build.wave).values_list(
            "firm__kvk", "initiative_id"
        ):
            own.setdefault(kvk, set()).add(ini)
        self.own = own
        shares: dict[tuple[str, str], float] = {}
        for e in BuildEstimate.objects.filter(
            build=build,
            indicator__in=[f"in_{t}_by_level" for t in Initiative.Type.values]
            + [f"in_{t}" for t in Initiative.Type.values],
            domain__in=["", "ladder_level"],
        ).values("indicator", "domain", "domain_value", "estimate", "suppressed"):
            if e["suppressed"] or e["estimate"] is None:
                continue
            t = e["indicator"].removeprefix("in_").removesuffix("_by_level")
            shares[(t, e["domain_value"] if e["domain"] else "")] = e["estimate"] / 100.0
        self.type_share = shares
        roles = definition.complementarity
        comp = (build.summary or {}).get("complementarity") if roles is not None else None
        self.complements = isinstance(comp, dict) and comp.get("verdict") == COMPLEMENTS
        # (investment, collaboration): the variables of the complementarity roles
        self.roles = None if roles is None else (roles.investment, roles.collaboration)
        self.level_score = dict(
            build.firm_classes.exclude(level=None).values_list("level_id", "level")
        )

    def suggest(self, i: int, level_id: str | None) -> list[dict[str, Any]]:
        """The best-scoring fitting initiatives for firm ``i`` (at most ``show``): id, type,
        score and its parts (each a reason)."""
        rec = self.records[i]
        section = rec.get("sbi_section")
        province = rec.get("province")
        w = self.rules.weights
        pointed = False
        if self.complements and self.roles is not None:
            investment, collaboration = (self.data.get(v) for v in self.roles)
            pointed = bool(
                investment is not None
                and collaboration is not None
                and investment[i] == 1
                and collaboration[i] == 0
            )
        level = self.level_score.get(level_id) if level_id else None
        own = self.own.get(rec["kvk"], set())
        scored = []
        for ini in self.initiatives:
            if ini["id"] in own:
                continue
            theme = (
                1.0
                if section in self.rules.themes.get(ini["theme"], ())
                else 0.5
                if ini["theme"] == self.rules.general_theme
                else 0.0
            )
            same_province = 1.0 if ini["province"] == province else 0.0
            if theme == 0 and same_province == 0:
                continue
            share = self.type_share.get(
                (ini["type"], str(level)) if level is not None else ("", "")
            )
            if share is None:
                share = self.type_share.get((ini["type"], ""), 0.0)
            complement = 1.0 if pointed and ini["type"] in POINTED_TYPES else 0.0
            score = (
                w["theme"] * theme
                + w["province"] * same_province
                + w["type"] * share
                + w["complement"] * complement
            )
            scored.append(
                {
                    "id": ini["id"],
                    "name": self.names[ini["id"]],
                    "type": ini["type"],
                    "theme": ini["theme"],
                    "province": ini["province"],
                    "score": round(score, 3),
                    "parts": {
                        "theme": theme,
                        "province": same_province,
                        "type": round(share, 4),
                        "complement": complement,
                    },
                }
            )
        scored.sort(key=lambda s: (-s["score"], s["name"]))
        return scored[: self.rules.show]
