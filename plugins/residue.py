"""Placeholder while the residue rules are written; registers no rule yet."""
