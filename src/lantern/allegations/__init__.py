"""Allegations: sourced claims that a unit or person committed an abuse."""
