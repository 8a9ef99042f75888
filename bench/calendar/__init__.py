"""Calendar feed benchmark: `python -m bench.calendar` (see __main__.py)."""
