"""The synthetic Northern Netherlands demo monitor, loaded through the real services."""
