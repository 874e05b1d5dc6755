"""The ``innomon`` command.

Every failure prints one line — ``innomon: error: <what is wrong>; <what to do>`` — to stderr and
exits non-zero (1 for a problem with data or environment, 2 for a wrong command line); never a
traceback, unless ``INNOMON_DEBUG=1``.
"""

from __future__ import annotations

import itertools
import math
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from innomon import __version__

DJANGO_SETTINGS = "innomon.project.settings"


class Failure(click.ClickException):
    """A user-facing failure: one line, exit code 1 (or the error's own, e.g. 2 for bad input)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"innomon: error: {self.format_message()}", err=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DJANGO_SETTINGS)
    import django

    django.setup()


def _migrate() -> None:
    """Bring the tables up to date and store the configured region (both idempotent)."""
    from django.core.management import call_command

    from innomon.config import region_code
    from innomon.region import load_region
    from innomon.registry.services import load_region as store_region

    call_command("migrate", verbosity=0, interactive=False)
    store_region(load_region(region_code()))


def _ready() -> None:
    """Make INNOMON_HOME, set up Django and bring the database up to date (every command that
    uses the database starts so)."""
    from innomon.config import ensure_home

    ensure_home()
    _setup_django()
    _migrate()


def _wave(year: int, missing: str) -> Any:
    """Wave ``year`` of the configured region; a one-line failure ``missing`` if there is none."""
    from innomon.config import region_code
    from innomon.survey.models import Wave

    wave = Wave.objects.filter(region__code=region_code(), year=year).first()
    if wave is None:
        raise Failure(missing)
    return wave


def _friendly(exc: BaseException) -> str | None:
    """The one-line message for an expected kind of failure, or None for a bug."""
    from innomon.config import ConfigError
    from innomon.errors import InnomonError
    from innomon.instrument.model import InstrumentError
    from innomon.region import RegionDataError

    if isinstance(exc, ConfigError | InnomonError | RegionDataError | InstrumentError):
        return str(exc)
    try:
        from django.db import OperationalError
    except ImportError:  # pragma: no cover - Django is a dependency
        return None
    if isinstance(exc, OperationalError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"the database is not reachable ({first}); check DATABASE_URL "
            "or unset it to use the SQLite file in INNOMON_HOME"
        )
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}; check the path and its permissions"
    return None


def _guarded(func: Callable[[], Any]) -> Any:
    from innomon.errors import InnomonError

    try:
        return func()
    except (click.ClickException, BrokenPipeError):
        raise
    except Exception as exc:
        if os.environ.get("INNOMON_DEBUG") == "1":
            raise
        message = _friendly(exc)
        if message is None:
            message = (
                f"unexpected {type(exc).__name__}: {exc} — this is a bug in innomon; "
                "run again with INNOMON_DEBUG=1 for the traceback and report it"
            )
        code = exc.exit_code if isinstance(exc, InnomonError) else 1
        raise Failure(message, code) from exc


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise Failure(
                f"cannot listen on {host}:{port} ({exc.strerror}); "
                "pass another --port or stop the program using it"
            ) from exc


def _serve(host: str, port: int) -> None:
    import waitress

    from innomon.project.wsgi import application

    _check_port(host, port)
    click.echo(f"innomon serves on http://{host}:{port}/ (Ctrl+C stops)")
    try:
        waitress.serve(application, host=host, port=port, threads=8, ident="innomon")
    except KeyboardInterrupt:
        click.echo("innomon: stopped")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="innomon")
def cli() -> None:
    """innomon — a regional SME innovation monitor, end to end.

    State and outputs live in INNOMON_HOME (default ./innomon-data); set DATABASE_URL
    (postgres://…) to use PostgreSQL instead of the SQLite file there.
    """


@cli.command()
def migrate() -> None:
    """Create or update the database tables."""

    def run() -> None:

        _ready()
        click.echo("innomon: database is up to date")

    _guarded(run)


@cli.command()
@click.option("--no-serve", is_flag=True, help="Build the outputs, then stop.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(no_serve: bool, host: str, port: int) -> None:
    """Load the synthetic Northern Netherlands demo, build its reports, then serve them."""

    def run() -> list:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from innomon import config
        from innomon.config import ensure_home

        started = time.monotonic()
        home = ensure_home()
        _setup_django()
        from innomon.demo import run as demo_run

        with Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            TimeElapsedColumn(),
            transient=not sys.stdout.isatty(),
        ) as progress:
            task = progress.add_task("migrate", total=len(demo_run.STEPS) + 1)
            _migrate()

            def step(name: str) -> None:
                progress.update(task, description=name, advance=1)

            already = demo_run.is_loaded(config.region_code())
            paths = demo_run.run(step)
            progress.update(task, description="done", completed=len(demo_run.STEPS) + 1)
        if already:
            click.echo("innomon: the demo was loaded before; its reports were rebuilt")
        click.echo(
            f"innomon: demo ready in {time.monotonic() - started:.1f} s — "
            f"{len(paths)} reports under {home / 'out'}"
        )
        return paths

    _guarded(run)
    if not no_serve:
        _guarded(lambda: _serve(host, port))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the web app (landing page, reports, back office)."""

    def run() -> None:
        from innomon.config import ensure_home

        ensure_home()
        _setup_django()
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise Failure("the database is not up to date; run `innomon migrate` first")
        _serve(host, port)

    _guarded(run)


@cli.command()
@click.argument("username")
@click.option("--email", default="", help="E-mail address of the account.")
def createuser(username: str, email: str) -> None:
    """Create a back-office account (asks for the password; or set INNOMON_PASSWORD)."""

    def run() -> None:

        _ready()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise Failure(f"user '{username}' already exists; choose another name")
        password = os.environ.get("INNOMON_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
        try:
            validate_password(password, user_model(username=username, email=email))
        except ValidationError as exc:
            raise Failure(f"password rejected: {' '.join(exc.messages)}") from exc
        user_model.objects.create_superuser(username=username, email=email, password=password)
        click.echo(f"innomon: created back-office user '{username}'")

    _guarded(run)


@cli.command("import-firms")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def import_firms(path: Path) -> None:
    """Add the firms of a CSV file to the register (all rows, or none).

    Columns: kvk, name, sbi_code, employees, municipality (CBS code, e.g. GM0014), and
    optionally founding_year. Separated by commas or semicolons, UTF-8.
    """

    def run() -> None:

        _ready()
        from innomon.intake.tables import read_csv
        from innomon.registry.services import FIRM_FIELDS, register_firms

        rows = read_csv(path, FIRM_FIELDS[:5], FIRM_FIELDS[5:])
        added = register_firms(rows, path.name, first_row=2)
        click.echo(f"innomon: {added} firms added from {path.name}")

    _guarded(run)


@cli.command("import")
@click.argument("year", type=click.IntRange(1900, 2100))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
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
def import_(year: int, path: Path, mapping_path: Path | None, source: str | None) -> None:
    """Import a survey export (CSV, XLSX, SPSS .sav, Stata .dta; Qualtrics or LimeSurvey) into
    wave YEAR. Valid rows are stored; the others go to the quarantine with every problem, listed
    in out/<region>/<year>/import-report.html and .csv. Exit code 3: rows were quarantined."""

    def run() -> int:
        from innomon.config import out_dir

        _ready()
        from innomon.intake.importer import QUARANTINED_EXIT, import_wave, registry_instrument

        wave = _wave(
            year, f"there is no wave {year}; create it first with `innomon wave add {year}`"
        )
        result = import_wave(
            wave, path, registry_instrument(), out_dir(), mapping_path=mapping_path, source=source
        )
        click.echo(
            f"innomon: {path.name}: {result.rows} rows — {result.stored} stored, "
            f"{result.unchanged} unchanged, {result.quarantined} quarantined, "
            f"{result.resolved} earlier quarantined rows resolved"
        )
        if result.quarantined:
            click.echo(f"innomon: see {result.report_html} (and .csv) for every problem", err=True)
            return QUARANTINED_EXIT
        return 0

    code = _guarded(run)
    if code:
        sys.exit(code)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "sav", "dta", "xlsx"]),
    default="csv",
    show_default=True,
)
def export(year: int, fmt: str) -> None:
    """Write wave YEAR's complete responses, cleaned, with the questionnaire's variable and
    value labels, to out/<region>/<year>/wave-<year>.<format>."""

    def run() -> None:
        from innomon.config import out_dir

        _ready()
        from innomon.intake.export import export_wave
        from innomon.intake.importer import registry_instrument

        wave = _wave(year, f"there is no wave {year}; see `innomon panel` for the waves there are")
        path = export_wave(wave, registry_instrument(), fmt, out_dir())
        click.echo(f"innomon: wrote {path}")

    _guarded(run)


