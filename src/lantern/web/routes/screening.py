"""Screening: type a name, see which units and list entries it may refer to, each score explained."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lantern.accounts.model import Permission
from lantern.screening.model import KIND_GROUPS
from lantern.screening.service import cached_screener
from lantern.units.model import UnitKind
from lantern.watchlists.model import EntryType
from lantern.web.deps import DatabaseDep, SettingsDep
from lantern.web.models_review import FeatureRead, ScreeningMatchRead, ScreeningRead
from lantern.web.routes.common import BlankIsNone
from lantern.web.routing import LanternRouter
from lantern.web.templating import segment

router = LanternRouter(tag="screening")

#: What the kind filter accepts: a group of kinds, a unit kind or a list entry type.
KINDS = sorted(KIND_GROUPS) + [k.value for k in UnitKind] + [t.value for t in EntryType]


@router.page(
    "/screening",
    permission=Permission.SCREENING_USE,
    template="screening/screen.html",
    partial="screening/_matches.html",
)
def screening(
    database: DatabaseDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=300, description="The name, as written."), BlankIsNone] = None,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Only entities of this country."), BlankIsNone
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=r"^[a-z_]+$",
            description="A kind (state_police, company…) or a group (unit, police).",
        ),
        BlankIsNone,
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> ScreeningRead:
    """Candidates for a name among every unit and list entry, ranked, each with its score, decision and the
    evidence behind it: the same screening the review and `lantern screen` use."""
    matches: list[ScreeningMatchRead] = []
    if q:
        screener = cached_screener(database, settings)
        for m in screener.screen(q, country=country.upper() if country else None, kind=kind, limit=limit):
            matches.append(
                ScreeningMatchRead(
                    id=m.entity_id,
                    name=m.name,
                    kind=m.kind,
                    score=round(m.score, 4),
                    decision=str(m.decision),
                    summary=m.explanation.summary,
                    features=[FeatureRead.model_validate(f.to_dict()) for f in m.explanation.features],
                    href=f"/units/{segment(m.entity_id[5:])}" if m.entity_id.startswith("unit:") else None,
                )
            )
    return ScreeningRead(
        query=q, country=country.upper() if country else None, kind=kind, matches=matches, kinds=KINDS
    )
