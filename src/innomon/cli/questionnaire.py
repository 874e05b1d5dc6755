"""The web questionnaire: ``innomon invite``, ``remind`` and ``reopen``."""

from __future__ import annotations

from pathlib import Path

import click

from innomon.cli._common import NO_WAVE_PANEL, find_wave, ready, year_argument
from innomon.cli._guard import Failure, guarded


@click.command()
@year_argument
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--open-link",
    is_flag=True,
    help="Also open the wave's open link (it asks for the KvK number first) and print it.",
)
@guarded
def invite(year: int, path: Path, open_link: bool) -> None:
    """Invite the firms of a CSV file (kvk, email[, name, language]) to wave YEAR's online
    questionnaire: one private link per firm, e-mailed through the configured backend. All rows
    or none; firms invited before keep their link; unsent invitations are sent again."""
    ready()
    from innomon.intake.tables import read_csv
    from innomon.questionnaire import services

    wave = find_wave(year, "there is no wave {year}; create it first with `innomon wave add`")
    rows = read_csv(path, ("kvk", "email"), ("name", "language"))
    if not rows:
        from innomon.errors import InputError, Problem
        from innomon.registry.services import NO_ROWS

        raise InputError([Problem(path.name, None, None, NO_ROWS)])
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


@click.command()
@year_argument
@click.option("--max", "max_reminders", default=2, show_default=True, type=click.IntRange(0))
@click.option(
    "--every",
    "every_days",
    default=7,
    show_default=True,
    type=click.IntRange(0),
    help="Days since the last e-mail to a firm before it is reminded again.",
)
@guarded
def remind(year: int, max_reminders: int, every_days: int) -> None:
    """Remind the invited firms of wave YEAR that have not completed the questionnaire nor
    opted out (at most --max reminders each)."""
    ready()
    from innomon.questionnaire import services

    wave = find_wave(year, NO_WAVE_PANEL)
    result = services.remind(wave, max_reminders, every_days)
    click.echo(f"innomon: {result.sent} reminders sent for wave {year}")
    if result.failed:
        raise Failure(
            f"{len(result.failed)} reminders could not be sent (first: {result.failed[0]}); "
            "check the mail settings and run it again"
        )


@click.command()
@year_argument
@click.argument("kvk")
@guarded
def reopen(year: int, kvk: str) -> None:
    """Reopen firm KVK's submitted questionnaire of wave YEAR, so that it can be changed (the
    monitor team's decision); its stored response is updated when it is submitted again."""
    ready()
    from innomon.questionnaire import services
    from innomon.questionnaire.models import Invitation

    wave = find_wave(year, NO_WAVE_PANEL)
    invitation = Invitation.objects.filter(wave=wave, firm__kvk=kvk).first()
    if invitation is None:
        raise Failure(f"firm {kvk} has no invitation to wave {year}; check the KvK number")
    if not services.reopen(invitation):
        raise Failure(f"firm {kvk} has not submitted its {year} questionnaire; nothing to do")
    click.echo(f"innomon: the questionnaire of {kvk} in wave {year} is open again")
