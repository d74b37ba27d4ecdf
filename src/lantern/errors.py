"""One exception family. Each error carries a message fit for a user and an HTTP status."""

from __future__ import annotations


class LanternError(Exception):
    """Base of every error Lantern raises on purpose."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(LanternError):
    status_code = 404


class Conflict(LanternError):
    status_code = 409


class Forbidden(LanternError):
    status_code = 403


class SchemaBehind(LanternError):
    """The database schema is older than the code; `lantern db upgrade` brings it up to date."""

    status_code = 503


class ValidationProblem(LanternError):
    """Input that cannot be stored. `problems` lists each as `file:line: field: message`."""

    status_code = 422

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
