"""Lockdown: governance for Pulumi on AWS that keeps captured employee data readable only by its named readers."""

__version__ = "0.1.0"
