"""``innomon passports YEAR [--firm KVK]``: the passports of a build, stored and typeset.

1. ``content.build_passports`` computes every firm's passport from the build (no writes).
2. Each passport's view model is made in the firm's language and typeset into a temporary
   directory (a pool of Typst workers for many firms).
3. In one transaction the ``Passport`` rows replace the build's earlier ones for these firms,
   and every firm gets a valid private link.
4. Only then do the PDFs take their place in ``out/<region>/<year>/passports/`` (a full run
   replaces the directory; ``--firm`` replaces one file). A failure before that leaves the old
   passports as they were and removes the temporary files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation

from innomon.builds.models import Build
from innomon.builds.services import latest_build
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
    return out / wave.region.code / str(wave.year) / PASSPORTS_DIR


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
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".passports-", dir=final.parent))
    try:
        on_step("pdf", len(made))
        names = [pdf_name(wave.year, p.kvk) for p in made]
        write_all(
            template_path(),
            [(m, tmp / name) for m, name in zip(models, names, strict=True)],
            on_advance,
        )
        on_step("store", len(made))
        _store(build, made)
        if kvks is None:
            old = None
            if final.exists():
                old = final.parent / f".passports-old-{os.getpid()}"
                os.replace(final, old)
            os.replace(tmp, final)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        else:
            final.mkdir(exist_ok=True)
            for name in names:
                os.replace(tmp / name, final / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    languages: dict[str, int] = {}
    for p in made:
        languages[p.language] = languages.get(p.language, 0) + 1
    return PassportRun(build, final, [final / n for n in names], languages)
