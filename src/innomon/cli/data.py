"""The register and the waves: firms, initiatives, the population frame, imports, exports and
the panel."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import click

from innomon.cli._common import NO_WAVE_PANEL, find_wave, ready, year_argument
from innomon.cli._guard import Failure, guarded

_PATH = click.argument("path", type=click.Path(dir_okay=False, path_type=Path))


@click.command("import-firms")
@_PATH
@guarded
def import_firms(path: Path) -> None:
    """Add the firms of a CSV file to the register (all rows, or none).

    Columns: kvk, name, sbi_code, employees, municipality (CBS code, e.g. GM0014), and
    optionally founding_year. Separated by commas or semicolons, UTF-8.
    """
    ready()
    from innomon.intake.tables import read_csv
    from innomon.registry.services import FIRM_FIELDS, register_firms

    rows = read_csv(path, FIRM_FIELDS[:5], FIRM_FIELDS[5:])
    added = register_firms(rows, path.name, first_row=2)
    click.echo(f"innomon: {added} firms added from {path.name}")


@click.command("import")
@year_argument
@_PATH
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML file mapping the export's columns and codes onto the questionnaire.",
)
@click.option(
    "--source",
    type=click.Choice(["plain", "qualtrics", "limesurvey"]),
    help="The export's layout (default: recognised from the file).",
)
@guarded
def import_(year: int, path: Path, mapping_path: Path | None, source: str | None) -> None:
    """Import a survey export (CSV, XLSX, SPSS .sav, Stata .dta; Qualtrics or LimeSurvey) into
    wave YEAR. Valid rows are stored; the others go to the quarantine with every problem, listed
    in INNOMON_HOME/private/<region>/<year>/import-report.html and .csv (for the team only).
    Exit code 3: rows were quarantined."""
    from innomon.config import private_dir

    ready()
    from innomon.intake.importer import QUARANTINED_EXIT, import_wave
    from innomon.survey.questionnaires import wave_instrument

    wave = find_wave(year)
    result = import_wave(
        wave, path, wave_instrument(wave), private_dir(), mapping_path=mapping_path, source=source
    )
    click.echo(
        f"innomon: {path.name}: {result.rows} rows — {result.stored} stored, "
        f"{result.unchanged} unchanged, {result.quarantined} quarantined, "
        f"{result.resolved} earlier quarantined rows resolved"
    )
    if result.new_firms:
        click.echo(
            f"innomon: {len(result.new_firms)} new firms registered (KvK numbers not in the "
            f"register, e.g. {result.new_firms[0]}); check them in {result.report_html}",
            err=True,
        )
    if result.quarantined:
        click.echo(f"innomon: see {result.report_html} (and .csv) for every problem", err=True)
        sys.exit(QUARANTINED_EXIT)


@click.command()
@year_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "sav", "dta", "xlsx"]),
    default="csv",
    show_default=True,
)
@guarded
def export(year: int, fmt: str) -> None:
    """Write wave YEAR's complete responses, cleaned, with the questionnaire's variable and
    value labels, to INNOMON_HOME/private/<region>/<year>/wave-<year>.<format> (it holds every
    firm's KvK number and answers: never on the public site)."""
    from innomon.config import private_dir

    ready()
    from innomon.intake.export import export_wave
    from innomon.survey.questionnaires import wave_instrument

    wave = find_wave(year, NO_WAVE_PANEL)
    path = export_wave(wave, wave_instrument(wave), fmt, private_dir())
    click.echo(f"innomon: wrote {path}")


@click.group()
def wave() -> None:
    """The annual waves of the monitor."""


@wave.command("add")
@year_argument
@click.option("--invited", type=click.IntRange(0), required=True, help="Firms invited.")
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="First day of fieldwork (YYYY-MM-DD).",
)
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="Last day of fieldwork (YYYY-MM-DD).",
)
@click.option(
    "--questionnaire",
    "questionnaire",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The XLSForm workbook (.xlsx) the wave is asked with (default: the packaged one). "
    "It is stored with the wave.",
)
@click.option(
    "--version",
    "version",
    default=None,
    metavar="V",
    help="Check that the workbook's version (its settings sheet) is V.",
)
@guarded
def wave_add(
    year: int, invited: int, start: Any, end: Any, questionnaire: Path | None, version: str | None
) -> None:
    """Open wave YEAR, asked with the questionnaire workbook FILE (stored with the wave:
    nothing done later changes the questionnaire of this wave)."""
    from innomon.config import region_code

    ready()
    from innomon.registry.models import Region
    from innomon.survey.questionnaires import check_questionnaire, default_workbook, open_wave

    path = questionnaire or default_workbook()
    data = _read_workbook(path)
    if version is not None:
        found = check_questionnaire(data, path.name).version
        if found != version:
            raise Failure(
                f"{path.name}, sheet settings, column version: the workbook's version is "
                f"{found!r}, not {version!r}; give --version {found} or the workbook of "
                f"version {version}"
            )
    w = open_wave(
        Region.objects.get(code=region_code()),
        year,
        fieldwork_start=start.date(),
        fieldwork_end=end.date(),
        invited=invited,
        data=data,
        filename=path.name,
    )
    click.echo(
        f"innomon: wave {w.year} opened (questionnaire {w.questionnaire_file}, version "
        f"{w.questionnaire_version}, sha256 {w.questionnaire_sha256[:12]}…, {invited} invited)"
    )