@cli.group()
def wave() -> None:
    """The annual waves of the monitor."""


@wave.command("add")
@click.argument("year", type=click.IntRange(1900, 2100))
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
    "--version", "version", default=None, help="Questionnaire version (default: the instrument's)."
)
def wave_add(year: int, invited: int, start: Any, end: Any, version: str | None) -> None:
    """Open wave YEAR."""

    def run() -> None:
        from innomon.config import region_code

        _ready()
        from innomon.instrument import load_instrument
        from innomon.registry.models import Region
        from innomon.survey.services import create_wave

        v = version or load_instrument().version
        w = create_wave(
            Region.objects.get(code=region_code()),
            year,
            questionnaire_version=v,
            fieldwork_start=start.date(),
            fieldwork_end=end.date(),
            invited=invited,
        )
        click.echo(f"innomon: wave {w.year} opened (questionnaire {v}, {invited} invited)")

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
def build(year: int) -> None:
    """Weight wave YEAR to the population frame, estimate every indicator in every domain, run
    the typology, participation and complementarity analyses, and store them as a build."""

    def run() -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        _ready()
        from innomon.builds.analyse import make_analyse, summary_lines
        from innomon.builds.services import build_wave

        wave = _wave(
            year, f"there is no wave {year}; create it first with `innomon wave add {year}`"
        )
        steps = ("records", "weights", "analyses", "store")
        with Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            TimeElapsedColumn(),
            transient=not sys.stdout.isatty(),
        ) as progress:
            task = progress.add_task("build", total=len(steps))
            made = build_wave(
                wave,
                make_analyse(year),
                lambda step: progress.update(task, description=step, advance=1),
            )
        for line in summary_lines(made):
            click.echo(line)

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
@click.option("--indicator", help="Only this indicator (its id).")
@click.option(
    "--by",
    "by",
    help="Only this domain, e.g. province or province*size_class; 'region' for the whole region.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
def results(year: int, indicator: str | None, by: str | None, fmt: str) -> None:
    """Export the latest build of wave YEAR: indicator, domain columns, estimate, se, ci_low,
    ci_high, n, suppressed."""

    def run() -> None:
        from innomon.config import region_code

        _ready()
        from innomon.builds.export import export_results
        from innomon.builds.services import latest_build
        from innomon.survey.models import Wave

        wave = Wave.objects.filter(region__code=region_code(), year=year).first()
        made = latest_build(wave) if wave else None
        if made is None:
            raise Failure(f"wave {year} has no build yet; run `innomon build {year}` first")
        click.echo(export_results(made, indicator, by, fmt), nl=False)

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
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
    default="participants",
    show_default=True,
    help="Indicator of the maps (its id).",
)
def report(
    year: int, lang: str, fmt: str, boundaries: tuple[Path, ...], map_indicator: str
) -> None:
    """Write the annual report of wave YEAR from its latest build: standalone HTML, PDF
    (Typst) and an Excel workbook, in Dutch and English, to out/<region>/<year>/."""

    def run() -> None:
        from innomon.config import out_dir, region_code
        from innomon.publish.geo import cached_boundaries, load_boundaries
        from innomon.region import load_region

        started = time.monotonic()
        region = load_region(region_code())
        geometry = load_boundaries(list(boundaries), region) if boundaries else None
        _ready()
        from innomon.publish.report import FORMATS, write_report

        wave = _wave(
            year, f"there is no wave {year}; create it first with `innomon wave add {year}`"
        )
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

    _guarded(run)


