"""The program's own package."""

from storage.buckets import make_store

__all__ = ["make_store"]
