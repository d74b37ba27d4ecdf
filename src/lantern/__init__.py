"""Lantern: keeps exported firearms out of the hands of security-force units implicated in abuses."""

__version__ = "0.1.0"
