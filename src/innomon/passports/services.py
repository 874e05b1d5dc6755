"""``innomon passports YEAR [--firm KVK]``: the passports of a build, stored and typeset.

1. ``content.build_passports`` computes every firm's passport from the build (no writes).
2. Each passport's view model is made in the firm's language and typeset into a temporary
   directory (a pool of Typst workers for many firms).
3. In one transaction the ``Passport`` rows replace the build's earlier ones for these firms,
   and every firm gets a valid private link.
4. Only then do the PDFs take their place in ``private/<region>/<year>/passports/`` (a full
   run replaces the directory; ``--firm`` replaces one file). A failure before that leaves the
   old passports as they were and removes the temporary files.

The PDFs hold firms' figures: they live in the private tree (folders 0700, files 0600), never
under the public ``out/``; a firm reaches its own passport only behind its private link. SIGTERM
(or Ctrl-C) stops a run cleanly: the worker processes are ended and the temporary directory
removed, and the old passports stay as they were (the store and the swap of the directories are
finished first when the signal comes in between them). The command then exits with 143.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation

from innomon.builds.models import Build
from innomon.builds.services import latest_build
from innomon.config import private_mkdir
from innomon.registry.models import Firm
from innomon.survey.models import Wave

from .content import FirmPassport, PassportError, build_passports
from .links import PASSPORTS_DIR
from .models import Passport, PassportLink, new_token
from .render import template_path, view_model
from .rules import passport_rules
from .typeset import write_all


@dataclass(frozen=True)
class PassportRun:
    build: Build
    directory: Path
    paths: list[Path]
    languages: dict[str, int]


def pdf_name(year: int, kvk: str) -> str:
    return f"passport-{year}-{kvk}.pdf"


def passports_dir(out: Path, wave: Wave) -> Path:
    """The wave's passport folder under ``out`` (the private tree, ``config.private_dir()``)."""
    return out / wave.region.code / str(wave.year) / PASSPORTS_DIR


class _Stop:
    """SIGTERM as an exception (``SystemExit(143)``) in the main thread, so that ``finally``
    ends the workers and removes the temporary files; held back within a critical section."""

    def __init__(self) -> None:
        self.critical = False
        self.pending: int | None = None

    def handler(self, signum: int, frame: object) -> None:
        if self.critical or self.pending is not None:  # finish the section, or the cleanup
            self.pending = signum
            return
        self.pending = signum
        raise SystemExit(128 + signum)

    @contextmanager
    def critical_section(self) -> Iterator[None]:
        self.critical = True
        try:
            yield
        finally:
            self.critical = False
        if self.pending is not None:
            raise SystemExit(128 + self.pending)


@contextmanager
def _stoppable() -> Iterator[_Stop]:
    stop = _Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # e.g. called from a web server's thread: signals are not ours to handle
        return
    previous = signal.signal(signal.SIGTERM, stop.handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_for(wave: Wave) -> Build:
    build = latest_build(wave)
    if build is None:
        raise PassportError(
            f"wave {wave.year} has no build yet; run `innomon build {wave.year}` first"
        )
    return build


def _models(made: Sequence[FirmPassport]) -> list[str]:
    names = dict(Firm.objects.filter(id__in=[p.firm_id for p in made]).values_list("id", "name"))
    out = []
    for p in made:
        p.data["firm_name"] = names[p.firm_id]
        with translation.override(p.language):
            out.append(json.dumps(view_model(p.data, p.language), ensure_ascii=False))
    return out


@transaction.atomic
def _store(build: Build, made: Sequence[FirmPassport]) -> None:
    ids = [p.firm_id for p in made]
    Passport.objects.filter(build=build, firm_id__in=ids).delete()
    Passport.objects.bulk_create(
        [Passport(build=build, firm_id=p.firm_id, language=p.language, data=p.data) for p in made],
        batch_size=500,
    )
    days = passport_rules().link_valid_days
    expires = timezone.now() + timedelta(days=days)
    links = {
        link.firm_id: link
        for link in PassportLink.objects.select_for_update().filter(
            wave=build.wave, firm_id__in=ids
        )
    }
    PassportLink.objects.bulk_create(
        [
            PassportLink(firm_id=i, wave=build.wave, expires_at=expires)
            for i in ids
            if i not in links
        ],
        batch_size=500,
    )
    expired = [link for link in links.values() if link.expired]
    for link in expired:
        link.token = new_token()
        link.expires_at = expires
    PassportLink.objects.bulk_update(expired, ["token", "expires_at"], batch_size=500)


def make_passports(
    wave: Wave,
    out: Path,
    kvks: Sequence[str] | None = None,
    on_step: Callable[[str, int], None] = lambda step, total: None,
    on_advance: Callable[[int], None] = lambda n: None,
) -> PassportRun:
    """Make, store and write the passports of the latest build of ``wave`` (every responding
    firm, or only ``kvks``). ``on_step(name, total)`` starts a step, ``on_advance(k)`` reports
    progress within it."""
    build = build_for(wave)
    on_step("content", 0)
    made = build_passports(build, kvks, on_advance)
    on_step("texts", len(made))
    models = _models(made)
    final = passports_dir(out, wave)
    private_mkdir(final.parent)
    with _stoppable() as stop:
        tmp = Path(tempfile.mkdtemp(prefix=".passports-", dir=final.parent))  # 0700
        try:
            on_step("pdf", len(made))
            names = [pdf_name(wave.year, p.kvk) for p in made]
            write_all(
                template_path(),
                [(m, tmp / name) for m, name in zip(models, names, strict=True)],
                on_advance,
            )
            on_step("store", len(made))
            with stop.critical_section():
                _store(build, made)
                _put_in_place(tmp, final, names, whole=kvks is None)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    languages: dict[str, int] = {}
    for p in made:
        languages[p.language] = languages.get(p.language, 0) + 1
    return PassportRun(build, final, [final / n for n in names], languages)


def _put_in_place(tmp: Path, final: Path, names: Sequence[str], *, whole: bool) -> None:
    """Move the new PDFs from ``tmp`` into ``final``: the whole directory, or one by one."""
    if whole:
        old = None
        if final.exists():
            old = final.parent / f".passports-old-{os.getpid()}"
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    else:
        private_mkdir(final)
        for name in names:
            os.replace(tmp / name, final / name)
