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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show per column what would be stored, quarantined or ignored; write nothing.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop when a column of the file is not accounted for by the mapping.",
)
@guarded
def import_(
    year: int,
    path: Path,
    mapping_path: Path | None,
    source: str | None,
    dry_run: bool,
    strict: bool,
) -> None:
    """Import a survey export (CSV, XLSX, SPSS .sav, Stata .dta, Parquet; Qualtrics or
    LimeSurvey) into wave YEAR. Valid rows are stored; the others go to the quarantine with every
    problem, listed in INNOMON_HOME/private/<region>/<year>/import-report.html and .csv (for the
    team only). Survey previews, tests and spam are not stored. The raw file is kept under
    private/<region>/<year>/imports/; importing the same file again replaces its earlier import.
    Exit code 3: rows were quarantined; 1: the file as a whole has problems (all listed)."""
    from innomon.config import private_dir

    ready()
    from innomon.errors import InputError
    from innomon.intake.importer import QUARANTINED_EXIT, import_wave
    from innomon.survey.questionnaires import wave_instrument

    wave = find_wave(year)
    try:
        result = import_wave(
            wave,
            path,
            wave_instrument(wave),
            private_dir(),
            mapping_path=mapping_path,
            source=source,
            strict=strict,
            dry_run=dry_run,
        )
    except InputError as exc:
        where = private_dir() / wave.region.code / str(year) / "import-report.html"
        if len(exc.problems) == 1:  # one line, as every other error of the command line
            tail = "" if dry_run else f" (the import report: {where})"
            raise Failure(f"{exc.problems[0]}; nothing was imported{tail}") from exc
        for problem in exc.problems:
            click.echo(f"innomon: {problem}", err=True)
        tail = "" if dry_run else f"; every problem is listed in {where}"
        raise Failure(
            f"{path.name}: {len(exc.problems)} problems with the file as a whole; nothing was "
            f"imported{tail}"
        ) from exc
    c = result.counts
    if dry_run:
        _print_columns(result)
    verb = "would be " if dry_run else ""
    click.echo(
        f"innomon: {path.name}: {result.rows} rows — {result.stored} {verb}stored, "
        f"{result.unchanged} unchanged, {result.quarantined} {verb}quarantined, "
        f"{result.resolved} earlier quarantined rows {verb}resolved"
    )
    skipped = [
        f"{c[key]} {label}"
        for key, label in (
            ("previews", "survey previews"),
            ("tests", "survey tests"),
            ("spam", "spam"),
            ("superseded", "partial responses superseded"),
            ("doubles", "double submits counted once"),
            ("held", "rows of firms with different complete responses held"),
            ("kept_complete", "partial responses not stored over a complete one"),
        )
        if c.get(key)
    ]
    if c.get("partial"):
        skipped.insert(0, f"{c['partial']} partial responses {verb}stored")
    if skipped:
        click.echo(f"innomon: {', '.join(skipped)}")
    if result.replaced is not None:
        click.echo(
            f"innomon: the same file was imported before: {verb}replaced — {c['changed']} "
            f"responses changed, {c['unchanged']} unchanged, {c['added']} added, "
            f"{c['removed']} removed"
        )
    if result.unaccounted:
        click.echo(
            f"innomon: {len(result.unaccounted)} columns not accounted for by the mapping "
            f"(listed in the report; --strict stops on them): {', '.join(result.unaccounted)}",
            err=True,
        )
    if dry_run:
        click.echo("innomon: dry run — nothing was written")
        return
    if result.new_firms:
        click.echo(
            f"innomon: {len(result.new_firms)} new firms registered (KvK numbers not in the "
            f"register, e.g. {result.new_firms[0]}); check them in {result.report_html}",
            err=True,
        )
    if result.quarantined:
        click.echo(f"innomon: see {result.report_html} (and .csv) for every problem", err=True)
        sys.exit(QUARANTINED_EXIT)


def _print_columns(result: Any) -> None:
    """The dry run's table: per column its use, target and what would become of its cells."""
    rows = [("column", "use", "target", "filled", "stored", "quarantined", "ignored")]
    rows += [
        (s.column, s.use, s.target or "", s.filled, s.stored, s.quarantined, s.ignored)
        for s in result.columns
    ]
    widths = [max(len(str(r[k])) for r in rows) for k in range(7)]
    for r in rows:
        cells = [
            str(v).ljust(w) if k < 3 else str(v).rjust(w)
            for k, (v, w) in enumerate(zip(r, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())


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
