"""Builds: the stored results of one analysis run of a wave — what reports and passports read."""
