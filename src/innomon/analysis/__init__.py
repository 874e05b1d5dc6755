"""Innovation analytics — PURE: records in, results out; never Django, a database or a file."""
