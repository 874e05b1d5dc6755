"""A wave's questionnaire: the XLSForm workbook the wave is asked with, stored with the wave.

A wave holds its workbook's bytes, file name, SHA-256 checksum and version (the settings
sheet's ``version``). Everything that reads a wave's answers — the import, the web
questionnaire, the back office's checks, the codebook and the exports — reads them through
``wave_instrument(wave)``: that stored workbook, with the registry's initiative choices, as
asked in the wave's year. Nothing done later (a new workbook for a later wave, an edited
packaged file, a new version of innomon's default) changes the questionnaire of a wave.

- ``default_workbook()`` — the workbook a wave gets unless it is given another (the monitor
  definition's ``questionnaire.xlsx``, else the packaged ``innomon.instrument.WORKBOOK``);
- ``check_questionnaire(data, filename)`` — loads a workbook as a wave would; any problem is an
  ``InstrumentError``, one line naming the file (sheet, row, column);
- ``store_questionnaire(wave, data, filename)`` — gives a wave that holds no responses yet its
  workbook;
- ``open_wave(region, year, …)`` — opens a new wave with its workbook, in one transaction;
- ``wave_instrument(wave)`` — the wave's ``Instrument``, loaded once per process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from innomon.errors import InnomonError
from innomon.instrument import Instrument, load_instrument
from innomon.registry.models import Initiative, Region

from .models import QUESTIONNAIRE_FIELDS, ImportBatch, QuarantinedRow, Response, Wave

_CACHE_SIZE = 16
_instruments: dict[tuple, Instrument] = {}
_versions: dict[str, str] = {}  # sha256 → version of a default workbook (read once)


class QuestionnaireLocked(InnomonError):
    """The wave already holds answers: its questionnaire can no longer change."""


def checksum(data: bytes) -> str:
    """The SHA-256 checksum of a workbook's bytes (hex)."""
    return hashlib.sha256(data).hexdigest()


def default_workbook() -> Path:
    """The workbook a wave gets unless it is given another: the monitor definition's
    ``questionnaire.xlsx`` (``INNOMON_MONITOR``), else the packaged one."""
    from innomon.definition import load_definition
    from innomon.instrument import loader

    questionnaire = load_definition().questionnaire
    return questionnaire if questionnaire is not None else loader.WORKBOOK


def default_questionnaire() -> tuple[bytes, str, str, str]:
    """The default workbook as a wave stores it: (bytes, file name, sha256, version). Read
    from the file each time (an edited file is what the next wave gets); checked once per
    process and content."""
    path = default_workbook()
    data = path.read_bytes()
    sha256 = checksum(data)
    if sha256 not in _versions:
        _versions[sha256] = load_instrument(data=data, source=path.name).version
    return data, path.name, sha256, _versions[sha256]


def _registry() -> tuple[tuple[str, str], ...]:
    return tuple(Initiative.objects.order_by("name").values_list("name", "type"))


def _load(data: bytes, filename: str, initiatives: tuple[tuple[str, str], ...]) -> Instrument:
    return load_instrument(
        initiatives=[{"name": n, "type": t} for n, t in initiatives],
        data=bytes(data),
        source=filename,
    )


def check_questionnaire(data: bytes, filename: str) -> Instrument:
    """Load workbook ``data`` (called ``filename``) as a wave would, with the registry's
    initiatives; a problem is an ``InstrumentError`` naming the file, sheet, row and column."""
    return _load(data, Path(filename).name, _registry())


def answers_held(wave: Wave) -> int:
    """How many responses, imports and quarantined rows the wave holds (0: none yet — its
    questionnaire may still change)."""
    if wave.pk is None:
        return 0
    return (
        Response.objects.filter(wave=wave).count()
        + ImportBatch.objects.filter(wave=wave).count()
        + QuarantinedRow.objects.filter(wave=wave).count()
    )


def locked_message(wave: Wave) -> str:
    return _(
        "wave %(year)s already holds responses or imports; the questionnaire it was asked with "
        "cannot change — open a new wave for a new questionnaire"
    ) % {"year": wave.year}


def store_questionnaire(wave: Wave, data: bytes, filename: str, *, save: bool = True) -> Instrument:
    """Give ``wave`` the workbook ``data`` (called ``filename``): its bytes, file name,
    checksum and version. The workbook must load (else an ``InstrumentError`` naming the
    file), and the wave must hold no responses or imports yet (else ``QuestionnaireLocked``).
    ``save=False`` sets the fields only (a form saves the wave). Returns the loaded workbook."""
    if answers_held(wave):
        raise QuestionnaireLocked(locked_message(wave))
    filename = Path(filename).name
    instrument = check_questionnaire(data, filename)
    assign_questionnaire(wave, data, filename, instrument, save=save)
    return instrument


def assign_questionnaire(
    wave: Wave, data: bytes, filename: str, instrument: Instrument, *, save: bool
) -> None:
    """Set the wave's questionnaire fields to workbook ``data`` as loaded (``instrument``),
    without checks: for a caller that has made them (``store_questionnaire``, a form)."""
    wave.questionnaire = bytes(data)
    wave.questionnaire_file = filename
    wave.questionnaire_sha256 = checksum(data)
    wave.questionnaire_version = instrument.version
    if save:
        wave.save(update_fields=list(QUESTIONNAIRE_FIELDS))


def open_wave(
    region: Region,
    year: int,
    *,
    fieldwork_start: dt.date,
    fieldwork_end: dt.date,
    invited: int,
    data: bytes | None = None,
    filename: str | None = None,
    synthetic: bool = False,
) -> Wave:
    """Open wave ``year`` asked with workbook ``data`` (called ``filename``; default: the
    default workbook). The workbook is checked before anything is written; the wave and its
    questionnaire are written together."""
    from .services import create_wave

    if data is None:
        path = default_workbook()
        data, filename = path.read_bytes(), path.name
    filename = Path(filename or "questionnaire.xlsx").name
    instrument = check_questionnaire(data, filename)
    with transaction.atomic():
        wave = create_wave(
            region,
            year,
            questionnaire_version=instrument.version,
            fieldwork_start=fieldwork_start,
            fieldwork_end=fieldwork_end,
            invited=invited,
            synthetic=synthetic,
        )
        stored = (wave.questionnaire_sha256, wave.questionnaire_file)
        if stored != (checksum(data), filename):  # not the default workbook as saving stored it
            assign_questionnaire(wave, data, filename, instrument, save=True)
    return wave


def wave_instrument(wave: Wave) -> Instrument:
    """The questionnaire ``wave`` is asked with: its stored workbook, with the registry's
    initiative choices, as of the wave's year. Loaded once per process (and again when the
    registry or the wave's workbook changes)."""
    initiatives = _registry()
    if not wave.questionnaire_sha256:  # not saved yet: what saving it would store
        data, filename, sha256, _version = default_questionnaire()
    else:
        data, filename, sha256 = None, wave.questionnaire_file, wave.questionnaire_sha256
    # the same workbook in the same year is the same questionnaire, whichever wave holds it
    key = (wave.year, sha256, filename, initiatives)
    if key not in _instruments:
        if data is None:
            data = bytes(wave.questionnaire)
        full = _load(data, filename or "questionnaire.xlsx", initiatives)
        if len(_instruments) >= _CACHE_SIZE:
            _instruments.clear()
        _instruments[key] = full.as_of(wave.year)
    return _instruments[key]
