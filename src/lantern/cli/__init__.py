"""The `lantern` command: one Typer app with a sub-app per domain."""
