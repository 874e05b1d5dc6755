"""Configuration by environment variables: safe defaults, and a clear error for a bad value."""

from __future__ import annotations

import pytest

from innomon import config


def test_replicates_default_to_500_and_follow_the_environment(monkeypatch):
    monkeypatch.delenv("INNOMON_REPLICATES", raising=False)
    assert config.replicates() == 500
    monkeypatch.setenv("INNOMON_REPLICATES", " 50 ")
    assert config.replicates() == 50


@pytest.mark.parametrize("value", ["10", "-5", "many", "2.5"])
def test_too_few_or_no_number_of_replicates_is_one_clear_error(monkeypatch, value):
    monkeypatch.setenv("INNOMON_REPLICATES", value)
    with pytest.raises(config.ConfigError) as caught:
        config.replicates()
    message = str(caught.value)
    assert f"INNOMON_REPLICATES={value}" in message
    assert "at least 20" in message
    assert "\n" not in message
