"""Exporting a build's estimates as CSV or JSON (``innomon results``)."""

from __future__ import annotations

import csv
import io
import json

from innomon.errors import InputError, Problem

from .models import Build


def export_results(build: Build, indicator: str | None, by: str | None, fmt: str) -> str:
    """The build's estimates with the columns ``indicator, <domain columns>, estimate, se,
    ci_low, ci_high, n, suppressed`` (JSON: a list of such records)."""
    rows = build.estimates.all()
    if indicator:
        rows = rows.filter(indicator=indicator)
        if not rows.exists():
            known = sorted(set(build.estimates.values_list("indicator", flat=True)))
            raise InputError(
                [
                    Problem(
                        "--indicator",
                        None,
                        None,
                        f"'{indicator}' is not an indicator of this build; one of "
                        f"{', '.join(known[:12])}…",
                    )
                ]
            )
    if by:
        domain = "" if by == "region" else by
        rows = rows.filter(domain=domain)
        if not rows.exists():
            known = sorted(set(build.estimates.values_list("domain", flat=True)) - {""})
            raise InputError(
                [
                    Problem(
                        "--by",
                        None,
                        None,
                        f"'{by}' is not a domain of this build; use region or one "
                        f"of {', '.join(known[:12])}…",
                    )
                ]
            )
    rows = list(rows.order_by("indicator", "domain", "domain_value"))
    domain_columns: list[str] = []
    for r in rows:
        for name in filter(None, r.domain.split("*")):
            if name not in domain_columns:
                domain_columns.append(name)
    records = []
    for r in rows:
        record: dict[str, object] = {"indicator": r.indicator}
        values = (
            dict(zip(r.domain.split("*"), r.domain_value.split("*"), strict=False))
            if (r.domain)
            else {}
        )
        for name in domain_columns:
            record[name] = values.get(name, "")
        record.update(
            estimate=r.estimate,
            se=r.se,
            ci_low=r.ci_low,
            ci_high=r.ci_high,
            n=r.n,
            suppressed=r.suppressed,
        )
        records.append(record)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=[
            "indicator",
            *domain_columns,
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "n",
            "suppressed",
        ],
    )
    writer.writeheader()
    for rec in records:
        writer.writerow(
            {
                k: ("" if v is None else repr(v) if isinstance(v, float) else v)
                for k, v in rec.items()
            }
        )
    return out.getvalue()
