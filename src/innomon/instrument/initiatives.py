"""Choices from the initiative registry: one choice list per initiative type, with stable codes.

An initiative's code is a slug of its name — ASCII, lower case, words joined by ``_``
(``"Healthy Ageing Network Northern Netherlands (HANNN)"`` →
``healthy_ageing_network_northern_netherlands_hannn``). It depends on the name only, so it stays
the same from wave to wave. Names that give the same slug are told apart by ``_2``, ``_3``, … in
the alphabetical order of the names, whatever the order of the registry.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence

from innomon.instrument.model import Choice, InstrumentError

INITIATIVE_TYPES = ("network", "test_environment", "incubator")
LIST_PREFIX = "initiative_"
SOURCE = "initiative registry"


def list_name(initiative_type: str) -> str:
    """The choice list of an initiative type: ``initiative_<type>``."""
    return f"{LIST_PREFIX}{initiative_type}"


def slug(name: str) -> str:
    """The code of an initiative name (see the module docs)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    if words:
        return "_".join(words)
    return "initiative_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def initiative_choices(initiatives: Sequence[Mapping]) -> dict[str, tuple[Choice, ...]]:
    """The choice lists ``initiative_<type>`` for the registry's initiatives, in registry order.

    Each initiative is a mapping with at least ``name`` and ``type`` (network, test_environment
    or incubator); its name is the Dutch and the English label.
    """
    checked: list[tuple[str, str]] = []
    for i, item in enumerate(initiatives, start=1):
        if not isinstance(item, Mapping):
            raise InstrumentError(SOURCE, f"initiative {i} is not a mapping with name and type")
        name, kind = item.get("name"), item.get("type")
        if not isinstance(name, str) or not name.strip():
            raise InstrumentError(SOURCE, f"initiative {i} has no name")
        if kind not in INITIATIVE_TYPES:
            raise InstrumentError(
                SOURCE,
                f"initiative {i} ({name.strip()!r}) has type {kind!r}; "
                f"expected one of {', '.join(INITIATIVE_TYPES)}",
            )
        checked.append((name.strip(), kind))
    seen_names: set[str] = set()
    for name, _ in checked:
        if name in seen_names:
            raise InstrumentError(SOURCE, f"initiative {name!r} is listed twice")
        seen_names.add(name)
    codes: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(seen_names, key=lambda n: (slug(n), n)):
        base = code = slug(name)
        k = 1
        while code in taken:
            k += 1
            code = f"{base}_{k}"
        taken.add(code)
        codes[name] = code
    lists: dict[str, list[Choice]] = {list_name(t): [] for t in INITIATIVE_TYPES}
    for name, kind in checked:
        lists[list_name(kind)].append(Choice(codes[name], name, name))
    return {key: tuple(value) for key, value in lists.items()}
