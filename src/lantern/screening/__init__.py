"""The screening engine: which unit or list entry a name as written refers to.

    from lantern.screening import Screener, ScreeningEntity, Match, MATCHER_VERSION
    screener = Screener.build(entities, settings.screening)
    matches = screener.screen("Sria. de Marina (SEMAR)", country="MX")

See docs/screening.md for the rules, the explanation format and the measured quality and speed.
"""

from lantern.screening.model import (
    MATCHER_VERSION,
    Decision,
    Explanation,
    Feature,
    Match,
    MatchConfig,
    Query,
    ScreeningEntity,
)
from lantern.screening.screener import Screener

__all__ = [
    "MATCHER_VERSION",
    "Decision",
    "Explanation",
    "Feature",
    "Match",
    "MatchConfig",
    "Query",
    "Screener",
    "ScreeningEntity",
]
