"""Runtime configuration: environment variables with safe defaults, and the monitor's choices.

Everything innomon stores lives under one directory, ``INNOMON_HOME`` (default ``./innomon-data``):
the SQLite database (unless ``DATABASE_URL`` points elsewhere), the generated secret key,
``out/`` (the published reports, served to the public) and ``private/`` (everything holding
firm-level data; 0700, files 0600).
The monitor's own choices (thresholds, disclosure rule) are data in ``monitor.yaml``, not constants.
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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
    """The publicly served tree (``/out/…``): only the published reports are served from it."""
    return home() / "out"


PRIVATE_DIR = "private"


def private_dir() -> Path:
    """The private tree ``INNOMON_HOME/private``: everything that holds firm-level data —
    exports, import reports, raw imported files, passport PDFs and their temporary directories —
    under ``<region>/<year>/``. Directories 0700, files 0600; never served to the public (the
    monitor team downloads it behind login at ``/team/files/``)."""
    return home() / PRIVATE_DIR


def private_wave_dir(region: str, year: int) -> Path:
    """``private/<region>/<year>/``, created 0700."""
    return private_mkdir(private_dir() / region / str(year))


def private_mkdir(path: Path) -> Path:
    """Create the directory ``path`` and any missing parents with mode 0700 from the start: a
    directory is never wider than 0700 at any moment, whatever the umask (mkdir's mode is only
    narrowed by it; a umask that removes the owner's bits is corrected right after)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # another process made it a moment ago
            continue
        os.chmod(folder, 0o700)
    return path


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """Open ``path`` for writing as a private file: created with mode 0600 from the start (an
    existing file is narrowed to 0600 before anything is written). ``mode`` is one of ``w``,
    ``wb``, ``a``, ``ab``, ``x``, ``xb``; ``kwargs`` go to :func:`open` (encoding, newline)."""
    if mode not in ("w", "wb", "a", "ab", "x", "xb"):
        raise ValueError(f"open_private: mode {mode!r} is not a write mode")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= {"w": os.O_TRUNC, "a": os.O_APPEND, "x": os.O_EXCL}[mode[0]]
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, mode.replace("x", "w"), **kwargs)
    except BaseException:
        os.close(fd)
        raise


def create_private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (or narrow an existing one to 0600 and empty it), for
    writers that open a file by name themselves (pandas, pyreadstat, openpyxl keep the mode)."""
    open_private(path, "wb").close()
    return Path(path)


def sqlite_path() -> Path:
    return home() / "innomon.sqlite3"


def region_code() -> str:
    return os.environ.get("INNOMON_REGION") or DEFAULT_REGION


def replicates() -> int:
    """Bootstrap replicates per build: ``INNOMON_REPLICATES``, default 500. Fewer make a quicker
    draft build (the test suite uses 50); the published build should keep the default."""
    raw = os.environ.get("INNOMON_REPLICATES", "").strip()
    if not raw:
        from innomon.definition import load_settings

        return load_settings().replicates
    if not raw.isdigit() or int(raw) < MIN_REPLICATES:
        raise ConfigError(
            f"INNOMON_REPLICATES={raw} is not a whole number of at least {MIN_REPLICATES}; "
            f"unset it for the default of {DEFAULT_REPLICATES}"
        )
    return int(raw)


def ensure_home() -> Path:
    """Create ``INNOMON_HOME``, ``out/`` and ``private/`` (0700), and the SQLite database file
    0600 before the database opens it; a clear error when that is impossible."""
    path = home()
    try:
        (path / "out").mkdir(parents=True, exist_ok=True)
        private_mkdir(path / PRIVATE_DIR)
        os.chmod(path / PRIVATE_DIR, 0o700)
        if not os.environ.get("DATABASE_URL"):
            _private_sqlite(sqlite_path())
        probe = path / ".write-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"INNOMON_HOME={path} is not a writable directory ({exc.strerror}); "
            "set INNOMON_HOME to a directory you can write to"
        ) from exc
    return path


def _private_sqlite(database: Path) -> None:
    """The SQLite file and its WAL and shared-memory files are 0600: the file is made empty
    0600 before SQLite first opens it (SQLite gives its ``-wal``/``-shm`` files the database
    file's mode), and files an older innomon made 0644 are narrowed."""
    if not database.exists():
        with suppress(FileExistsError):
            open_private(database, "xb").close()
    for name in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            os.chmod(name, 0o600)


@dataclass(frozen=True)
class MonitorSettings:
    """The monitor's choices, from the monitor definition's ``monitor.yaml`` (sources there)."""

    top_innovator_threshold: float
    min_publish_n: int
    dominance_n: int
    dominance_k: float

    def disclosure_rule(self) -> DisclosureRule:
        from innomon.stats.disclosure import DisclosureRule

        return DisclosureRule(self.min_publish_n, self.dominance_n, self.dominance_k)


def monitor_settings() -> MonitorSettings:
    """The active monitor definition's choices (``innomon.definition``, ``monitor.yaml``)."""
    from innomon.definition import load_settings

    settings = load_settings()
    return MonitorSettings(
        top_innovator_threshold=settings.parameters.get("top_innovator_threshold", 0.40),
        min_publish_n=settings.min_publish_n,
        dominance_n=settings.dominance_n,
        dominance_k=settings.dominance_k,
    )
