"""Runtime configuration: environment variables with safe defaults, and the monitor's choices.

Everything innomon stores lives under one directory, ``INNOMON_HOME`` (default ``./innomon-data``):
the SQLite database (unless ``DATABASE_URL`` points elsewhere), the generated secret key and
``out/``.
The monitor's own choices (thresholds, disclosure rule) are data in ``monitor.yaml``, not constants.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # imported when used: innomon.stats pulls in numpy and scipy (0.6 s)
    from innomon.stats.disclosure import DisclosureRule

DEFAULT_HOME = "innomon-data"
DEFAULT_REGION = "noord-nederland"
# bootstrap replicates per build (docs/methodology.md, "Weighting in a build")
DEFAULT_REPLICATES = 500
MIN_REPLICATES = 20


class ConfigError(Exception):
    """A configuration value is unusable; the message says which and what to do."""


def home() -> Path:
    """The directory holding all state and outputs (created on demand by callers)."""
    return Path(os.environ.get("INNOMON_HOME") or DEFAULT_HOME).expanduser().resolve()


def out_dir() -> Path:
    return home() / "out"


def sqlite_path() -> Path:
    return home() / "innomon.sqlite3"


def region_code() -> str:
    return os.environ.get("INNOMON_REGION") or DEFAULT_REGION


def replicates() -> int:
    """Bootstrap replicates per build: ``INNOMON_REPLICATES``, default 500. Fewer make a quicker
    draft build (the test suite uses 50); the published build should keep the default."""
    raw = os.environ.get("INNOMON_REPLICATES", "").strip()
    if not raw:
        return DEFAULT_REPLICATES
    if not raw.isdigit() or int(raw) < MIN_REPLICATES:
        raise ConfigError(
            f"INNOMON_REPLICATES={raw} is not a whole number of at least {MIN_REPLICATES}; "
            f"unset it for the default of {DEFAULT_REPLICATES}"
        )
    return int(raw)


def ensure_home() -> Path:
    """Create ``INNOMON_HOME`` and ``out/``; a clear error when that is impossible."""
    path = home()
    try:
        (path / "out").mkdir(parents=True, exist_ok=True)
        probe = path / ".write-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"INNOMON_HOME={path} is not a writable directory ({exc.strerror}); "
            "set INNOMON_HOME to a directory you can write to"
        ) from exc
    return path


@dataclass(frozen=True)
class MonitorSettings:
    """The monitor's choices, read from ``monitor.yaml`` (see the comments there for sources)."""

    top_innovator_threshold: float
    min_publish_n: int
    dominance_n: int
    dominance_k: float

    def disclosure_rule(self) -> DisclosureRule:
        from innomon.stats.disclosure import DisclosureRule

        return DisclosureRule(self.min_publish_n, self.dominance_n, self.dominance_k)


@cache
def monitor_settings() -> MonitorSettings:
    text = resources.files("innomon").joinpath("monitor.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    threshold = float(data["typology"]["top_innovator_threshold"])
    if not 0 < threshold < 1:
        raise ConfigError(
            f"monitor.yaml: typology.top_innovator_threshold={threshold} must lie between 0 and 1"
        )
    return MonitorSettings(
        top_innovator_threshold=threshold,
        min_publish_n=int(data["disclosure"]["min_publish_n"]),
        dominance_n=int(data["disclosure"]["dominance_n"]),
        dominance_k=float(data["disclosure"]["dominance_k"]),
    )