@wave.command("questionnaire")
@year_argument
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the workbook (default: the wave's file name in the current folder).",
)
@guarded
def wave_questionnaire(year: int, out: Path | None) -> None:
    """Write the questionnaire workbook wave YEAR was asked with (as stored with the wave), and
    show its file name, version and checksum."""
    ready()
    wave = find_wave(year, NO_WAVE_PANEL)
    target = out or Path(wave.questionnaire_file or f"questionnaire-{year}.xlsx")
    target.write_bytes(bytes(wave.questionnaire))
    click.echo(
        f"innomon: wave {year} questionnaire {wave.questionnaire_file} (version "
        f"{wave.questionnaire_version}, sha256 {wave.questionnaire_sha256}) written to {target}"
    )


def _read_workbook(path: Path) -> bytes:
    """The bytes of a workbook the user named; a missing file is one line."""
    if not path.is_file():
        raise Failure(f"{path.name}: no such file ({path}); check the path", exit_code=2)
    return path.read_bytes()


@click.group()
def frame() -> None:
    """The population frame: SME establishments per region unit, SBI section and size class."""


@frame.command("import")
@year_argument
@_PATH
@guarded
def frame_import(year: int, path: Path) -> None:
    """Replace YEAR's frame with the counts in a CSV file: plain (region, sbi_section,
    size_class, count) or a CBS StatLine export with labels."""
    from innomon.config import region_code

    ready()
    from innomon.intake.registers import import_frame
    from innomon.registry.models import Region

    cells = import_frame(Region.objects.get(code=region_code()), year, path)
    click.echo(f"innomon: frame {year}: {cells} cells loaded from {path.name}")


@click.group()
def initiatives() -> None:
    """The registry of collaboration initiatives."""


@initiatives.command("import")
@_PATH
@guarded
def initiatives_import(path: Path) -> None:
    """Add the initiatives of a CSV or XLSX file (name, type, theme, municipality; optional
    partners, website, real, source) — all rows, or none."""
    ready()
    from innomon.intake.registers import import_initiatives

    added = import_initiatives(path)
    click.echo(f"innomon: {added} initiatives added from {path.name}")


@click.command()
@guarded
def panel() -> None:
    """How many firms answered in two waves (matched by KvK number), for every pair of waves,
    and how many firms answered in 1, 2, 3 … waves."""
    from innomon.config import region_code

    ready()
    from innomon.registry.models import Region
    from innomon.survey.panel import firm_histories, panel_overlap

    region_obj = Region.objects.get(code=region_code())
    overlaps = panel_overlap(region_obj)
    if not overlaps:
        click.echo("innomon: fewer than two waves: no panel yet")
        return
    years = sorted({o.year for o in overlaps})
    table = {(o.year, o.other_year): o for o in overlaps}
    click.echo("complete SME responses in both waves (row: wave; column: other wave)")
    click.echo("wave   n    " + "".join(f"{y:>8}" for y in years))
    for y in years:
        n = next(o.responded for o in overlaps if o.year == y)
        cells = "".join(f"{'—':>8}" if y == x else f"{table[(y, x)].both:>8}" for x in years)
        click.echo(f"{y}  {n:>4}  {cells}")
    for y, x in itertools.pairwise(years):
        o = table[(x, y)]
        click.echo(
            f"{x}: {o.both} of {o.responded} respondents ({100 * o.share:.0f}%) "
            f"also answered in {y}"
        )
    hist = ", ".join(f"{k} wave(s): {v}" for k, v in firm_histories(region_obj).items())
    click.echo(f"firms by number of waves answered — {hist}")
    from innomon.survey.models import Response

    review = Response.objects.filter(wave__region=region_obj).exclude(review_note="")
    if review.exists():
        click.echo(
            f"{review.count()} responses await review in the back office (matched to their "
            "firm by name and municipality, or of a new firm an import registered)"
        )


@click.command()
@guarded
def region() -> None:
    """List the region's provinces, COROP regions and municipalities with their CBS codes."""
    from innomon.config import region_code
    from innomon.region import load_region

    data = load_region(region_code())
    click.echo(f"{data.code}: {data.name_nl} / {data.name_en} (boundaries {data.boundaries_year})")
    for p in data.provinces:
        click.echo(f"{p.code} {p.name_nl} ({p.nuts2})")
        for c in p.corops:
            munis = ", ".join(f"{m.code} {m.name}" for m in c.municipalities)
            click.echo(f"  {c.code} {c.name_nl} ({c.nuts3}): {munis}")
