"""Placeholder while the readability rules are written; registers no rule yet."""
