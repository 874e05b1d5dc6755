"""The ``innomon`` command.

Every failure prints one line — ``innomon: error: <what is wrong>; <what to do>`` — to stderr and
exits non-zero (1 for a problem with data or environment, 2 for a wrong command line); never a
traceback, unless ``INNOMON_DEBUG=1``.

The commands live in modules by area — ``web`` (demo, serve, migrate, createuser), ``data``
(the register, waves, imports, exports, the panel), ``instrument`` (check, compare and
document a questionnaire workbook), ``questionnaire`` (the web questionnaire), ``build`` (builds,
results, reports, passports), ``publish`` (a wave's report on the public site) and
``analyst`` (estimate, weight) — each body wrapped in
``_guard.guarded``; ``_common`` holds the YEAR argument, Django's setup and the database check.
Modules import Django, numpy, pandas or rich only inside the commands that use them.
"""

from __future__ import annotations

import os
import sys

import click

from innomon import __version__
from innomon.cli import analyst, build, data, instrument, publish, questionnaire, web
from innomon.cli._guard import Failure

__all__ = ["Failure", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="innomon")
def cli() -> None:
    """innomon — a regional SME innovation monitor, end to end.

    State and outputs live in INNOMON_HOME (default ./innomon-data); set DATABASE_URL
    (postgres://…) to use PostgreSQL instead of the SQLite file there.
    """


for _command in (
    web.migrate,
    web.demo,
    web.serve,
    web.createuser,
    data.import_firms,
    data.import_,
    data.export,
    data.wave,
    build.build,
    build.results,
    build.report,
    build.geo,
    build.passports,
    publish.publish,
    instrument.instrument_group,
    questionnaire.invite,
    questionnaire.remind,
    questionnaire.reopen,
    data.frame,
    data.initiatives,
    data.panel,
    data.region,
    analyst.estimate,
    analyst.weight,
):
    cli.add_command(_command)
del _command


def main() -> None:
    """The console entry point: run the command line, print failures as one line, exit."""
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
