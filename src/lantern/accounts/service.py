"""Accounts and tokens: add, list, disable, sign in, and find the account behind a session or a token.

Every change is written to the audit log in the caller's transaction, sign-ins and failed sign-ins included.
Functions that judge a sign-in return their verdict instead of raising, so the caller can commit the record
of a failure before refusing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from lantern.accounts.model import Account, Role
from lantern.accounts.secrets import hash_password, new_token, token_digest, verify_password
from lantern.accounts.throttle import Attempt, locked_until
from lantern.audit.service import record_change
from lantern.core.text import company_key
from lantern.db.tables.accounts import ApiTokenRow, LoginAttemptRow, UserRow
from lantern.errors import Conflict, LanternError, NotFound, ValidationProblem

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")


class SignInRefused(LanternError):
    status_code = 401


class Throttled(LanternError):
    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def account_from_row(row: UserRow, *, via_token: bool = False) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        display_name=row.display_name,
        company=row.company,
        exporter_key=row.exporter_key,
        via_token=via_token,
    )


def find_user(session: Session, username: str) -> UserRow:
    row = session.execute(
        select(UserRow).where(UserRow.username == username.strip().lower())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No account {username!r}.")
    return row


def add_user(
    session: Session,
    *,
    actor: str,
    username: str,
    role: Role,
    password: str,
    password_min_length: int,
    display_name: str | None = None,
    company: str | None = None,
) -> UserRow:
    """Create an account. Exporters must name their company: it decides which licences they see."""
    username = username.strip().lower()
    problems = []
    if not _USERNAME.match(username):
        problems.append(
            "username: 2 to 100 characters: lower-case letters, digits and . _ @ -, starting with a letter "
            "or digit"
        )
    if len(password) < password_min_length:
        problems.append(f"password: at least {password_min_length} characters")
    if role is Role.EXPORTER and not (company and company.strip()):
        problems.append("company: an exporter account needs the company whose licences it may see")
    if role is not Role.EXPORTER and company:
        problems.append("company: only exporter accounts belong to a company")
    if problems:
        raise ValidationProblem(f"Cannot add account {username!r}.", problems)
    if session.execute(select(UserRow.id).where(UserRow.username == username)).first():
        raise Conflict(f"An account {username!r} exists already.")
    row = UserRow(
        username=username,
        display_name=display_name,
        role=role.value,
        company=company.strip() if company else None,
        exporter_key=company_key(company) if company else None,
        password_hash=hash_password(password),
        active=True,
        session_epoch=0,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="account.add",
        entity_type="account",
        entity_key=username,
        after={"role": role.value, "company": row.company, "display_name": display_name},
    )
    return row


def list_users(session: Session) -> list[UserRow]:
    return list(session.execute(select(UserRow).order_by(UserRow.username)).scalars())


def disable_user(session: Session, *, actor: str, username: str, now: datetime) -> UserRow:
    """Disable an account: its sessions end and its tokens stop working at once."""
    row = find_user(session, username)
    if not row.active:
        return row
    row.active = False
    row.disabled_at = now
    row.session_epoch += 1
    record_change(
        session,
        actor=actor,
        action="account.disable",
        entity_type="account",
        entity_key=row.username,
        before={"active": True},
        after={"active": False},
    )
    return row


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    max_failures: int  # per account
    client_max_failures: int  # per client address
    window: timedelta


@dataclass(frozen=True, slots=True)
class SignInResult:
    account: Account | None = None
    session_epoch: int = 0
    locked_until: datetime | None = None

    def raise_if_refused(self, now: datetime) -> Account:
        if self.locked_until is not None:
            wait = max(1, int((self.locked_until - now).total_seconds()) + 1)
            raise Throttled(f"Too many failed sign-ins. Try again in {wait} seconds.", wait)
        if self.account is None:
            raise SignInRefused("Wrong user name or password, or the account is disabled.")
        return self.account


def _attempts(
    session: Session, column: InstrumentedAttribute[str], value: str, since: datetime
) -> list[Attempt]:
    query = select(LoginAttemptRow.at, LoginAttemptRow.succeeded)
    rows = session.execute(query.where(column == value, LoginAttemptRow.at >= since)).all()
    return [Attempt(_aware(at), succeeded) for at, succeeded in rows]


def sign_in(
    session: Session, *, username: str, password: str, client: str, now: datetime, limits: ThrottleLimits
) -> SignInResult:
    """Check a password, with throttling per account and per client address; record the attempt."""
    name = username.strip().lower()[:100]
    client = client[:100]
    since = now - limits.window
    lock = max(
        (
            locked_until(
                _attempts(session, LoginAttemptRow.username, name, since),
                now=now,
                max_failures=limits.max_failures,
                window=limits.window,
            )
            or now,
            locked_until(
                _attempts(session, LoginAttemptRow.client, client, since),
                now=now,
                max_failures=limits.client_max_failures,
                window=limits.window,
            )
            or now,
        )
    )
    if lock > now:
        # Refused without checking the password, and not counted, so the lock does not grow forever.
        record_change(
            session,
            actor=name or "(blank)",
            action="login.throttled",
            entity_type="account",
            entity_key=name,
            after={"client": client, "until": lock.isoformat()},
            at=now,
        )
        return SignInResult(locked_until=lock)
    row = session.execute(select(UserRow).where(UserRow.username == name)).scalar_one_or_none()
    good = verify_password(row.password_hash if row else None, password)
    ok = row is not None and row.active and good
    session.add(LoginAttemptRow(username=name, client=client, at=now, succeeded=ok))
    if not ok:
        reason = "unknown account" if row is None else ("disabled" if not row.active else "wrong password")
        record_change(
            session,
            actor=name or "(blank)",
            action="login.failed",
            entity_type="account",
            entity_key=name,
            after={"client": client, "reason": reason},
            at=now,
        )
        return SignInResult()
    assert row is not None
    row.last_login_at = now
    record_change(
        session,
        actor=name,
        action="login",
        entity_type="account",
        entity_key=name,
        after={"client": client},
        at=now,
    )
    return SignInResult(account=account_from_row(row), session_epoch=row.session_epoch)


def record_sign_out(session: Session, *, account: Account, client: str) -> None:
    record_change(
        session,
        actor=account.audit_name,
        action="logout",
        entity_type="account",
        entity_key=account.username,
        after={"client": client[:100]},
    )


def account_for_session(session: Session, user_id: int, epoch: int) -> Account | None:
    """The account a session cookie names, if it is still active and the session still valid."""
    row = session.get(UserRow, user_id)
    if row is None or not row.active or row.session_epoch != epoch:
        return None
    return account_from_row(row)


def create_token(
    session: Session, *, actor: str, username: str, name: str, expires_at: datetime | None
) -> tuple[ApiTokenRow, str]:
    """A new API token for an account. The token is returned once; only its digest is stored."""
    user = find_user(session, username)
    if not user.active:
        raise Conflict(f"Account {user.username!r} is disabled.")
    token = new_token()
    row = ApiTokenRow(
        user_id=user.id,
        name=name,
        token_digest=token_digest(token),
        hint=token[:14],
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="token.create",
        entity_type="api_token",
        entity_key=str(row.id),
        after={
            "account": user.username,
            "name": name,
            "hint": row.hint,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return row, token


def revoke_token(session: Session, *, actor: str, token_id: int, now: datetime) -> ApiTokenRow:
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFound(f"No API token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = now
        record_change(
            session,
            actor=actor,
            action="token.revoke",
            entity_type="api_token",
            entity_key=str(row.id),
            after={"account": row.user.username, "name": row.name},
        )
    return row


def list_tokens(session: Session, *, username: str | None = None) -> list[ApiTokenRow]:
    query = select(ApiTokenRow).join(UserRow).order_by(ApiTokenRow.id)
    if username:
        query = query.where(UserRow.username == username.strip().lower())
    return list(session.execute(query).scalars())


def account_for_token(session: Session, token: str, *, now: datetime) -> Account | None:
    """The account behind a bearer token: known, not revoked, not expired, and its account active."""
    row = session.execute(
        select(ApiTokenRow)
        .where(ApiTokenRow.token_digest == token_digest(token))
        .options(joinedload(ApiTokenRow.user))  # one query: every request with a token asks it
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and _aware(row.expires_at) <= now:
        return None
    if not row.user.active:
        return None
    return account_from_row(row.user, via_token=True)
