"""Fails on purpose."""


def explode(name: str) -> None:
    settings = {"retention": 30}
    raise ValueError(f"no settings for {name}: {settings['retention']}")
