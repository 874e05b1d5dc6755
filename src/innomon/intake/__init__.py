"""Intake: bringing files into the register and the survey, validated, all or nothing."""
