"""Small pieces the area routers share: query parameters from HTML forms, and account summaries."""

from __future__ import annotations

from typing import Any

from pydantic import BeforeValidator

from lantern.accounts.model import Account, Permission
from lantern.web.models import AccountRead


def _blank_is_none(value: Any) -> Any:
    """HTML forms send empty fields as empty strings; an empty filter means no filter.

    Control characters are refused: no one types them, and a NUL byte cuts SQLite's LIKE pattern short and
    is an error in PostgreSQL text.
    """
    if not isinstance(value, str):
        return value
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("control characters are not allowed")
    return value.strip() or None


#: Put on every optional query parameter: `Annotated[X | None, Query(...), BlankIsNone] = None`.
BlankIsNone = BeforeValidator(_blank_is_none)


def account_read(account: Account) -> AccountRead:
    return AccountRead(
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        company=account.company,
        permissions=[p for p in Permission if p is not Permission.PUBLIC and account.can(p)],
        via_token=account.via_token,
    )


def filters_of(**values: object) -> dict[str, str]:
    """The filters a search was asked with, as strings, empty ones left out."""
    return {key: str(value) for key, value in values.items() if value not in (None, "")}
