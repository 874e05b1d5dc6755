"""The report's content model: chapters of blocks (paragraphs, tables, charts, key figures)
whose numbers are ``Num`` records — the formatted text and where it came from. Built by
``content.build_content``; rendered by ``render_html``, ``render_pdf`` and ``render_xlsx``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from innomon.errors import InnomonError


@dataclass(frozen=True)
class Num:
    """A printed number and where it came from (``scale``: printed = stored × scale)."""

    text: str
    value: float | int
    ref: str
    scale: float = 1.0
    decimals: int = 0
    percent: bool = False


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Suppressed:
    """A cell the disclosure rules withhold: shown as such, never as zero or blank."""

    text: str


@dataclass(frozen=True)
class Range:
    low: Num
    high: Num


@dataclass(frozen=True)
class NotAsked:
    """An indicator the wave's questionnaire did not ask: one cell spanning the row's columns
    ("not asked in 2019"), never a number, never a row of suppressed placeholders."""

    text: str


Cell = Num | Text | Suppressed | Range | NotAsked


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[str | Num, ...]
    note: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]  # (row header, cells)
    note: str = ""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    caption: str
    alt: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: Cell
    detail: tuple[str | Num, ...]


@dataclass(frozen=True)
class KeyFigures:
    figures: tuple[KeyFigure, ...]


Block = Paragraph | Heading | Table | Chart | KeyFigures


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    blocks: tuple[Block, ...]
    sheet: str  # the workbook sheet of its tables (≤ 31 characters)


@dataclass(frozen=True)
class Definition:
    id: str
    name: str
    definition: str
    unit: str
    population: str


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    region_name: str
    year: int
    synthetic: bool
    synthetic_note: str
    footer: str
    build_id: int
    chapters: list[Chapter] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    long_rows: list[dict[str, Any]] = field(default_factory=list)  # every single-domain row
    cross_rows: list[dict[str, Any]] = field(default_factory=list)  # every two-way cross row
    # every question's weighted table in long form (region and single domains), for the workbook
    question_rows: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # words the renderers need


class ReportError(InnomonError):
    """The report cannot be made (e.g. the wave has no build, an unknown indicator)."""


class UnknownIndicator(ReportError):
    """The indicator asked for is not in the catalogue (a wrong command line: exit code 2)."""

    exit_code = 2
