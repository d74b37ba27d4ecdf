"""Browser tests: Playwright drives Debian's chromium (/usr/bin/chromium) against a live server.

Playwright cannot download its own browsers here, so the system chromium is launched by path. Where it (or
the Playwright package) is missing these tests skip with the reason, except in CI (CI=true), where they fail.
Screenshots go to artifacts/screenshots/, which CI keeps.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.db import migrate
from lantern.db.engine import Database
from lantern.db.tables.licences import LicenceRow
from lantern.review.runner import run_review
from lantern.review.service import decide
from lantern.settings import Settings
from tests.conftest import IN_CI
from tests.factories import add_licence, add_unit
from tests.integration.web.world import World, seed_world

CHROMIUM = os.environ.get("LANTERN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[browser]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = _unavailable()
    for item in items:
        if "tests/browser/" not in str(item.path).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=reason))
        # In CI the `browser` fixture fails these tests instead, with the same reason.


@pytest.fixture(scope="session")
def browser_reason() -> None:
    reason = _unavailable()
    if reason and IN_CI:
        pytest.fail(f"CI requires browser tests: {reason}", pytrace=False)


def add_browser_records(session: Session, world: World) -> None:
    """A synthetic municipal police unit with no allegation yet, and a licence naming it as end user: the
    journey of an analyst who adds an allegation against it."""
    unit = add_unit(
        session,
        "syn-pm-ejemplo",
        "Policía Municipal de Ejemplo (synthetic)",
        kind="municipal_police",
        level="municipal",
        state="Tamaulipas",
    )
    world.units["ejemplo"] = unit
    world.licences["ejemplo"] = add_licence(
        session,
        "050000009",
        issue_date=date(2023, 4, 3),
        end_user="Policía Municipal de Ejemplo (synthetic)",
        end_user_unit=unit,
        applicant="Example Arms Inc.",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, url: str, world: World, database: Database) -> None:
        self.url = url
        self.world = world
        self.database = database  # for journeys that need a change made elsewhere (a licence suspended)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import uvicorn

    from lantern.web.app import create_app

    data = tmp_path_factory.mktemp("browser")
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'lantern.db'}")
    database = Database.from_url(settings.resolved_database_url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        world = seed_world(session)
        add_browser_records(session, world)
    # Reviewed once, as a running installation is: imports and actions then re-vet what they change.
    run_review(database, settings, as_of=date(2026, 11, 1))
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, database=database), host="127.0.0.1", port=port, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", world, database)
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


@pytest.fixture(scope="session")
def browser(browser_reason: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Journey:
    """One browser tab with helpers: sign in, take numbered screenshots, and catch console errors."""

    def __init__(self, page: Any, server: LiveServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name
        self.shots = 0
        self.errors: list[str] = []
        self.allowed: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def allow_error(self, text: str) -> None:
        """A console error the journey expects, such as the 404 of a page it is refused."""
        self.allowed.append(text)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]

    def go(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def sign_in(self, username: str) -> None:
        from tests.integration.web.world import PASSWORD

        self.go("/login")
        self.page.get_by_label("User name").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**/dashboard")

    def shot(self, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = SCREENSHOTS / f"{self.name}-{self.shots:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def journey(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Journey]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    trip = Journey(page, live_server, request.node.name.removeprefix("test_"))
    yield trip
    context.close()
    assert trip.unexpected_errors() == [], f"browser console errors: {trip.errors}"


@contextmanager
def licence_restored(server: LiveServer, ref: str) -> Iterator[None]:
    """Reinstate `ref` after a journey that suspends it: every journey shares the live server's store and
    runs in any order, so one that leaves a licence suspended would change what the next one sees."""
    try:
        yield
    finally:
        with server.database.transaction() as session:
            status = session.execute(
                select(LicenceRow.status).where(
                    LicenceRow.agency == ref.split("/")[0], LicenceRow.number == ref.split("/")[1]
                )
            ).scalar_one()
            if status == "suspended":
                decide(
                    session,
                    ref,
                    action="reinstate",
                    actor="browser test",
                    justification="Reinstated after a journey (synthetic test record).",
                )
