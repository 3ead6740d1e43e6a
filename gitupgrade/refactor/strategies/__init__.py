"""Rule-based strategies, one module each, named in the table of upgrade types."""
