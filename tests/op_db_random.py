"""op_db entries for the random family (issue 9 section 3)."""

OPS = []
