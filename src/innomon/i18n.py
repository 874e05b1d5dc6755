"""The language of the texts that come from the monitor's data files.

User-interface strings go through gettext and the message catalogues (``locale/``). The labels,
names, hints and definitions of the data files — the questionnaire's XLSForm, the region file,
the indicator catalogue, the typology, ``monitor.yaml`` — carry both languages side by side, as a
``<field>_nl`` and a ``<field>_en`` attribute; ``localized`` picks one, so that this choice is made
in one place.
"""

from __future__ import annotations

from typing import Any


def localized(obj: Any, field: str, lang: str) -> Any:
    """``obj.<field>_en`` for English (``lang == "en"``), otherwise the Dutch ``obj.<field>_nl``."""
    return getattr(obj, f"{field}_en" if lang == "en" else f"{field}_nl")
