"""Services of the register: plain functions that the CLI, the demo and the web call alike.

Every loader validates the whole batch first and writes it in one transaction: a batch with any
problem raises ``InputError`` naming the source, row and field, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from innomon.classification import SME_SIZE_CLASSES, sbi_section, sbi_sections, size_class
from innomon.errors import InputError, Problem
from innomon.region import Region as RegionData

from .models import (
    Corop,
    Firm,
    FrameCell,
    Initiative,
    Municipality,
    Province,
    Region,
    validate_kvk,
    validate_website,
)


@transaction.atomic
def load_region(data: RegionData) -> Region:
    """Store (or update) a region's provinces, COROP regions and municipalities. Idempotent."""
    region, _ = Region.objects.update_or_create(
        code=data.code,
        defaults={
            "name_nl": data.name_nl,
            "name_en": data.name_en,
            "boundaries_year": data.boundaries_year,
        },
    )
    for p in data.provinces:
        province, _ = Province.objects.update_or_create(
            code=p.code,
            defaults={
                "region": region,
                "name_nl": p.name_nl,
                "name_en": p.name_en,
                "nuts2": p.nuts2,
            },
        )
        for c in p.corops:
            corop, _ = Corop.objects.update_or_create(
                code=c.code,
                defaults={
                    "province": province,
                    "name_nl": c.name_nl,
                    "name_en": c.name_en,
                    "nuts3": c.nuts3,
                },
            )
            for m in c.municipalities:
                Municipality.objects.update_or_create(
                    code=m.code, defaults={"corop": corop, "name": m.name}
                )
    return region


def _municipalities() -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.all()}


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(str(value).strip())


FIRM_FIELDS = ("kvk", "name", "sbi_code", "employees", "municipality", "founding_year")
NO_ROWS = "has no data rows (only a header, or nothing)"


def _rows(records: Iterable[Mapping[str, Any]], source: str) -> list[Mapping[str, Any]]:
    """The records as a list; none at all is an ``InputError``: a file with a header only is a
    wrong file (an empty export), never a batch to add — or a frame to replace — with nothing."""
    rows = list(records)
    if not rows:
        raise InputError([Problem(source, None, None, NO_ROWS)])
    return rows


def _too_long(model: type, field: str, value: str) -> str | None:
    """A message when ``value`` is longer than the model field holds, else None."""
    limit = model._meta.get_field(field).max_length
    return f"is longer than {limit} characters" if len(value) > limit else None


def register_firms(
    records: Iterable[Mapping[str, Any]],
    source: str,
    *,
    synthetic: bool = False,
    first_row: int = 1,
) -> int:
    """Add firms. Each record has ``kvk, name, sbi_code, employees, municipality`` and optionally
    ``founding_year``. Messages number the records from ``first_row`` (2 for a CSV file with a
    header line). Returns the number of firms added; no records at all is an ``InputError``."""
    records = _rows(records, source)
    munis = _municipalities()
    existing = set(Firm.objects.values_list("kvk", flat=True))
    problems: list[Problem] = []
    firms: list[Firm] = []
    seen: dict[str, int] = {}
    for row, rec in enumerate(records, start=first_row):
        before = len(problems)

        def bad(field: str, message: str, row: int = row) -> None:
            problems.append(Problem(source, row, field, message))

        kvk = str(rec.get("kvk", "")).strip()
        try:
            validate_kvk(kvk)
        except ValidationError:
            bad("kvk", f"'{kvk}' is not a KvK number (exactly 8 digits)")
        else:
            if kvk in existing:
                bad("kvk", f"firm {kvk} is already registered")
            elif kvk in seen:
                bad("kvk", f"firm {kvk} appears twice (also row {seen[kvk]})")
            seen.setdefault(kvk, row)
        name = str(rec.get("name", "")).strip()
        if not name:
            bad("name", "the firm's name is empty")
        elif too_long := _too_long(Firm, "name", name):
            bad("name", f"the firm's name {too_long}")
        sbi = str(rec.get("sbi_code", "")).strip()
        try:
            sbi_section(sbi)
        except ValueError as exc:
            bad("sbi_code", str(exc))
        try:
            employees = _int(rec.get("employees"))
            size_class(employees)
        except (TypeError, ValueError):
            bad("employees", f"'{rec.get('employees')}' is not a number of employees (0 or more)")
            employees = 0
        founding = rec.get("founding_year")
        if founding in ("", None):
            founding = None
        else:
            try:
                founding = _int(founding)
                if not 1600 <= founding <= 2100:
                    raise ValueError(founding)
            except (TypeError, ValueError):
                bad("founding_year", f"'{rec.get('founding_year')}' is not a year")
                founding = None
        muni_code = str(rec.get("municipality", "")).strip()
        if muni_code not in munis:
            bad(
                "municipality",
                f"municipality '{muni_code}' is not in the region "
                "(use a CBS code such as GM0014; see `innomon region`)",
            )
        if len(problems) == before:
            firm = Firm(
                kvk=kvk,
                name=name,
                sbi_code=sbi,
                employees=employees,
                founding_year=founding,
                municipality=munis[muni_code],
                is_synthetic=synthetic,
            )
            firm.derive()
            firms.append(firm)
    if problems:
        raise InputError(problems)
    try:
        with transaction.atomic():
            Firm.objects.bulk_create(firms, batch_size=2000)
    except IntegrityError as exc:  # a concurrent writer registered one of them meanwhile
        raise InputError([Problem(source, None, "kvk", f"conflict while writing: {exc}")]) from exc
    return len(firms)


