"""`lantern report`, `lantern consultations` and the report pages, on the demo data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lantern.accounts.model import Role
from lantern.cli.main import app
from lantern.db.engine import Database
from lantern.demo.service import demo_password, ensure_demo_accounts
from lantern.errors import Conflict, NotFound, ValidationProblem
from lantern.settings import Settings
from lantern.web.app import create_app
from tests.integration.web.conftest import sign_in

pytestmark = pytest.mark.db
runner = CliRunner()


def test_the_cli_lists_and_writes_reports(demo_url: str, tmp_path: Path) -> None:
    listed = runner.invoke(app, ["--database-url", demo_url, "report", "--list", "--json"])
    assert listed.exit_code == 0, listed.output
    names = [r["name"] for r in json.loads(listed.output)]
    assert "holdings" in names
    out = tmp_path / "holdings.csv"
    made = runner.invoke(
        app,
        [
            "--database-url",
            demo_url,
            "report",
            "holdings",
            "--state",
            "Guerrero",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
    )
    assert made.exit_code == 0, made.output
    text = out.read_text()
    assert "# parameters: country=MX; state=Guerrero" in text
    assert "Policía" in text
    pdf = tmp_path / "review.pdf"
    made = runner.invoke(
        app, ["--database-url", demo_url, "report", "licence-review", "--format", "pdf", "-o", str(pdf)]
    )
    assert made.exit_code == 0, made.output
    assert pdf.read_bytes().startswith(b"%PDF")
    wrong = runner.invoke(app, ["--database-url", demo_url, "report", "nothing"])
    assert isinstance(wrong.exception, NotFound)
    bad = runner.invoke(app, ["--database-url", demo_url, "report", "holdings", "--format", "docx"])
    assert isinstance(bad.exception, ValidationProblem)


def test_consultations_are_added_listed_and_audited(demo_url: str) -> None:
    added = runner.invoke(
        app,
        [
            "--database-url", demo_url, "consultations", "add", "--bureau", "DRL", "--date", "2024-05-02",
            "--outcome", "objection", "--unit", "mx-tam-gopes", "--note", "Synthetic test record.", "--json",
        ],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    key = json.loads(added.output)["key"]
    listed = runner.invoke(
        app, ["--database-url", demo_url, "consultations", "list", "--from", "2024-01-01", "--json"]
    )
    assert [c["key"] for c in json.loads(listed.output)] == [key]
    again = runner.invoke(
        app,
        ["--database-url", demo_url, "consultations", "add", "--bureau", "DRL", "--date", "2024-05-02",
         "--outcome", "objection", "--key", key, "--unit", "mx-tam-gopes"],
    )  # fmt: skip
    assert isinstance(again.exception, Conflict)
    nothing = runner.invoke(
        app,
        ["--database-url", demo_url, "communications", "add", "--audience", "exporter", "--recipient", "X",
         "--kind", "pre_licensing", "--date", "2024-05-02", "--text", "Synthetic."],
    )  # fmt: skip
    assert isinstance(nothing.exception, ValidationProblem)
    assert "concerns a licence, a unit, or both" in str(nothing.exception)
    audit = runner.invoke(app, ["--database-url", demo_url, "audit", "verify", "--json"])
    assert json.loads(audit.output)["ok"] is True


def test_the_report_pages_show_the_report_and_its_downloads(demo: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None)
    ensure_demo_accounts(demo, settings)
    client = sign_in(
        TestClient(create_app(settings, database=demo), follow_redirects=False),
        "oversight",
        demo_password("oversight"),
    )
    listing = client.get("/reports")
    assert listing.status_code == 200
    assert "/reports/holdings" in listing.text
    page = client.get("/reports/holdings?state=Guerrero")
    assert page.status_code == 200
    assert "Items by unit, make, model and category" in page.text
    assert 'src="data:image/svg+xml;base64,' in page.text
    twin = client.get("/api/reports/holdings?state=Guerrero").json()
    assert twin["parameters"]["state"] == "Guerrero"
    assert "figures" not in twin
    csv = client.get(twin["downloads"]["CSV"])
    assert csv.headers["content-type"].startswith("text/csv")
    assert "state=Guerrero" in csv.text
    pdf = client.get(twin["downloads"]["PDF"])
    assert pdf.content.startswith(b"%PDF")
    exporter = sign_in(
        TestClient(create_app(settings, database=demo), follow_redirects=False),
        "exporter",
        demo_password("exporter"),
    )
    assert exporter.get("/reports/holdings").status_code == 403
    assert exporter.get("/api/reports").status_code == 403
    assert Role.EXPORTER.value == "exporter"
