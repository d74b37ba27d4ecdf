"""Licence review: the suspension criteria, findings, alerts and continuous re-vetting."""
