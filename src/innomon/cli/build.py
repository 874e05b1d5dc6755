"""From a wave to what is published: ``innomon build``, ``results``, ``report``, ``geo fetch``
and ``passports``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from innomon.cli._common import find_wave, ready, year_argument
from innomon.cli._guard import Failure, guarded


@click.command()
@year_argument
@guarded
def build(year: int) -> None:
    """Weight wave YEAR to the population frame, estimate every indicator in every domain, run
    the typology, participation and complementarity analyses, and store them as a build."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    ready()
    from innomon.builds.analyse import build_with_summary

    wave = find_wave(year)
    steps = ("records", "weights", "analyses", "store")
    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TimeElapsedColumn(),
        transient=not sys.stdout.isatty(),
    ) as progress:
        task = progress.add_task("build", total=len(steps))
        # one transaction: a build that fails, its summary included, leaves no row behind
        _made, lines = build_with_summary(
            wave, lambda step: progress.update(task, description=step, advance=1)
        )
    for line in lines:
        click.echo(line)


@click.command()
@year_argument
@click.option("--indicator", help="Only this indicator (its id).")
@click.option(
    "--by",
    "by",
    help="Only this domain, e.g. province or province*size_class; 'region' for the whole region.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@guarded
def results(year: int, indicator: str | None, by: str | None, fmt: str) -> None:
    """Export the latest build of wave YEAR: indicator, domain columns, estimate, se, ci_low,
    ci_high, n, suppressed."""
    from innomon.config import region_code

    ready()
    from innomon.builds.export import export_results
    from innomon.builds.services import latest_build
    from innomon.survey.models import Wave

    wave = Wave.objects.filter(region__code=region_code(), year=year).first()
    made = latest_build(wave) if wave else None
    if made is None:
        raise Failure(f"wave {year} has no build yet; run `innomon build {year}` first")
    click.echo(export_results(made, indicator, by, fmt), nl=False)


@click.command()
@year_argument
@click.option("--lang", type=click.Choice(["nl", "en", "all"]), default="all", show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "xlsx", "all"]),
    default="all",
    show_default=True,
)
@click.option(
    "--boundaries",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Province or COROP boundary file (GeoJSON, TopoJSON, GeoPackage); repeat for both. "
    "Default: those of `innomon geo fetch`, else the schematic tile map.",
)
@click.option(
    "--map-indicator",
    default=None,
    help="Indicator of the maps (its id). Default: the `map` of the regional chapter in the "
    "monitor definition's report.yaml.",
)
@guarded
def report(
    year: int, lang: str, fmt: str, boundaries: tuple[Path, ...], map_indicator: str | None
) -> None:
    """Write the annual report of wave YEAR from its latest build: standalone HTML, PDF
    (Typst) and an Excel workbook, in Dutch and English, to out/<region>/<year>/."""
    from innomon.config import out_dir, region_code
    from innomon.publish.geo import cached_boundaries, load_boundaries
    from innomon.region import load_region

    started = time.monotonic()
    region = load_region(region_code())
    geometry = load_boundaries(list(boundaries), region) if boundaries else None
    ready()
    from innomon.publish.report import FORMATS, write_report

    wave = find_wave(year)
    geometry = geometry or cached_boundaries(region)
    paths = write_report(
        wave,
        out_dir(),
        None if lang == "all" else [lang],
        FORMATS if fmt == "all" else (fmt,),
        geometry,
        map_indicator,
    )
    for path in paths:
        click.echo(f"innomon: wrote {path}")
    click.echo(f"innomon: report {year} in {time.monotonic() - started:.1f} s")


@click.group()
def geo() -> None:
    """Boundary files for the report's maps."""


@geo.command("fetch")
@guarded
def geo_fetch() -> None:
    """Download the province and COROP boundaries (CBS/PDOK, via INNOMON_GEO_URL) into
    INNOMON_HOME/geo/ for the report's maps."""
    from innomon.config import ensure_home, region_code
    from innomon.publish.geo import fetch
    from innomon.region import load_region

    ensure_home()
    for path in fetch(load_region(region_code())):
        click.echo(f"innomon: stored {path}")


@click.command()
@year_argument
@click.option("--firm", "kvk", metavar="KVK", help="Only this firm (its KvK number).")
@guarded
def passports(year: int, kvk: str | None) -> None:
    """Write the Innovation Passport of every responding firm of wave YEAR (PDF, in the firm's
    language) to INNOMON_HOME/private/<region>/<year>/passports/ and store it for the web view
    behind the firm's private link. SIGTERM stops it cleanly (exit code 143)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from innomon.config import private_dir

    ready()
    from innomon.passports.services import make_passports

    wave = find_wave(year)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=not sys.stdout.isatty(),
    ) as progress:
        task = progress.add_task("passports", total=None)

        def step(name: str, total: int) -> None:
            progress.update(task, description=name, total=total or None, completed=0)

        made = make_passports(
            wave,
            private_dir(),
            [kvk] if kvk else None,
            step,
            lambda k: progress.update(task, completed=k),
        )
    languages = ", ".join(f"{n} {lang}" for lang, n in sorted(made.languages.items()))
    click.echo(
        f"innomon: {len(made.paths)} passport(s) of wave {year} (build {made.build.pk}; "
        f"{languages}) in {time.perf_counter() - started:.1f} s under {made.directory}"
    )
