"""``innomon publish YEAR [--withdraw]``: put a wave's report on the public site, or take it off.

The public site serves only the report files of published waves; everything else innomon
writes — exports, import reports, passports — stays in the private tree behind the login.
"""

from __future__ import annotations

import click

from innomon.cli._common import find_wave, ready, year_argument
from innomon.cli._guard import guarded


@click.command()
@year_argument
@click.option("--withdraw", is_flag=True, help="Take the wave's report off the public site.")
@guarded
def publish(year: int, withdraw: bool) -> None:
    """Publish wave YEAR's report on the public site: its report files under
    out/<region>/<year>/ (report[.en].html, .pdf, .xlsx) are served and linked from the landing
    page. Nothing else is ever public. --withdraw takes them off again."""
    from django.utils import timezone

    from innomon.config import out_dir

    ready()
    from innomon.publish.report import report_filename, report_files

    wave = find_wave(year)
    if withdraw:
        wave.published_at = None
        wave.save(update_fields=["published_at"])
        click.echo(f"innomon: wave {year}'s report is no longer on the public site")
        return
    if wave.published_at is None:
        wave.published_at = timezone.now()
        wave.save(update_fields=["published_at"])
    code = wave.region.code
    files = report_files(out_dir(), code, year)
    main = f"{code}/{year}/{report_filename('nl')}"
    if not files:
        click.echo(
            f"innomon: wave {year} is published, but it has no report files yet; "
            f"run `innomon report {year}` to write them"
        )
        return
    click.echo(
        f"innomon: wave {year} is published: {len(files)} report file(s) on the public site "
        f"(/out/{main})"
    )
