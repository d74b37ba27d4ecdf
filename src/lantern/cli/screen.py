"""`lantern screen`: which unit or list entry a name refers to, one name or a file of them."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from lantern.cli.common import console, dumps, err_console, print_json, state
from lantern.errors import ValidationProblem
from lantern.screening import Query
from lantern.screening.service import load_screener


def read_queries(path: Path) -> list[Query]:
    """Reads names to screen from CSV (columns id, name; optional country, kind) or JSON lines (the same
    fields; `query` may stand for `name`). Problems are reported as file:line: field: message."""
    problems: list[str] = []
    queries: list[Query] = []
    if not path.is_file():
        raise ValidationProblem(f"no such file: {path}")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                problems.append(f"{path}:{line_no}: line: not JSON ({exc})")
                continue
            _add_query(queries, problems, item if isinstance(item, dict) else {}, path, line_no)
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            for line_no, row in enumerate(csv.DictReader(fh), start=2):
                _add_query(queries, problems, row, path, line_no)
    if problems:
        raise ValidationProblem(f"{len(problems)} problem(s) in {path}", problems)
    return queries


def _add_query(
    queries: list[Query], problems: list[str], item: dict[str, Any], path: Path, line_no: int
) -> None:
    name = item.get("name") or item.get("query")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{path}:{line_no}: name: missing or empty")
        return
    raw_id = item.get("id")
    queries.append(
        Query(
            name=name,
            id=str(raw_id) if raw_id not in (None, "") else str(line_no),
            country=item.get("country") or None,
            kind=item.get("kind") or None,
        )
    )


def screen(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="The name to screen, as written."),
    country: str | None = typer.Option(None, "--country", help="Only entities of this country (ISO code)."),
    kind: str | None = typer.Option(
        None, "--kind", help="Only this kind (army, state_police, company, person…) or group (unit, police)."
    ),
    limit: int = typer.Option(5, "--limit", min=1, help="Candidates per name."),
    file: Path | None = typer.Option(  # noqa: B008  # Typer declares options as defaults
        None, "--file", help="Screen every name of a CSV (id,name[,country,kind]) or JSON-lines file."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for a file (default: settings)."
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Build the index afresh and do not write the cache."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON (one object per input line for --file)."),
) -> None:
    """Screen a name against every unit and list entry: ranked candidates with scores and explanations."""
    if (name is None) == (file is None):
        raise ValidationProblem("give either a NAME or --file, not both")
    app_state = state(ctx)
    screener, report = load_screener(app_state.database(), app_state.settings, cache=not no_cache)
    err_console.print(
        f"index: {report.entities} entities ({report.source}; {report.analysed} analysed, "
        f"{report.removed} removed) in {report.seconds:.1f} s",
        highlight=False,
    )
    if file is not None:
        queries = [
            Query(name=q.name, id=q.id, country=q.country or country, kind=q.kind or kind)
            for q in read_queries(file)
        ]
        results = screener.screen_many(queries, workers=workers, limit=limit)
        for query, matches in zip(queries, results, strict=True):
            record = {"id": query.id, "query": query.name, "matches": [m.to_dict() for m in matches]}
            if json:
                sys.stdout.write(dumps(record, pretty=False) + "\n")
            else:
                best = matches[0] if matches else None
                shown = (
                    f"{best.decision} {best.score:.2f} {best.entity_id} ({best.name})"
                    if best
                    else "no candidate"
                )
                console.print(f"{query.id}\t{query.name}\t{shown}", highlight=False, markup=False)
        return
    assert name is not None
    matches = screener.screen(name, country=country, kind=kind, limit=limit)
    if json:
        print_json({"query": name, "matches": [m.to_dict() for m in matches]})
        return
    if not matches:
        console.print("No candidate.")
        return
    table = Table(title=f"Screening: {name}")
    for column in ("score", "decision", "id", "name", "why"):
        table.add_column(column)
    for m in matches:
        table.add_row(f"{m.score:.2f}", str(m.decision), m.entity_id, m.name, m.explanation.summary)
    console.print(table)
