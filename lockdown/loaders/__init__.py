"""Loaders: each turns one source of resources into ``Resource`` records (a ``LoadedStack``).

- ``preview.load_preview``: the output of ``pulumi preview --json``;
- ``state.load_state``: the output of ``pulumi stack export``;
- ``normalize``: the value walking they share (unknowns, secrets, ``__defaults``).

A loader accepts the files the Pulumi CLI really writes, whatever the program's
language, and rejects anything else with a one-line ``LockdownError`` naming the
file and what is wrong. Adding a source means adding one module here.
"""
