"""Running reviews with the real screening engine: in the foreground, or queued for a worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from lantern.db.engine import Database
from lantern.jobs import JobQueue
from lantern.review import service
from lantern.review.matching import CANDIDATES_KEPT
from lantern.review.service import Outcome, Progress
from lantern.screening import MATCHER_VERSION, Query, Screener
from lantern.screening.service import load_screener
from lantern.settings import Settings


def screen_names(screener: Screener, settings: Settings) -> Any:
    """A batch function for the resolution step: every distinct (name, country) screened once.

    It asks for the candidates a resolution keeps, and for explanations only of those it can choose (at
    `possible` or above): a resolution stores the chosen candidate's explanation and the others' scores.
    """

    def screen_many(queries: list[tuple[str, str | None]]) -> Sequence[Sequence[Any]]:
        return screener.screen_many(
            [Query(name=name, country=country) for name, country in queries],
            workers=settings.screening.workers,
            limit=CANDIDATES_KEPT,
            explain="decided",
        )

    return screen_many


def run_review(
    database: Database,
    settings: Settings,
    *,
    job_id: int | None = None,
    as_of: date | None = None,
    country: str | None = None,
    since: date | None = None,
    progress: Progress | None = None,
    cause: str = "full review",
) -> tuple[int, Outcome]:
    """Review the book (or resume job `job_id`), screening every party with the current registry."""
    if job_id is None:
        params: dict[str, Any] = {"as_of": (as_of or date.today()).isoformat(), "cause": cause}
        if country:
            params["country"] = country
        if since:
            params["since"] = since.isoformat()
        job_id = service.start_job(database, kind="full", params=params)
    screener, _report = load_screener(database, settings)
    outcome = service.run_job(
        database,
        job_id,
        settings=settings.review,
        screener=screener,
        matcher_version=MATCHER_VERSION,
        actor=settings.actor,
        progress=progress,
        screen_many=screen_names(screener, settings),
    )
    # Ready the index of party names that list updates are screened backwards against (see triggers).
    from lantern.review.triggers import party_name_screener

    party_name_screener(database, settings)
    return job_id, outcome


def job_queue(settings: Settings, *, immediate: bool = False) -> JobQueue:
    """The queue with Lantern's tasks registered: a queued review runs (or resumes) its job row."""
    queue = JobQueue(settings, immediate=immediate)

    def review_task(job_id: int) -> str:
        database = Database.from_url(settings.resolved_database_url)
        try:
            _, outcome = run_review(database, settings, job_id=job_id)
        finally:
            database.dispose()
        return (
            f"{outcome.licences} licences, {outcome.new} new, {outcome.changed} changed, "
            f"{outcome.resolved} resolved"
        )

    queue.register("review", review_task)
    return queue
