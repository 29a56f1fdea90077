"""Placeholder while the spacing rules are written; registers no rule yet."""
