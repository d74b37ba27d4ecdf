"""Roles, permissions and the account a request acts as. Pure: no I/O.

The role matrix is data: every web route declares one permission, and the matrix says which roles hold it.
`docs/web.md` prints the same matrix, and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    VETTING_ANALYST = "vetting_analyst"  # units, allegations, sources
    LICENSING_OFFICER = "licensing_officer"  # licences, findings, decisions
    MONITOR = "monitor"  # shipments, end-use checks, violation cases
    EXPORTER = "exporter"  # one company's own licences, nothing else
    OVERSIGHT = "oversight"  # reads everything, changes nothing


class Permission(StrEnum):
    """What a route needs. `*.read` permissions never change data; the others do."""

    PUBLIC = "public"  # no account needed (sign-in page, health check, API description)
    SIGNED_IN = "signed_in"  # any active account (dashboard, sign out)
    LICENCES_READ = "licences.read"  # exporters hold it too, limited to their company's licences
    REGISTRY_READ = "registry.read"  # units, allegations, sources
    REGISTRY_WRITE = "registry.write"
    SCREENING_USE = "screening.use"
    REVIEW_READ = "review.read"  # findings, alerts, decisions
    REVIEW_DECIDE = "review.decide"  # dispose findings, suspend or reinstate licences
    MONITORING_READ = "monitoring.read"  # shipments, serials, checks, cases
    MONITORING_WRITE = "monitoring.write"  # record checks, open cases
    SHIPMENTS_FILE = "shipments.file"  # file a shipment notice against a licence
    REPORTS_READ = "reports.read"
    IMPORTS_RUN = "imports.run"
    AUDIT_READ = "audit.read"
    ACCOUNTS_MANAGE = "accounts.manage"

    @property
    def writes(self) -> bool:
        return self in WRITE_PERMISSIONS


WRITE_PERMISSIONS = frozenset(
    {
        Permission.REGISTRY_WRITE,
        Permission.REVIEW_DECIDE,
        Permission.MONITORING_WRITE,
        Permission.SHIPMENTS_FILE,
        Permission.IMPORTS_RUN,
        Permission.ACCOUNTS_MANAGE,
    }
)

_EVERY_READ = frozenset(
    {
        Permission.SIGNED_IN,
        Permission.LICENCES_READ,
        Permission.REGISTRY_READ,
        Permission.SCREENING_USE,
        Permission.REVIEW_READ,
        Permission.MONITORING_READ,
        Permission.REPORTS_READ,
    }
)

#: Which permissions each role holds (PUBLIC is held by everyone, signed in or not).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - {Permission.PUBLIC},
    Role.VETTING_ANALYST: _EVERY_READ | {Permission.REGISTRY_WRITE, Permission.IMPORTS_RUN},
    Role.LICENSING_OFFICER: _EVERY_READ | {Permission.REVIEW_DECIDE, Permission.IMPORTS_RUN},
    Role.MONITOR: _EVERY_READ | {Permission.MONITORING_WRITE},
    # Exporters see their own licences and file shipment notices against them: never units, allegations,
    # sources, screening results, findings' evidence or the audit log.
    Role.EXPORTER: frozenset({Permission.SIGNED_IN, Permission.LICENCES_READ, Permission.SHIPMENTS_FILE}),
    Role.OVERSIGHT: _EVERY_READ | {Permission.AUDIT_READ},
}


def role_allows(role: Role, permission: Permission) -> bool:
    return permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS[role]


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in person or machine client a request acts for."""

    id: int
    username: str
    role: Role
    display_name: str | None = None
    company: str | None = None  # exporters: the company as written
    exporter_key: str | None = None  # exporters: the folded company name their licences carry
    via_token: bool = False

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)

    @property
    def licence_scope(self) -> str | None:
        """The only exporter key whose licences this account may see; None means every licence.

        An exporter account without a company sees nothing: the scope is then a key no licence carries.
        """
        if self.role is Role.EXPORTER:
            return self.exporter_key or "\x00no company"
        return None

    @property
    def audit_name(self) -> str:
        """How the audit log names this account's actions."""
        return f"{self.username} (token)" if self.via_token else self.username


def role_matrix_markdown() -> str:
    """The role matrix as a Markdown table: the one printed in docs/web.md, kept in step by a test."""
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(r.value.replace("_", " ") for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        if permission is Permission.PUBLIC:
            continue
        marks = " | ".join("yes" if role_allows(r, permission) else "" for r in roles)
        lines.append(f"| `{permission.value}` | {marks} |")
    return "\n".join(lines) + "\n"
