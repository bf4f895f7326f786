"""Drift: live AWS read with boto3, compared with the stack, evaluated with the same rules.

collectors/ (boto3 -> Resource, one module per service), scan.py (concurrent collection),
desired.py (state file or offline plan, physical identity), diff.py (drift classes),
report.py (the report document), render/ (markdown, json, html), merge.py, command.py (CLI).
"""
