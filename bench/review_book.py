"""The licence review at scale: `python -m bench review_book [--licences N] [--backend sqlite|postgresql]`.

Targets (issue 4), on this 2-core machine:
- a full review of 200,000 licences (about 1,000,000 parties) against 50,000 units and 250,000 list entries
  in at most 10 minutes;
- one new allegation against a unit: the affected licences found and alerts raised in at most 1 s with that
  book loaded;
- a list update of 1,000 entries re-vetted in at most 10 s.

The book is `lantern synth` output (synthetic, labelled so), imported with the real importer. The full review
is the real resumable job (screening every distinct party name and consignee with the real engine, then the
criteria, then findings and alerts). The allegation and list update are real imports followed by the real
re-vetting (`review.triggers.revet`), each timed on its own. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import resource
import shutil
import time
import uuid
from pathlib import Path

import orjson
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from lantern.db import migrate
from lantern.db.engine import Database
from lantern.db.tables.review import AlertRow, FindingRow, ResolutionRow
from lantern.io.service import import_files
from lantern.review.runner import run_review
from lantern.review.service import Outcome, cached_registry
from lantern.review.triggers import change_from_import, party_name_screener, revet
from lantern.screening.service import load_screener
from lantern.settings import Settings
from lantern.synth.generate import SynthOptions, generate

OUT = Path(__file__).parent / "out"
PG_ADMIN_URL = os.environ.get("LANTERN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AS_OF = datetime.date(2026, 11, 1)


def book(licences: int, units: int, entries: int, seed: int) -> Path:
    directory = OUT / f"review-{licences}-{units}-{entries}-seed{seed}"
    if not (directory / "done").exists():
        generate(
            SynthOptions(
                seed=seed, licences=licences, units=units, entries=entries, shipment_share=0.3, max_serials=20
            ),
            directory,
        )
        (directory / "done").write_text("ok")
    return directory


def database_url(backend: str, tag: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT / f'review-{tag}.db'}"
    name = f"lantern_bench_review_{tag}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the screening workers): beside the
    wall time, it tells computing from waiting (for the disk, or for a core)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def units_by_licences(database: Database) -> list[tuple[str, int]]:
    """Units by how many resolved parties point at them, most first."""
    from lantern.db.tables.registry import UnitRow

    with database.session() as session:
        rows = session.execute(
            select(UnitRow.key, func.count(ResolutionRow.id))
            .join(ResolutionRow, ResolutionRow.unit_id == UnitRow.id)
            .group_by(UnitRow.key)
            .order_by(func.count(ResolutionRow.id).desc())
        ).all()
    return [(str(k), int(n)) for k, n in rows]


def allegation_record(key: str, unit_key: str) -> dict[str, object]:
    return {
        "id": key,
        "units": [unit_key],
        "violations": ["torture"],
        "start": "2019-05-01",
        "description": "SYNTHETIC benchmark allegation against a synthetic unit.",
        "citations": [{"source": "bench-src"}],
        "confidence": "high",
        "statuses": [{"status": "credible", "date": "2019-06-01"}],
    }


SYLLABLES = (
    "ra",
    "to",
    "vel",
    "quen",
    "dor",
    "mi",
    "sa",
    "lor",
    "bex",
    "tan",
    "zu",
    "fer",
    "gal",
    "nim",
    "ost",
)


def invented_name(rng: random.Random, *, person: bool) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    if person:
        return f"{word()} {word()} {word()}"
    return f"{word()} {word()} {rng.choice(['S.A. de C.V.', 'LLC', 'Inc.', 'Ltd.', 'S. de R.L.'])}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="SQLite: keep a copy of the reviewed book (database and screening caches) for --reviewed",
    )
    parser.add_argument(
        "--reviewed",
        action="store_true",
        help="SQLite: start from the copy --keep made; measure only the changes (allegations, list update)",
    )
    parser.add_argument(
        "--changes",
        choices=["all", "allegations", "list"],
        default="all",
        help="which changes to measure after the review (default: the allegations, then the list update)",
    )
    args = parser.parse_args(argv)

    source = book(args.licences, args.units, args.entries, args.seed)
    tag = uuid.uuid4().hex[:8]
    kept = OUT / f"review-kept-{args.licences}-{args.units}-{args.entries}-seed{args.seed}"
    settings = Settings(data_dir=OUT / f"review-data-{tag}", database_url=database_url(args.backend, tag))
    if args.reviewed:
        if args.backend != "sqlite" or not (kept / "book.db").exists():
            parser.error(f"--reviewed needs a SQLite book kept by --keep in {kept}")
        shutil.copytree(kept / "data", settings.data_dir)
        shutil.copyfile(kept / "book.db", OUT / f"review-{tag}.db")
        os.sync()  # the copy's gigabytes are written back now, not while the changes are timed
    database = Database.from_url(settings.resolved_database_url)
    imported = full = screen_load = 0.0
    phases: dict[str, float] = {}
    job: object = "reused"
    outcome = Outcome()
    if not args.reviewed:
        migrate.upgrade(database.engine)
        files = sorted(p for p in source.glob("*.jsonl"))
        started = time.perf_counter()
        import_files(database, files, actor="bench", settings=settings.imports)
        imported = time.perf_counter() - started

        # When each phase of the job first reported progress, and when the batches last did.
        first: dict[str, float] = {}
        last: dict[str, float] = {}

        def tick(phase: str, done: int, total: int) -> None:
            now = time.perf_counter()
            first.setdefault(phase, now)
            last[phase] = now

        started = time.perf_counter()
        job, outcome = run_review(database, settings, as_of=AS_OF, progress=tick)
        ended = time.perf_counter()
        full = ended - started
        batches_from = first.get("reviewing licences", ended)
        screen_load = batches_from - started
        phases = {
            "load_index_s": round(first.get("screening names", batches_from) - started, 1),
            "screen_names_s": round(batches_from - first.get("screening names", batches_from), 1),
            "batches_s": round(last.get("reviewing licences", ended) - batches_from, 1),
            "party_index_and_end_s": round(ended - last.get("reviewing licences", ended), 1),
        }
        if args.keep and args.backend == "sqlite":
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir(parents=True)
            database.dispose()
            shutil.copyfile(OUT / f"review-{tag}.db", kept / "book.db")
            shutil.copytree(settings.data_dir, kept / "data")
    else:
        # The changes below run in a process that has just reviewed the book; load what it would hold: the
        # screening index (on disk, current), the index of party names and the registry (in memory).
        started = time.perf_counter()
        load_screener(database, settings)
        party_name_screener(database, settings)
        with database.session() as session:
            cached_registry(session)
        print(f"screening index and registry loaded in {time.perf_counter() - started:.1f} s", flush=True)
    with database.session() as session:
        findings = session.execute(select(func.count(FindingRow.id))).scalar_one()
        resolved = session.execute(
            select(func.count(ResolutionRow.id)).where(ResolutionRow.entity_id.is_not(None))
        ).scalar_one()

    ranked = units_by_licences(database)
    resellers = set(settings.review.reseller_units)
    # A typical unit (the median of units that licences name), the busiest police or military unit, and the
    # worst case: the unit on most licences (the synthetic SEDENA, consignee of most of the book).
    cases = {
        "typical": ranked[len(ranked) // 2],
        "busiest": next(
            (u for u in ranked if not u[0].endswith(("sedena", "dcam")) and u[0] not in resellers), ranked[0]
        ),
        "worst": ranked[0],
    }
    scratch = settings.data_dir / "changes"
    scratch.mkdir(parents=True, exist_ok=True)
    sources = write_jsonl(
        scratch / "sources.jsonl", [{"id": "bench-src", "title": "SYNTHETIC benchmark source"}]
    )
    allegation_results = {}
    if args.changes == "list":
        cases = {}
    for label, (unit_key, parties_on_unit) in cases.items():
        path = write_jsonl(
            scratch / f"allegations-{label}.jsonl", [allegation_record(f"bench-{label}", unit_key)]
        )
        started = time.perf_counter()
        report = import_files(database, [sources, path], actor="bench", settings=settings.imports)
        imported_s = time.perf_counter() - started
        started = time.perf_counter()
        one = revet(
            database, settings, change_from_import(report), cause=f"bench {label}", actor="bench", as_of=AS_OF
        )
        took = time.perf_counter() - started
        allegation_results[label] = {
            "unit": unit_key,
            "parties_resolved_to_unit": parties_on_unit,
            "import_s": round(imported_s, 2),
            "revet_s": round(took, 2),
            "licences": one.licences,
            "alerts": len(one.alerts),
        }

    list_import = list_revet = list_cpu = 0.0
    listed = Outcome()
    if args.changes != "allegations":
        # A list update of 1,000 entries: 990 companies and people that are not parties of the book (names
        # made of invented syllables, so they cannot collide with the generator's small pool of company
        # names) and 10 written like sellers of the book, which re-vetting must find by screening backwards.
        rng = random.Random(args.seed + 1000)
        with (source / "licences.jsonl").open("rb") as stream:
            sellers: list[str] = []
            for line in stream:
                for party in orjson.loads(line)["parties"]:
                    if party["role"] == "seller" and party["name"] not in sellers:
                        sellers.append(party["name"])
                if len(sellers) >= 10:
                    break
        entries = [
            {
                "list": "bench-update",
                "id": f"S{i:04d}",
                "name": name.upper(),
                "type": "company",
                "listed": "2015",
            }
            for i, name in enumerate(sellers[:10])
        ] + [
            {
                "list": "bench-update",
                "id": f"N{i:04d}",
                "name": invented_name(rng, person=i % 3 == 0),
                "type": "person" if i % 3 == 0 else "company",
                "listed": "2015",
            }
            for i in range(1000 - len(sellers[:10]))
        ]
        lists = write_jsonl(
            scratch / "lists.jsonl", [{"id": "bench-update", "name": "SYNTHETIC update", "synthetic": True}]
        )
        update = write_jsonl(scratch / "list_entries.jsonl", entries)
        started = time.perf_counter()
        report = import_files(database, [lists, update], actor="bench", settings=settings.imports)
        list_import = time.perf_counter() - started
        started, cpu = time.perf_counter(), cpu_seconds()
        listed = revet(
            database,
            settings,
            change_from_import(report),
            cause="bench list update",
            actor="bench",
            as_of=AS_OF,
        )
        list_revet = time.perf_counter() - started
        list_cpu = cpu_seconds() - cpu
    with database.session() as session:
        alerts = session.execute(select(func.count(AlertRow.id))).scalar_one()

    result = {
        "backend": args.backend,
        "licences": args.licences,
        "units": args.units,
        "entries": args.entries,
        "import_s": round(imported, 1),
        "full_review_s": round(full, 1),
        "screening_s": round(screen_load, 1),
        "phases": phases,
        "findings": findings,
        "resolved_parties": resolved,
        "new_findings": outcome.new,
        "allegation": allegation_results,
        "list_import_s": round(list_import, 2),
        "list_revet_s": round(list_revet, 2),
        "list_revet_cpu_s": round(list_cpu, 2),
        "list_licences": listed.licences,
        "list_alerts": len(listed.alerts),
        "alerts_total": alerts,
        "peak_rss_mb": round(peak_rss_mb()),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "date": datetime.date.today().isoformat(),
        "job": job,
    }
    print(json.dumps(result, indent=1))
    database.dispose()


if __name__ == "__main__":
    main()
