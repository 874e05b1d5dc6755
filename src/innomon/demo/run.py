"""Load the synthetic demo monitor through the real services, then build its outputs."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from innomon import config
from innomon.publish.report import build_reports
from innomon.region import load_region
from innomon.registry import services as registry
from innomon.registry.models import Region
from innomon.survey import services as survey
from innomon.survey.models import Response, Wave
from innomon.survey.responses import Policy, store_responses

from .generate import DemoData, generate
from .qualtrics import write_export

DEMO_SOURCE = "demo (synthetic)"

# The demo's steps, in order; the CLI shows them as a progress bar.
STEPS = (
    "generate",
    "region",
    "initiatives",
    "firms",
    "frame",
    "waves",
    "builds",
    "reports",
    "passports",
)


def read_data(name: str) -> Any:
    """A YAML file shipped in ``innomon/demo/data``."""
    return yaml.safe_load(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def parameters() -> dict[str, Any]:
    return read_data("parameters.yaml")


def initiatives() -> list[dict[str, Any]]:
    return read_data("initiatives.yaml")["initiatives"]


def is_loaded(region_code: str) -> bool:
    return Wave.objects.filter(region__code=region_code).exists()


def load(
    data: DemoData, region: Region, params: dict[str, Any], on_step: Callable[[str], None]
) -> None:
    """Write the generated monitor in one transaction: all of it, or nothing. The answers go
    the way real answers go: each wave is written as a Qualtrics export and imported."""
    from innomon.intake.importer import import_wave
    from innomon.survey.questionnaires import open_wave, wave_instrument

    with transaction.atomic():
        on_step("initiatives")
        registry.register_initiatives(initiatives(), "demo/data/initiatives.yaml")
        on_step("firms")
        registry.register_firms(data.firms, DEMO_SOURCE, synthetic=True)
        on_step("frame")
        for year, cells in data.frame.items():
            registry.load_frame(
                region,
                year,
                cells,
                f"{DEMO_SOURCE} frame {year}",
                origin="synthetic demo frame (innomon/demo/data/parameters.yaml)",
            )
        on_step("waves")
        firms = {f["kvk"]: f for f in data.firms}
        for w in data.waves:
            wave = open_wave(  # asked with the default workbook, stored with the wave
                region,
                w.year,
                fieldwork_start=w.fieldwork_start,
                fieldwork_end=w.fieldwork_end,
                invited=w.invited,
                synthetic=True,
            )
            instrument = wave_instrument(wave)
            # the invitation list first; the export then fills in who answered
            survey.record_responses(
                wave,
                [
                    {"kvk": r["kvk"], "status": "invited", "invited_at": r["invited_at"]}
                    for r in w.responses
                ],
                f"{DEMO_SOURCE} invitations {w.year}",
            )
            excluded = [r["kvk"] for r in w.responses if r["status"] == "excluded"]
            exported = [
                dict(r, status="partial") if r["status"] == "excluded" else r for r in w.responses
            ]
            path = write_export(  # the raw answers: private, like every file of firm data
                config.private_dir() / region.code / str(w.year) / f"qualtrics-{w.year}.csv",
                w.year,
                exported,
                firms,
                instrument,
            )
            result = import_wave(wave, path, instrument, config.private_dir())
            if result.quarantined:
                raise RuntimeError(
                    f"the demo's own export of {w.year} did not import cleanly: "
                    f"{result.problems[:3]}"
                )
            # the monitor team excludes the firms that turn out not to be SMEs (its edit)
            store_responses(
                wave,
                [{"kvk": kvk, "status": Response.Status.EXCLUDED} for kvk in excluded],
                source=f"{DEMO_SOURCE} exclusions {w.year}",
                policy=Policy.UPDATE,
            )


def run(on_step: Callable[[str], None] = lambda step: None) -> list[Path]:
    """Load the demo into the (migrated) database unless it is there already, then write the
    reports of every wave and the Innovation Passports of the latest built wave (with the firms'
    private links; ``innomon passports YEAR`` makes those of any other wave). Returns the
    reports' paths."""
    params = parameters()
    region_data = load_region(config.region_code())
    on_step("generate")
    loaded = is_loaded(region_data.code)
    data = None if loaded else generate(region_data, initiatives(), params)
    on_step("region")
    region = registry.load_region(region_data)
    if data is not None:
        load(data, region, params, on_step)
    else:
        for step in ("initiatives", "firms", "frame", "waves"):
            on_step(step)
    on_step("builds")
    from innomon.builds.analyse import make_analyse
    from innomon.builds.services import build_wave, latest_build

    for wave in Wave.objects.filter(region=region).order_by("year"):
        if latest_build(wave) is None:
            build_wave(wave, make_analyse(wave))
    on_step("reports")
    paths = build_reports(region, config.out_dir())
    # the demo's waves are synthetic: the team "publishes" them, so the landing page links
    # their reports (a real wave's report is public only after `innomon publish YEAR`)
    Wave.objects.filter(region=region, is_synthetic=True, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    on_step("passports")
    from innomon.passports.models import Passport
    from innomon.passports.services import make_passports

    built = ((w, latest_build(w)) for w in Wave.objects.filter(region=region).order_by("-year"))
    wave, made = next(((w, b) for w, b in built if b is not None), (None, None))
    if made is not None and not Passport.objects.filter(build=made).exists():
        make_passports(wave, config.private_dir())
    # a sample invitation to the latest wave ready for the landing page's link, which gives
    # every visitor one of their own (a fresh one after a visitor submitted theirs)
    from innomon.questionnaire.services import sample_invitation

    latest = Wave.objects.filter(region=region).order_by("-year").first()
    if latest is not None:
        sample_invitation(latest)
    return paths
