"""Placeholder while the sourcing rules are written; registers no rule yet."""
