"""innomon — a regional SME innovation monitor, end to end."""

__version__ = "0.2.0"
