"""Naming helper in its own module."""

PREFIX = "acme"


def prefixed(name: str) -> str:
    return f"{PREFIX}-{name}"
