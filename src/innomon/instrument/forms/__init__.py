"""The questionnaire workbook (``innovatiemonitor.xlsx``) and ``build_workbook.py``, which writes
it."""
