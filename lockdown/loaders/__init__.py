"""Loaders: each turns one source of resources into ``Resource`` records (a ``LoadedStack``).

- ``preview.load_preview``: the output of ``pulumi preview --json``;
- ``state.load_state``: the output of ``pulumi stack export``;
- ``analyzer``: the CrossGuard wire format (what the engine sends a policy pack);
- ``program.load_program``: a Pulumi Python program, planned offline (``lockdown.planner``).

The value walking they all share (unknowns, secrets, ``__defaults``) is ``lockdown.values``,
one layer below, so that the offline planner uses the very same code.

A loader accepts the files the Pulumi CLI really writes, whatever the program's
language, and rejects anything else with a one-line ``LockdownError`` naming the
file and what is wrong. Adding a source means adding one module here.
"""
