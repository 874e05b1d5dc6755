"""Fixtures for the instrument tests: the demo's initiative registry and the loaded instrument."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import innomon
from innomon.instrument import load_instrument

DEMO_INITIATIVES = Path(innomon.__file__).parent / "demo" / "data" / "initiatives.yaml"


@pytest.fixture(scope="session")
def initiatives() -> list[dict]:
    return yaml.safe_load(DEMO_INITIATIVES.read_text(encoding="utf-8"))["initiatives"]


@pytest.fixture(scope="session")
def instrument(initiatives):
    return load_instrument(initiatives)