@cli.group()
def geo() -> None:
    """Boundary files for the report's maps."""


@geo.command("fetch")
def geo_fetch() -> None:
    """Download the province and COROP boundaries (CBS/PDOK, via INNOMON_GEO_URL) into
    INNOMON_HOME/geo/ for the report's maps."""

    def run() -> None:
        from innomon.config import ensure_home, region_code
        from innomon.publish.geo import fetch
        from innomon.region import load_region

        ensure_home()
        for path in fetch(load_region(region_code())):
            click.echo(f"innomon: stored {path}")

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
@click.option("--firm", "kvk", metavar="KVK", help="Only this firm (its KvK number).")
def passports(year: int, kvk: str | None) -> None:
    """Write the Innovation Passport of every responding firm of wave YEAR (PDF, in the firm's
    language) to out/<region>/<year>/passports/ and store it for the web view behind the firm's
    private link."""

    def run() -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        from innomon.config import out_dir

        _ready()
        from innomon.passports.services import make_passports

        wave = _wave(
            year, f"there is no wave {year}; create it first with `innomon wave add {year}`"
        )
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
                out_dir(),
                [kvk] if kvk else None,
                step,
                lambda k: progress.update(task, completed=k),
            )
        languages = ", ".join(f"{n} {lang}" for lang, n in sorted(made.languages.items()))
        click.echo(
            f"innomon: {len(made.paths)} passport(s) of wave {year} (build {made.build.pk}; "
            f"{languages}) in {time.perf_counter() - started:.1f} s under {made.directory}"
        )

    _guarded(run)


