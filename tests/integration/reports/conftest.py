"""The demo data set, loaded and reviewed once per backend for the report tests (which only read it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lantern.db.engine import Database
from lantern.demo.service import load_demo_data, load_demo_monitoring
from lantern.review.runner import run_review
from lantern.settings import Settings
from tests.conftest import BACKENDS, DatabaseFactory, require_backend

#: The review's day: fixed, so findings do not depend on when the tests run.
REVIEW_DAY = date(2026, 11, 1)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Database:
    require_backend(request.param)
    database = database_factory.create(request.param)
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("demo")), database_url=None)
    load_demo_data(database, settings)
    run_review(database, settings, as_of=REVIEW_DAY)
    load_demo_monitoring(database, settings, today=REVIEW_DAY)
    return database


@pytest.fixture(scope="module")
def demo_url(demo: Database) -> str:
    return demo.engine.url.render_as_string(hide_password=False)
