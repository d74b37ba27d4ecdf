"""Small text helpers shared by every domain."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def collapse_spaces(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: a key for comparing names as written."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return collapse_spaces(stripped.casefold())
