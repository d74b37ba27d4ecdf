import json

from typer.testing import CliRunner

from lantern.cli.main import app
from tests.conftest import DatabaseFactory

runner = CliRunner()


def test_users_and_tokens_from_the_command_line(backend: str, database_factory: DatabaseFactory) -> None:
    url = database_factory.url(backend)
    base = ["--database-url", url]
    assert runner.invoke(app, [*base, "db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app,
        [
            *base,
            "users",
            "add",
            "erp",
            "--role",
            "exporter",
            "--company",
            "Example Arms Inc.",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    assert "no licence in the book" in added.output  # warned: the company has no licence yet
    short = runner.invoke(
        app, [*base, "users", "add", "bob", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0
    listed = json.loads(runner.invoke(app, [*base, "users", "list", "--json"]).output)
    assert [(u["username"], u["role"], u["active"]) for u in listed] == [("erp", "exporter", True)]
    created = runner.invoke(
        app, [*base, "tokens", "create", "erp", "--name", "ERP", "--days", "30", "--json"]
    )
    token = json.loads(created.output)
    assert token["token"].startswith("lantern_")
    tokens = json.loads(runner.invoke(app, [*base, "tokens", "list", "--json"]).output)
    assert tokens[0]["hint"] == token["token"][:14]
    assert token["token"] not in created.output.replace(token["token"], "", 1)
    assert runner.invoke(app, [*base, "tokens", "revoke", str(token["id"])]).exit_code == 0
    assert runner.invoke(app, [*base, "users", "disable", "erp"]).exit_code == 0
    listed = json.loads(runner.invoke(app, [*base, "users", "list", "--json"]).output)
    assert listed[0]["active"] is False
