"""The questionnaire workbook (XLSForm): ``innomon instrument check``, ``diff`` and ``codebook``.

``check`` and ``diff`` read the workbooks they are given and need no database; ``codebook
YEAR`` writes the codebook of the questionnaire wave YEAR was asked with.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from innomon.cli._common import NO_WAVE_PANEL, find_wave, ready
from innomon.cli._guard import Failure, guarded

PROBLEMS_EXIT = 2  # `instrument check`: the workbook has problems

_WORKBOOK = click.argument("path", type=click.Path(dir_okay=False, path_type=Path))


@click.group("instrument")
def instrument_group() -> None:
    """The questionnaire (XLSForm workbook): check it, compare two, write a codebook."""


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise Failure(f"{path.name}: no such file ({path}); check the path", exit_code=2)
    return path.read_bytes()


def _definition() -> Any:
    """The monitor definition (``INNOMON_MONITOR``, else the packaged one)."""
    from innomon.definition import load_definition

    return load_definition()


@instrument_group.command("check")
@_WORKBOOK
@guarded
def instrument_check(path: Path) -> None:
    """Check the questionnaire workbook PATH: every problem on one line naming its sheet, row
    and column, then what the monitor definition (INNOMON_MONITOR) needs and the workbook lacks
    — a domain's, a role's or the typology's variable — and which of its indicators the
    workbook can feed and which it cannot (with the variables they lack: those are "not asked"
    in a wave with this workbook). Exit code 2 if there is any problem. Needs no database."""
    from innomon.definition import check_definition, coverage
    from innomon.instrument import load_instrument
    from innomon.instrument.check import problems

    data = _read(path)
    definition = _definition()
    found = [str(p) for p in problems(data, path.name, parameters=definition.parameter_values())]
    instrument = None
    if not found:
        instrument = load_instrument(data=data, source=path.name)
        found = check_definition(definition, instrument)
    for problem in found:
        click.echo(problem)
    if instrument is not None:
        click.echo(
            f"innomon: {path.name}: version {instrument.version}, "
            f"{len(instrument.variables())} questions, {len(instrument.calculations)} "
            f"calculations, sha256 {instrument.sha256}"
        )
        feeds, lacking = coverage(definition, instrument)
        click.echo(f"indicators it can feed ({len(feeds)}): {', '.join(feeds) or '—'}")
        click.echo(f"indicators it cannot feed ({len(lacking)}){':' if lacking else ''}")
        for indicator, missing in lacking:
            click.echo(f"  {indicator}: no {', '.join(missing)}")
    if found:
        s = "" if len(found) == 1 else "s"
        click.echo(f"innomon: {path.name}: {len(found)} problem{s}; correct them and check again")
        sys.exit(PROBLEMS_EXIT)
    click.echo(f"innomon: {path.name}: no problems")


@instrument_group.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@guarded
def instrument_diff(old: Path, new: Path) -> None:
    """List what differs between questionnaire workbooks OLD and NEW: questions added, removed
    and changed, and choice lists. Needs no database."""
    from innomon.instrument import load_instrument
    from innomon.instrument.diff import diff_instruments

    before = load_instrument(data=_read(old), source=old.name)
    after = load_instrument(data=_read(new), source=new.name)
    lines = diff_instruments(before, after)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo(f"innomon: {old.name} and {new.name} ask the same questionnaire")


@instrument_group.command("codebook")
@click.argument("year", type=click.IntRange(1900, 2100), required=False)
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
    "$INNOMON_HOME/out/<region>/instrument[/<year>]).",
)
@guarded
def instrument_codebook(year: int | None, version: str | None, output: Path | None) -> None:
    """Write the codebook — variable, question (nl/en), type, answer codes with labels,
    relevance, since which wave — as Markdown and CSV: of the questionnaire wave YEAR was asked
    with, or without YEAR of the default questionnaire (the one a new wave gets)."""
    from innomon.config import out_dir, region_code

    ready()
    from innomon.instrument import write_codebook

    folder = out_dir() / region_code() / "instrument"
    if year is None:
        from innomon.survey.questionnaires import check_questionnaire, default_workbook

        workbook = default_workbook()
        loaded = check_questionnaire(workbook.read_bytes(), workbook.name)
    else:
        from innomon.survey.questionnaires import wave_instrument

        loaded = wave_instrument(find_wave(year, NO_WAVE_PANEL))
        folder = folder / str(year)
    md_path, csv_path = write_codebook(loaded, output or folder, version)
    of = f" of wave {year}" if year is not None else ""
    click.echo(
        f"innomon: codebook{of} (questionnaire {loaded.source} {version or loaded.version}) "
        f"written to {md_path} and {csv_path.name}"
    )
