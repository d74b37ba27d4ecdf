from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lantern.accounts.model import Role
from lantern.accounts.service import (
    SignInResult,
    ThrottleLimits,
    account_for_session,
    account_for_token,
    add_user,
    create_token,
    disable_user,
    revoke_token,
    sign_in,
)
from lantern.audit.service import recent, verify_chain
from lantern.db.engine import Database
from lantern.db.tables.accounts import ApiTokenRow, UserRow
from lantern.errors import Conflict, ValidationProblem

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
LIMITS = ThrottleLimits(max_failures=3, client_max_failures=10, window=timedelta(minutes=15))
PASSWORD = "a long enough password"


def _add(db: Database, username: str = "ana", role: Role = Role.VETTING_ANALYST, **kw: str) -> None:
    with db.transaction() as session:
        add_user(
            session,
            actor="admin",
            username=username,
            role=role,
            password=PASSWORD,
            password_min_length=12,
            **kw,
        )


def test_adding_an_account_stores_an_argon2_hash_and_audits_without_it(db: Database) -> None:
    _add(db, "Ana")
    with db.session() as session:
        row = session.execute(select(UserRow)).scalar_one()
        assert row.username == "ana"
        assert row.password_hash is not None
        assert row.password_hash.startswith("$argon2id$")
        entry = recent(session, limit=1)[0]
        assert (entry.action, entry.entity_key) == ("account.add", "ana")
        assert PASSWORD not in str(entry.after)
        assert "argon2" not in str(entry.after)


@pytest.mark.parametrize(
    ("username", "role", "company", "password", "problem"),
    [
        ("a b", Role.ADMIN, None, PASSWORD, "username"),
        ("x", Role.ADMIN, None, PASSWORD, "username"),
        ("erp", Role.EXPORTER, None, PASSWORD, "company"),
        ("ana", Role.OVERSIGHT, "Example Arms", PASSWORD, "company"),
        ("ana", Role.ADMIN, None, "short", "password"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(
    db: Database, username: str, role: Role, company: str | None, password: str, problem: str
) -> None:
    with pytest.raises(ValidationProblem) as caught, db.transaction() as session:
        add_user(
            session,
            actor="admin",
            username=username,
            role=role,
            password=password,
            password_min_length=12,
            company=company,
        )
    assert any(p.startswith(problem) for p in caught.value.problems)


def test_a_name_is_taken_once(db: Database) -> None:
    _add(db)
    with pytest.raises(Conflict):
        _add(db)


def test_an_exporter_is_tied_to_its_company_key(db: Database) -> None:
    _add(db, "erp", Role.EXPORTER, company="  Exámple Arms Inc. ")
    with db.session() as session:
        row = session.execute(select(UserRow)).scalar_one()
        assert (row.company, row.exporter_key) == ("Exámple Arms Inc.", "example arms inc")


def _try(db: Database, password: str, *, at: datetime = NOW, client: str = "10.0.0.1") -> SignInResult:
    with db.transaction() as session:
        return sign_in(session, username="ana", password=password, client=client, now=at, limits=LIMITS)


def test_sign_in_checks_the_password_and_audits_both_outcomes(db: Database) -> None:
    _add(db)
    good = _try(db, PASSWORD)
    bad = _try(db, "wrong")
    assert good.account is not None
    assert good.account.username == "ana"
    assert bad.account is None
    with db.session() as session:
        actions = [e.action for e in recent(session, limit=3)]
        assert actions[:2] == ["login.failed", "login"]
        assert verify_chain(session).ok


def test_guessing_is_throttled_even_with_the_right_password(db: Database) -> None:
    _add(db)
    for minute in range(3):
        assert _try(db, "guess", at=NOW + timedelta(minutes=minute)).locked_until is None
    locked = _try(db, PASSWORD, at=NOW + timedelta(minutes=4))
    assert locked.account is None
    assert locked.locked_until == NOW + timedelta(minutes=15)
    later = _try(db, PASSWORD, at=NOW + timedelta(minutes=16))
    assert later.account is not None


def test_one_client_guessing_many_names_is_throttled(db: Database) -> None:
    with db.transaction() as session:
        for n in range(10):
            sign_in(session, username=f"user{n}", password="x", client="10.9.9.9", now=NOW, limits=LIMITS)
        result = sign_in(session, username="other", password="x", client="10.9.9.9", now=NOW, limits=LIMITS)
    assert result.locked_until is not None


def test_disabling_ends_sessions_and_tokens(db: Database) -> None:
    _add(db)
    with db.transaction() as session:
        _row, token = create_token(session, actor="admin", username="ana", name="t", expires_at=None)
        user = session.execute(select(UserRow)).scalar_one()
        user_id, epoch = user.id, user.session_epoch
    with db.session() as session:
        assert account_for_session(session, user_id, epoch) is not None
        assert account_for_token(session, token, now=NOW) is not None
    with db.transaction() as session:
        disable_user(session, actor="admin", username="ana", now=NOW)
    with db.session() as session:
        assert account_for_session(session, user_id, epoch) is None
        assert account_for_token(session, token, now=NOW) is None
    assert _try(db, PASSWORD).account is None


def test_tokens_are_stored_as_digests_and_expire_and_revoke(db: Database) -> None:
    _add(db)
    with db.transaction() as session:
        row, token = create_token(
            session, actor="admin", username="ana", name="ERP", expires_at=NOW + timedelta(days=1)
        )
        token_id = row.id
    with db.session() as session:
        stored = session.execute(select(ApiTokenRow)).scalar_one()
        assert token not in (stored.token_digest, stored.hint)
        assert token.startswith(stored.hint)
        assert account_for_token(session, token, now=NOW) is not None
        assert account_for_token(session, token, now=NOW + timedelta(days=2)) is None
        assert account_for_token(session, token + "x", now=NOW) is None
    with db.transaction() as session:
        revoke_token(session, actor="admin", token_id=token_id, now=NOW)
    with db.session() as session:
        assert account_for_token(session, token, now=NOW) is None
        assert [e.action for e in recent(session, limit=2)] == ["token.revoke", "token.create"]
