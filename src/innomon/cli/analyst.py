"""The analysts' commands: ``innomon estimate`` and ``innomon weight`` on a data file (no
database)."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click

from innomon.cli._guard import guarded


def _names(ctx: click.Context, param: click.Parameter, values: Any) -> tuple[str, ...]:
    """Column names, comma-separated, from one or more uses of the option."""
    if values is None:
        return ()
    out = []
    for value in (values,) if isinstance(values, str) else values:
        for part in value.split(","):
            if not part.strip():
                raise click.BadParameter(f"'{value}' has an empty column name")
            out.append(part.strip())
    return tuple(out)


def _one_or_two(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    names = _names(ctx, param, value)
    if len(names) > 2:
        raise click.BadParameter(f"'{value}' names {len(names)} columns; give one, or two")
    return names


def _ratios(ctx: click.Context, param: click.Parameter, values: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for item in _names(ctx, param, values):
        num, sep, den = item.partition(":")
        if not sep or not num.strip() or not den.strip() or ":" in den:
            raise click.BadParameter(f"'{item}' is not NUMERATOR:DENOMINATOR")
        out.append((num.strip(), den.strip()))
    return tuple(out)


def _probs(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, ...]:
    out = []
    for part in value.split(","):
        try:
            p = float(part)
        except ValueError:
            raise click.BadParameter(f"'{part.strip()}' is not a number") from None
        if not 0 <= p <= 1:
            raise click.BadParameter(f"{p:g} is not a probability between 0 and 1")
        out.append(p)
    return tuple(out)


def _trim(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    low, sep, high = value.partition(":")
    try:
        bounds = (float(low) if low.strip() else 0.0, float(high) if high.strip() else math.inf)
    except ValueError:
        bounds = None
    if not sep or bounds is None or (not low.strip() and not high.strip()):
        raise click.BadParameter(
            f"'{value}' is not LOW:HIGH (e.g. 0.3:5, or :5 for no lower bound)"
        )
    if not 0 <= bounds[0] < bounds[1]:
        raise click.BadParameter(f"'{value}': need 0 ≤ LOW < HIGH")
    return bounds


_DATA = click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
_WEIGHT = click.option(
    "--weight", required=True, metavar="COL", help="The column of sampling weights (> 0)."
)


@click.command()
@_DATA
@_WEIGHT
@click.option("--strata", metavar="COL", help="The column of (first-stage) strata.")
@click.option(
    "--psu",
    metavar="P[,SSU]",
    callback=_one_or_two,
    help="The column of primary sampling units (clusters), and of second-stage units.",
)
@click.option(
    "--fpc",
    metavar="F[,F2]",
    callback=_one_or_two,
    help="Population size per stratum (or sampling fraction ≤ 1), and per PSU for stage 2.",
)
@click.option(
    "--by",
    metavar="COL[,COL...]",
    multiple=True,
    callback=_names,
    help="Estimate in every domain of these columns, crossed (svyby).",
)
@click.option("--mean", metavar="Y[,Y...]", multiple=True, callback=_names, help="Means.")
@click.option(
    "--total",
    metavar="Y[,Y...]",
    multiple=True,
    callback=_names,
    help="Totals (of a text column: the estimated count of each level).",
)
@click.option(
    "--prop",
    metavar="Y[,Y...]",
    multiple=True,
    callback=_names,
    help="The proportion of each level, with a logit interval.",
)
@click.option(
    "--ratio",
    metavar="NUM:DEN[,...]",
    multiple=True,
    callback=_ratios,
    help="Ratios of two totals.",
)
@click.option(
    "--quantile",
    metavar="Y[,Y...]",
    multiple=True,
    callback=_names,
    help="Quantiles (at --probs), with Woodruff intervals.",
)
@click.option(
    "--probs",
    metavar="P[,P...]",
    default="0.25,0.5,0.75",
    show_default=True,
    callback=_probs,
    help="The probabilities of --quantile.",
)
@click.option(
    "--method",
    type=click.Choice(["taylor", "jk1", "jkn", "bootstrap"]),
    default="taylor",
    show_default=True,
    help="Variance: Taylor linearisation, or replicates (jk1: unstratified, jkn: stratified).",
)
@click.option(
    "--replicates",
    type=click.IntRange(min=2),
    metavar="N",
    help="Bootstrap replicates.  [default: 200]",
)
@click.option("--seed", type=int, metavar="N", help="Bootstrap seed.  [default: 0]")
@click.option(
    "--level",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    metavar="LEVEL",
    default=0.95,
    show_default=True,
    help="Confidence level of the intervals.",
)
@click.option(
    "--lonely-psu",
    type=click.Choice(["fail", "remove", "certainty", "adjust", "average"]),
    default="fail",
    show_default=True,
    help="What a stratum with a single PSU does.",
)
@click.option(
    "--min-n",
    type=click.IntRange(min=0),
    metavar="N",
    help="Flag estimates from fewer respondents as suppressed (still shown).  "
    "[default: min_publish_n in monitor.yaml]",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write to FILE.csv or FILE.json instead of CSV to standard output.",
)
@click.option(
    "--margins",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Population margins (CSV: variable,level,total) to weight to first.",
)
@click.option(
    "--calibrate",
    type=click.Choice(["rake", "poststratify", "linear"]),
    help="How to weight to --margins; variances are then those of the calibrated estimator.",
)
@guarded
def estimate(
    data: Path,
    weight: str,
    strata: str | None,
    psu: tuple[str, ...],
    fpc: tuple[str, ...],
    by: tuple[str, ...],
    mean: tuple[str, ...],
    total: tuple[str, ...],
    prop: tuple[str, ...],
    ratio: tuple[tuple[str, str], ...],
    quantile: tuple[str, ...],
    probs: tuple[float, ...],
    method: str,
    replicates: int | None,
    seed: int | None,
    level: float,
    lonely_psu: str,
    min_n: int | None,
    output: Path | None,
    margins: Path | None,
    calibrate: str | None,
) -> None:
    """Survey estimates from a data file: means, totals, proportions, ratios, quantiles.

    DATA is a .csv (UTF-8, comma or semicolon separated), .xlsx (first sheet), .parquet or
    .sav (SPSS) file with one row per respondent. Writes one row per statistic, variable,
    level and domain: statistic, variable, level, the --by columns, estimate, se, ci_low,
    ci_high, cv, n, suppressed (JSON adds df, n_missing, reason). Missing values are left out
    per variable.
    """
    from innomon.analyst.commands import DesignSpec, EstimateRequest
    from innomon.analyst.commands import estimate as run_estimate

    request = EstimateRequest(
        data=data,
        design=DesignSpec(
            weight=weight,
            strata=strata,
            psu=psu[0] if psu else None,
            ssu=psu[1] if len(psu) > 1 else None,
            fpc=fpc[0] if fpc else None,
            fpc2=fpc[1] if len(fpc) > 1 else None,
            lonely_psu=lonely_psu,
        ),
        mean=mean,
        total=total,
        prop=prop,
        ratio=ratio,
        quantile=quantile,
        probs=probs,
        by=by,
        method=method,
        replicates=replicates,
        seed=seed,
        level=level,
        min_n=min_n,
        margins=margins,
        calibrate=calibrate,
        output=output,
    )
    run_estimate(request, sys.stdout)


@click.command()
@_DATA
@_WEIGHT
@click.option(
    "--margins",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Population margins (CSV: variable,level,total).",
)
@click.option(
    "--method",
    required=True,
    type=click.Choice(["rake", "poststratify", "linear"]),
    help="Raking, post-stratification (one margin, may be crossed a*b), or linear calibration.",
)
@click.option(
    "--trim",
    "trim_to",
    metavar="LOW:HIGH",
    callback=_trim,
    help="Then trim the weights to [LOW, HIGH], spreading what is cut over the others.",
)
@click.option(
    "--name",
    default="weight_adj",
    show_default=True,
    metavar="COL",
    help="The column for the adjusted weight.",
)
@click.option(
    "--strata",
    metavar="COL",
    help="The design's strata (checked; calibration does not depend on them).",
)
@click.option(
    "--psu",
    metavar="COL",
    help="The design's primary sampling units (checked; calibration does not depend on them).",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the data with the adjusted weight to FILE.csv, FILE.xlsx or FILE.parquet.",
)
@guarded
def weight(
    data: Path,
    weight: str,
    margins: Path,
    method: str,
    trim_to: tuple[float, float] | None,
    name: str,
    strata: str | None,
    psu: str | None,
    output: Path,
) -> None:
    """Weight a data file to population margins: rake, post-stratify or calibrate linearly.

    Writes DATA with the adjusted weight in an extra column, and prints the weights'
    diagnostics: n, their sum, Kish's effective n, the design effect due to weighting, their
    distribution, and how closely they meet the margins.
    """
    from innomon.analyst.commands import DesignSpec
    from innomon.analyst.commands import weight as run_weight
    from innomon.analyst.writers import describe_weights

    result = run_weight(
        data,
        DesignSpec(weight=weight, strata=strata, psu=psu),
        margins,
        method,
        output,
        trim_to=trim_to,
        name=name.strip(),
    )
    for line in describe_weights(result):
        click.echo(line)
