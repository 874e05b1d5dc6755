"""The panel: the same firms across waves, matched by KvK number."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from innomon.registry.models import Region

from .models import Response, Wave

_LEGAL_FORMS = re.compile(r"(?:^|\s)(?:b ?v|n ?v|v ?o ?f|c ?v|holding|groep|& ?zn|en zonen)$")


def normalise_name(name: str) -> str:
    """A firm name reduced for matching: no accents, case, punctuation or legal form."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^\w& ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    previous = None
    while previous != text:
        previous = text
        text = _LEGAL_FORMS.sub("", text).strip()
    return text


@dataclass(frozen=True)
class Overlap:
    year: int
    other_year: int
    responded: int
    other_responded: int
    both: int

    @property
    def share(self) -> float | None:
        """The share of this wave's respondents that also responded in the other wave."""
        return self.both / self.responded if self.responded else None


def respondents(wave: Wave) -> set[str]:
    """The KvK numbers of the firms with a complete SME response in ``wave`` — the responses a
    build analyses (large firms are invited, then excluded)."""
    return set(
        Response.objects.filter(wave=wave, status=Response.Status.COMPLETE)
        .exclude(firm__size_class="large")
        .values_list("firm__kvk", flat=True)
    )


def panel_firms(wave: Wave, other: Wave) -> set[str]:
    """The panel of two waves — the one definition the report's table and sentence, the build's
    trends and ``innomon panel`` share: the firms (matched by KvK number) with a complete SME
    response in both."""
    return respondents(wave) & respondents(other)


def panel_overlap(region: Region) -> list[Overlap]:
    """For every pair of waves: how many firms completed both (``panel_firms``)."""
    waves = list(Wave.objects.filter(region=region).order_by("year"))
    firms = {w.year: respondents(w) for w in waves}
    out = []
    for a in waves:
        for b in waves:
            if a.year != b.year:
                out.append(
                    Overlap(
                        a.year,
                        b.year,
                        len(firms[a.year]),
                        len(firms[b.year]),
                        len(firms[a.year] & firms[b.year]),
                    )
                )
    return out


def firm_histories(region: Region) -> dict[int, int]:
    """How many firms completed 1, 2, 3 … waves (complete SME responses, as ``respondents``)."""
    counts: dict[str, int] = {}
    for kvk in (
        Response.objects.filter(wave__region=region, status=Response.Status.COMPLETE)
        .exclude(firm__size_class="large")
        .values_list("firm__kvk", flat=True)
    ):
        counts[kvk] = counts.get(kvk, 0) + 1
    histogram: dict[int, int] = {}
    for n in counts.values():
        histogram[n] = histogram.get(n, 0) + 1
    return dict(sorted(histogram.items()))
