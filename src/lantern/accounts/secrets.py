"""Password hashes (argon2id) and API token secrets.

Passwords are low-entropy and guessable, so they are stored as argon2id hashes, slow by design. API tokens
are 256 random bits: no one can guess them, so a fast SHA-256 digest is enough to store them, and it lets a
token be found by its digest in one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: Tokens carry this prefix so that secret scanners and people recognise them.
TOKEN_PREFIX = "lantern_"


@cache
def _dummy_hash() -> str:
    """A hash of a random password, verified against when the account does not exist, so that a sign-in with
    an unknown name costs the same time as one with a known name. Made on first use: hashing is deliberately
    slow, and no command but sign-in needs it."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