def register_initiatives(
    records: Iterable[Mapping[str, Any]], source: str, *, first_row: int = 1
) -> int:
    """Add collaboration initiatives (``name, type, theme, municipality, partners, website,
    real, source``); same all-or-nothing rule as ``register_firms``."""
    records = _rows(records, source)
    munis = _municipalities()
    existing = set(Initiative.objects.values_list("name", flat=True))
    valid_types = set(Initiative.Type.values)
    problems: list[Problem] = []
    items: list[Initiative] = []
    for row, rec in enumerate(records, start=first_row):
        before = len(problems)
        name = str(rec.get("name", "")).strip()
        if not name or name in existing:
            problems.append(Problem(source, row, "name", f"name '{name}' is empty or already used"))
        existing.add(name)
        for field_name in ("name", "theme", "source"):
            too_long = _too_long(Initiative, field_name, str(rec.get(field_name) or "").strip())
            if too_long:
                problems.append(Problem(source, row, field_name, f"the {field_name} {too_long}"))
        if rec.get("type") not in valid_types:
            problems.append(
                Problem(
                    source, row, "type", f"'{rec.get('type')}' is not one of {sorted(valid_types)}"
                )
            )
        if rec.get("municipality") not in munis:
            problems.append(
                Problem(
                    source,
                    row,
                    "municipality",
                    f"municipality '{rec.get('municipality')}' is not in the region",
                )
            )
        website = str(rec.get("website") or "").strip()
        if website:
            try:
                validate_website(website)
            except ValidationError:
                problems.append(
                    Problem(
                        source,
                        row,
                        "website",
                        f"'{website}' is not a website address: only http:// or https://",
                    )
                )
        if len(problems) == before:
            items.append(
                Initiative(
                    name=name,
                    type=rec["type"],
                    theme=str(rec.get("theme", "")),
                    municipality=munis[rec["municipality"]],
                    partners=rec.get("partners"),
                    website=website,
                    is_real=bool(rec.get("real", False)),
                    source=str(rec.get("source", "")),
                )
            )
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        Initiative.objects.bulk_create(items)
    return len(items)


def load_frame(
    region: Region, year: int, cells: Iterable[Mapping[str, Any]], source: str, *, origin: str = ""
) -> int:
    """Replace the population frame of ``region`` for ``year`` with ``cells``
    (``unit_level, unit_code, sbi_section, size_class, count``). All or nothing: no cells at
    all is an ``InputError`` and the year's frame stays as it was."""
    cells = _rows(cells, source)
    codes = {
        "province": set(Province.objects.filter(region=region).values_list("code", flat=True)),
        "corop": set(Corop.objects.filter(province__region=region).values_list("code", flat=True)),
        "municipality": set(
            Municipality.objects.filter(corop__province__region=region).values_list(
                "code", flat=True
            )
        ),
    }
    problems: list[Problem] = []
    rows: list[FrameCell] = []
    keys: set[tuple[str, str, str]] = set()
    for row, c in enumerate(cells, start=1):
        level = c.get("unit_level")
        if level not in codes or c.get("unit_code") not in codes[level]:
            problems.append(
                Problem(
                    source,
                    row,
                    "unit_code",
                    f"'{c.get('unit_code')}' is not a {level} of {region.code}",
                )
            )
            continue
        if c.get("size_class") not in SME_SIZE_CLASSES:
            problems.append(
                Problem(
                    source, row, "size_class", f"'{c.get('size_class')}' is not an SME size class"
                )
            )
            continue
        if c.get("sbi_section") not in sbi_sections():
            problems.append(
                Problem(
                    source,
                    row,
                    "sbi_section",
                    f"'{c.get('sbi_section')}' is not an SBI 2008 section letter",
                )
            )
            continue
        key = (c["unit_code"], c["sbi_section"], c["size_class"])
        if key in keys:
            problems.append(Problem(source, row, None, f"cell {key} appears twice"))
            continue
        keys.add(key)
        try:
            count = _int(c.get("count"))
            if count < 0:
                raise ValueError(count)
        except (TypeError, ValueError):
            problems.append(Problem(source, row, "count", f"'{c.get('count')}' is not a count"))
            continue
        rows.append(
            FrameCell(
                region=region,
                year=year,
                unit_level=level,
                unit_code=c["unit_code"],
                sbi_section=c["sbi_section"],
                size_class=c["size_class"],
                count=count,
                source=origin,
            )
        )
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        FrameCell.objects.filter(region=region, year=year).delete()
        FrameCell.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
