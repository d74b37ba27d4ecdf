"""Fixtures for web tests: the application over the seeded, rolled-back test database; signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.settings import Settings
from lantern.web.app import create_app
from tests.integration.web.world import PASSWORD, USERNAMES, World, seed_world

TOKEN_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')


@pytest.fixture
def world(db: Database) -> World:
    with db.transaction() as session:
        return seed_world(session)


@pytest.fixture
def app(db: Database, settings: Settings, world: World) -> FastAPI:
    return create_app(settings, database=db)


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page hands out (a signed cookie and the same value in its forms)."""
    page = client.get(path)
    match = TOKEN_FIELD.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    token = csrf_token(client)
    done = client.post(
        "/login",
        data={"csrftoken": token, "username": username, "password": password, "next": "/dashboard"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return client


ClientFor = Callable[[Role | str | None], TestClient]


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[ClientFor]:
    """A client signed in as the account of a role (or a username); None gives an anonymous client."""
    clients: list[TestClient] = []

    def make(who: Role | str | None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        if who is None:
            return client
        return sign_in(client, USERNAMES[who] if isinstance(who, Role) else who)

    yield make
    for client in clients:
        client.close()
