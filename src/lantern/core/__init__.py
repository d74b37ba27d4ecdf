"""Shared pure value types: partial dates, provenance, identifiers."""
