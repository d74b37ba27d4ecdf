"""Small text helpers shared by every domain."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


def collapse_spaces(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: a key for comparing names as written."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return collapse_spaces(stripped.casefold())


_NOT_WORD = re.compile(r"[\W_]+")


def company_key(name: str) -> str:
    """The key that ties an exporter's account to its licences: the folded name without punctuation.

    "SIG SAUER, Inc." and "Sig Sauer Inc" are one company as written in different licences; the legal form
    stays, so Sig Sauer GmbH and Sig Sauer, Inc. remain two companies.
    """
    return _NOT_WORD.sub(" ", fold(name)).strip()[:300]
