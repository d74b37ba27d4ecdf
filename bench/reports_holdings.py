"""Holdings by unit on a large book: `python -m bench reports_holdings [--licences N] [--runs 3]`.

Targets (issue 7), on this 2-core machine: holdings by unit for a whole country from the 200,000-licence
synthetic book in at most 30 s as CSV and 60 s as PDF with charts.

The book is `lantern synth` output (synthetic, labelled so): 200,000 licences over 1,000 units, shipments
on 30% of the approved licences with at most `--max-serials` serial numbers per shipment line. It is imported
once with the real importer into a database kept under bench/out and reused. End-user parties are then tied
to the units the generator's truth file says they stand for (as if the source data named the unit), which is
what the review's resolutions would give without the 10-minute full review. Each timed run is the real command
`lantern report holdings --country MX --format csv|pdf -o FILE` in a new process, timed from outside (Python
start-up and imports included). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson
from sqlalchemy import bindparam, func, select, text, update

from lantern.db import migrate
from lantern.db.engine import Database
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.shipments import SerialRow, ShipmentRow
from lantern.io.service import import_files
from lantern.settings import Settings
from lantern.synth.generate import SynthOptions, generate

OUT = Path(__file__).parent / "out"
LANTERN = Path(sys.executable).with_name("lantern")
TARGETS = {"csv": 30.0, "pdf": 60.0}
PG_ADMIN_URL = os.environ.get("LANTERN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def book(licences: int, seed: int, max_serials: int) -> Path:
    directory = OUT / f"reports-{licences}-seed{seed}-serials{max_serials}"
    if not (directory / "done").exists():
        generate(
            SynthOptions(seed=seed, licences=licences, units=1000, entries=1000, max_serials=max_serials),
            directory,
        )
        (directory / "done").touch()
    return directory


def tie_end_users(database: Database, truth: Path) -> int:
    """Set each party's unit from the truth file, in batches of set-based updates."""
    with database.session() as session:
        licences = {
            f"{a}/{n}": i
            for i, a, n in session.execute(select(LicenceRow.id, LicenceRow.agency, LicenceRow.number))
        }
        units = dict(session.execute(select(UnitRow.key, UnitRow.id)).all())
    rows = []
    with truth.open("rb") as stream:
        for line in stream:
            record = orjson.loads(line)
            licence, unit = licences.get(record["licence"]), units.get(record.get("unit") or "")
            if licence is not None and unit is not None:
                rows.append({"l": licence, "p": record["party"], "u": unit})
    statement = (
        update(PartyRow)
        .where(PartyRow.licence_id == bindparam("l"), PartyRow.position == bindparam("p"))
        .values(unit_id=bindparam("u"))
        .execution_options(synchronize_session=False)
    )
    with database.transaction() as session:
        for start in range(0, len(rows), 20_000):
            session.connection().execute(statement, rows[start : start + 20_000])
    return len(rows)


def prepare(directory: Path, backend: str) -> tuple[str, dict[str, float | int]]:
    """The imported book's database URL, importing it the first time; with what it holds."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'book.db'}"
    else:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/lantern_bench_reports_{directory.name.replace('-', '_')}"
    marker = directory / f"imported-{backend}.json"
    if marker.exists():
        kept = Database.from_url(url)
        migrate.upgrade(kept.engine)  # a book kept from an earlier version of the schema
        kept.dispose()
        return url, orjson.loads(marker.read_bytes())
    if backend == "postgresql":
        from sqlalchemy import create_engine

        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"'))
            conn.execute(text(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"'))
        admin.dispose()
    settings = Settings(data_dir=directory / "data", database_url=url)
    database = Database.from_url(url)
    migrate.upgrade(database.engine)
    started = time.perf_counter()
    import_files(database, sorted(directory.glob("*.jsonl")), actor="bench", settings=settings.imports)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    tied = tie_end_users(database, directory / "truth" / "parties.jsonl")
    tying = time.perf_counter() - started
    with database.session() as session:
        info: dict[str, float | int] = {
            "licences": session.execute(select(func.count(LicenceRow.id))).scalar_one(),
            "shipments": session.execute(select(func.count(ShipmentRow.id))).scalar_one(),
            "serials": session.execute(select(func.count(SerialRow.id))).scalar_one(),
            "parties_tied": tied,
            "import_s": round(imported, 1),
            "tie_s": round(tying, 1),
        }
    database.dispose()
    marker.write_bytes(orjson.dumps(info))
    return url, info


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-serials", type=int, default=25)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--prepare-only", action="store_true", help="Generate and import the book, then stop (nothing timed)."
    )
    args = parser.parse_args(argv)

    from bench.import_licences import machine

    OUT.mkdir(parents=True, exist_ok=True)
    directory = book(args.licences, args.seed, args.max_serials)
    url, info = prepare(directory, args.backend)
    print(f"# reports_holdings: {info}")
    if args.prepare_only:
        return
    print(f"# {machine()}, {datetime.date.today()}, {args.backend}")
    print(f"# load average at start: {os.getloadavg()}")
    rows = []
    failed = False
    for fmt in ("csv", "pdf"):
        out = directory / f"holdings.{fmt}"
        times = []
        for attempt in range(args.runs):
            elapsed = timed(
                [str(LANTERN), "--database-url", url, "report", "holdings", "--country", "MX",
                 "--format", fmt, "-o", str(out)]
            )  # fmt: skip
            times.append(elapsed)
            print(
                f"  {fmt} run {attempt + 1}: {elapsed:.1f} s, {out.stat().st_size / 1e6:.1f} MB", flush=True
            )
        median = statistics.median(times)
        ok = median <= TARGETS[fmt]
        failed |= not ok
        rows.append(
            f"| holdings, whole country, {fmt.upper()} | {args.backend} | {median:.1f} s "
            f"({', '.join(f'{t:.1f}' for t in times)}) | ≤ {TARGETS[fmt]:.0f} s | {'yes' if ok else 'no'} "
            f"| {out.stat().st_size / 1e6:.1f} MB |"
        )
    print()
    print("| measure | store | median (runs) | target | met | output |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"# load average at end: {os.getloadavg()}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
