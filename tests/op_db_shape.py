"""op_db entries for shape and numeric utilities, windows (issue 9 section 2)."""

OPS = []
