"""op_db entries for indexing, gather and scatter (issue 9 section 1)."""

OPS = []
