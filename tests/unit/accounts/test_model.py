import pytest

from lantern.accounts.model import ROLE_PERMISSIONS, Account, Permission, Role, role_allows


def test_every_role_is_in_the_matrix() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_everyone_may_open_public_pages(role: Role) -> None:
    assert role_allows(role, Permission.PUBLIC)
    assert role_allows(role, Permission.SIGNED_IN)


def test_an_exporter_is_scoped_to_its_company() -> None:
    exporter = Account(1, "erp", Role.EXPORTER, company="Example Arms Inc.", exporter_key="example arms inc.")
    assert exporter.licence_scope == "example arms inc."
    assert Account(2, "lost", Role.EXPORTER).licence_scope not in (None, "")
    assert Account(3, "boss", Role.OVERSIGHT).licence_scope is None


def test_token_actions_are_named_as_such_in_the_audit_log() -> None:
    assert Account(1, "erp", Role.EXPORTER, via_token=True).audit_name == "erp (token)"
