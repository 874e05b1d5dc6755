"""The raw file of every import, kept privately with its checksum: a wrong mapping never loses
an answer, and the same file imported again is recognised (its SHA-256).

``<out>/<region>/<year>/imports/<sha256[:12]>-<name>``: directories 0700, the copy 0600.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from innomon.config import open_private, private_mkdir
from innomon.errors import name_the_file

_BLOCK = 1 << 20


def sha256_of(path: Path) -> str:
    """The file's SHA-256 (hex), read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_path(out_dir: Path, region: str, year: int, sha256: str, name: str) -> Path:
    """Where the copy of a file with this checksum and name is kept."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name)
    return Path(out_dir) / region / str(year) / "imports" / f"{sha256[:12]}-{safe}"


def archive(path: Path, target: Path) -> bool:
    """Copy ``path`` privately to ``target`` (through a temporary file beside it); False when
    an identical copy is there already (nothing written)."""
    if target.is_file():
        return False
    private_mkdir(target.parent)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with path.open("rb") as src, open_private(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, _BLOCK)
        tmp.replace(target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        name_the_file(exc, target)
        raise
    return True