@cli.group("instrument")
def instrument_group() -> None:
    """The questionnaire (XLSForm instrument)."""


@instrument_group.command("codebook")
@click.option(
    "--version",
    "version",
    metavar="V",
    help="Only the questions asked in questionnaire version V (e.g. 2018.1).",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for codebook.md and codebook.csv (default: "
    "$INNOMON_HOME/out/<region>/instrument).",
)
def instrument_codebook(version: str | None, output: Path | None) -> None:
    """Write the codebook of the questionnaire — variable, question (nl/en), type, answer codes
    with labels, relevance, since which wave — as Markdown and CSV."""

    def run() -> None:
        from innomon.config import out_dir, region_code

        _ready()
        from innomon.instrument import write_codebook
        from innomon.intake.importer import registry_instrument

        target = output or out_dir() / region_code() / "instrument"
        loaded = registry_instrument()
        md_path, csv_path = write_codebook(loaded, target, version)
        click.echo(
            f"innomon: codebook of questionnaire {version or loaded.version} written to "
            f"{md_path} and {csv_path.name}"
        )

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--open-link",
    is_flag=True,
    help="Also open the wave's open link (it asks for the KvK number first) and print it.",
)
def invite(year: int, path: Path, open_link: bool) -> None:
    """Invite the firms of a CSV file (kvk, email[, name, language]) to wave YEAR's online
    questionnaire: one private link per firm, e-mailed through the configured backend. All rows
    or none; firms invited before keep their link; unsent invitations are sent again."""

    def run() -> None:
        _ready()
        from innomon.intake.tables import read_csv
        from innomon.questionnaire import services

        wave = _wave(year, f"there is no wave {year}; create it first with `innomon wave add`")
        rows = read_csv(path, ("kvk", "email"), ("name", "language"))
        result = services.invite(wave, rows, path.name)
        click.echo(
            f"innomon: {result.created} invitations created, {result.sent} e-mails sent "
            f"({result.skipped} firms invited before)"
        )
        if open_link:
            link = services.open_link(wave)
            click.echo(f"innomon: open link: {services.base_url()}/q/open/{link.token}/")
        if result.failed:
            raise Failure(
                f"{len(result.failed)} e-mails could not be sent (first: {result.failed[0]}); "
                f"check the mail settings and run `innomon invite {year}` again"
            )

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
@click.option("--max", "max_reminders", default=2, show_default=True, type=click.IntRange(0))
@click.option(
    "--every",
    "every_days",
    default=7,
    show_default=True,
    type=click.IntRange(0),
    help="Days since the last e-mail to a firm before it is reminded again.",
)
def remind(year: int, max_reminders: int, every_days: int) -> None:
    """Remind the invited firms of wave YEAR that have not completed the questionnaire nor
    opted out (at most --max reminders each)."""

    def run() -> None:
        _ready()
        from innomon.questionnaire import services

        wave = _wave(year, f"there is no wave {year}; see `innomon panel` for the waves there are")
        result = services.remind(wave, max_reminders, every_days)
        click.echo(f"innomon: {result.sent} reminders sent for wave {year}")
        if result.failed:
            raise Failure(
                f"{len(result.failed)} reminders could not be sent (first: {result.failed[0]}); "
                "check the mail settings and run it again"
            )

    _guarded(run)


