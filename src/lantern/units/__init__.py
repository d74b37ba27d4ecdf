"""The registry of security-force units: hierarchy over time, aliases and acronyms."""
