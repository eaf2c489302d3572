"""Command line: ``python -m plain_language simplify --lang en FILE``."""

from .__main__ import main

__all__ = ["main"]