@cli.command()
@click.argument("year", type=click.IntRange(1900, 2100))
@click.argument("kvk")
def reopen(year: int, kvk: str) -> None:
    """Reopen firm KVK's submitted questionnaire of wave YEAR, so that it can be changed (the
    monitor team's decision); its stored response is updated when it is submitted again."""

    def run() -> None:
        _ready()
        from innomon.questionnaire import services
        from innomon.questionnaire.models import Invitation

        wave = _wave(year, f"there is no wave {year}; see `innomon panel` for the waves there are")
        invitation = Invitation.objects.filter(wave=wave, firm__kvk=kvk).first()
        if invitation is None:
            raise Failure(f"firm {kvk} has no invitation to wave {year}; check the KvK number")
        if not services.reopen(invitation):
            raise Failure(f"firm {kvk} has not submitted its {year} questionnaire; nothing to do")
        click.echo(f"innomon: the questionnaire of {kvk} in wave {year} is open again")

    _guarded(run)


@cli.group()
def frame() -> None:
    """The population frame: SME establishments per region unit, SBI section and size class."""


@frame.command("import")
@click.argument("year", type=click.IntRange(1900, 2100))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def frame_import(year: int, path: Path) -> None:
    """Replace YEAR's frame with the counts in a CSV file: plain (region, sbi_section,
    size_class, count) or a CBS StatLine export with labels."""

    def run() -> None:
        from innomon.config import region_code

        _ready()
        from innomon.intake.registers import import_frame
        from innomon.registry.models import Region

        cells = import_frame(Region.objects.get(code=region_code()), year, path)
        click.echo(f"innomon: frame {year}: {cells} cells loaded from {path.name}")

    _guarded(run)


@cli.group()
def initiatives() -> None:
    """The registry of collaboration initiatives."""


@initiatives.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def initiatives_import(path: Path) -> None:
    """Add the initiatives of a CSV or XLSX file (name, type, theme, municipality; optional
    partners, website, real, source) — all rows, or none."""

    def run() -> None:

        _ready()
        from innomon.intake.registers import import_initiatives

        added = import_initiatives(path)
        click.echo(f"innomon: {added} initiatives added from {path.name}")

    _guarded(run)


@cli.command()
def panel() -> None:
    """How many firms answered in two waves (matched by KvK number), for every pair of waves,
    and how many firms answered in 1, 2, 3 … waves."""

    def run() -> None:
        from innomon.config import region_code

        _ready()
        from innomon.registry.models import Region
        from innomon.survey.panel import firm_histories, panel_overlap

        region_obj = Region.objects.get(code=region_code())
        overlaps = panel_overlap(region_obj)
        if not overlaps:
            click.echo("innomon: fewer than two waves: no panel yet")
            return
        years = sorted({o.year for o in overlaps})
        table = {(o.year, o.other_year): o for o in overlaps}
        click.echo("complete responses in both waves (row: wave; column: other wave)")
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
                f"{review.count()} responses matched to their firm by name and "
                "municipality (no KvK number) await review in the back office"
            )

    _guarded(run)


@cli.command()
def region() -> None:
    """List the region's provinces, COROP regions and municipalities with their CBS codes."""

    def run() -> None:
        from innomon.config import region_code
        from innomon.region import load_region

        data = load_region(region_code())
        click.echo(
            f"{data.code}: {data.name_nl} / {data.name_en} (boundaries {data.boundaries_year})"
        )
        for p in data.provinces:
            click.echo(f"{p.code} {p.name_nl} ({p.nuts2})")
            for c in p.corops:
                munis = ", ".join(f"{m.code} {m.name}" for m in c.municipalities)
                click.echo(f"  {c.code} {c.name_nl} ({c.nuts3}): {munis}")

    _guarded(run)


# ----------------------------------------------------------------------------- analysts' commands


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


@cli.command()
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

    def run() -> None:
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
        run_estimate(request, click.get_text_stream("stdout"))

    _guarded(run)


@cli.command()
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

    def run() -> None:
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

    _guarded(run)


def main() -> None:
    try:
        cli.main(prog_name="innomon", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("innomon: aborted", err=True)
        sys.exit(1)
    except BrokenPipeError:  # the reader of the output went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        click.echo(f"innomon: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
