"""Placeholder while the duplicates rules are written; registers no rule yet."""
