"""Tracing and shipment notices at scale: `python -m bench trace_serials [--serials N] [--backend B]`.

Targets (issue 5), with 10,000,000 serials in the store:
- one trace (`lantern trace SERIAL`'s service call) ≤ 10 ms median;
- a batch trace of 100,000 serials (`lantern trace --file`'s service call) ≤ 30 s;
- 200 shipment notices per second sustained on PostgreSQL with 8 concurrent writers, and no over-shipment.

The store is filled with SYNTHETIC records (labelled so): `--licences` licences of one item, one shipment each
carrying its share of the serials, 1% of the serials with a later custody event (half with a sub-unit of the
end user, half with an unrelated unit). Serials and custody go in by COPY on PostgreSQL (executemany on
SQLite),
into the tables the migrations made, indexes and all. The traces are the real service calls on random serials
(10% of the batch on no licence). The notices are the real `file_notice` (draw-down rules, licence lock, the
check whether the licence could be held, audit) from 8 processes against `--hot` fresh licences until their
quantities run out, timed from when all 8 are started and connected; afterwards every licence's shipped
quantity is checked against its licensed quantity. `--one-writer N` first files N notices from this process,
one after another, for the wall and client CPU time of one notice.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from lantern.core.text import company_key
from lantern.db import migrate
from lantern.db.engine import Database
from lantern.db.tables.licences import ItemRow, LicenceRow, LicenceStatusRow, PartyRow
from lantern.db.tables.registry import UnitParentRow, UnitRow
from lantern.db.tables.review import ResolutionRow
from lantern.db.tables.shipments import ShipmentLineRow, ShipmentRow
from lantern.monitoring import service, trace
from lantern.monitoring.rules import serial_key
from lantern.settings import ReviewSettings

OUT = Path(__file__).parent / "out"
PG_ADMIN_URL = os.environ.get("LANTERN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MAKES = ["Colt", "Beretta", "Glock", "Sig Sauer", "Smith & Wesson"]
APPLICANT = "Synthetic Bench Arms LLC"


def database_url(backend: str, tag: str) -> str:
    if backend == "sqlite":
        OUT.mkdir(exist_ok=True)
        path = OUT / f"trace-{tag}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = f"lantern_bench_trace_{tag}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def serial_text(n: int) -> tuple[str, str, str, str]:
    """The n-th synthetic serial: (serial as written, its key, make, make key)."""
    make = MAKES[n % len(MAKES)]
    written = f"SYN-{make[:3].upper()}-{n:09d}"
    return written, f"syn{make[:3].lower()}{n:09d}", make, make.lower()


def add_units(db: Database, count: int) -> list[tuple[int, int, int]]:
    """`count` end-user units, each with a sub-unit and an unrelated unit: (end user, sub-unit, other) ids."""
    out = []
    with db.transaction() as session:
        for i in range(count):
            rows = [
                UnitRow(
                    key=f"syn-eu-{i}",
                    name=f"SYNTHETIC state police {i}",
                    kind="state_police",
                    level="state",
                    country="MX",
                ),
                UnitRow(
                    key=f"syn-sub-{i}",
                    name=f"SYNTHETIC special unit {i}",
                    kind="state_police",
                    level="state",
                    country="MX",
                ),
                UnitRow(
                    key=f"syn-other-{i}",
                    name=f"SYNTHETIC municipal police {i}",
                    kind="municipal_police",
                    level="municipal",
                    country="MX",
                ),
            ]
            session.add_all(rows)
            session.flush()
            session.add(UnitParentRow(unit_id=rows[1].id, parent_id=rows[0].id, position=0))
            out.append((rows[0].id, rows[1].id, rows[2].id))
    return out


def add_licences(
    db: Database, count: int, quantity: int, units: list[tuple[int, int, int]], prefix: str
) -> list[tuple[int, int]]:
    """`count` approved synthetic licences of one item: (licence id, item id)."""
    out = []
    approved = datetime.datetime(2015, 3, 2, tzinfo=datetime.UTC)
    with db.transaction() as session:
        for start in range(0, count, 2000):
            rows = []
            for i in range(start, min(count, start + 2000)):
                unit = units[i % len(units)][0]
                row = LicenceRow(
                    agency="DDTC",
                    number=f"{prefix}-{i:07d}",
                    kind="DSP-5",
                    destination_country="MX",
                    issue_date=approved.date(),
                    status="approved",
                    exporter_key=company_key(APPLICANT),
                    synthetic=True,
                    notes="SYNTHETIC benchmark licence",
                )
                row.parties = [
                    PartyRow(role="applicant", name=APPLICANT, country="US", position=0),
                    PartyRow(
                        role="end_user",
                        name=f"SYNTHETIC state police {i % len(units)}",
                        country="MX",
                        position=1,
                        unit_id=unit,
                    ),
                ]
                row.items = [
                    ItemRow(
                        line=1,
                        usml_category="I(a)",
                        fire_mode="semi_automatic",
                        description="Rifle",
                        manufacturer="Colt",
                        quantity=quantity,
                    )
                ]
                row.status_history = [
                    LicenceStatusRow(status="approved", changed_at=approved, actor="bench", position=0)
                ]
                rows.append(row)
            session.add_all(rows)
            session.flush()
            # The end user resolved to its unit, as a review leaves it: notices re-review these licences.
            session.execute(
                ResolutionRow.__table__.insert(),
                [
                    {
                        "party_id": r.parties[1].id,
                        "licence_id": r.id,
                        "entity_id": f"unit:syn-eu-{i % len(units)}",
                        "unit_id": r.parties[1].unit_id,
                        "decision": "match",
                        "score": 1.0,
                        "source": "data",
                        "candidates": [],
                    }
                    for i, r in zip(range(start, start + len(rows)), rows, strict=True)
                ],
            )
            out.extend((r.id, r.items[0].id) for r in rows)
    return out


def fill_serials(
    db: Database, licences: list[tuple[int, int]], serials: int, units: list[tuple[int, int, int]]
) -> None:
    """One shipment per licence with its share of the serials; 1% of serials with a custody event."""
    per = serials // len(licences)
    with db.transaction() as session:
        shipments = [
            {
                "key": f"SHP-BENCH-{i:07d}",
                "licence_id": lid,
                "shipment_date": datetime.date(2016, 1, 4),
                "status": "accepted",
                "filed_by": APPLICANT,
            }
            for i, (lid, _item) in enumerate(licences)
        ]
        session.execute(ShipmentRow.__table__.insert(), shipments)
        ids = dict(session.execute(select(ShipmentRow.licence_id, ShipmentRow.id)).all())
        session.execute(
            ShipmentLineRow.__table__.insert(),
            [
                {"shipment_id": ids[lid], "position": 0, "item_id": item, "quantity": per}
                for lid, item in licences
            ],
        )
    postgres = db.dialect == "postgresql"
    n = 0
    started = time.perf_counter()
    events = []
    for index, (lid, item) in enumerate(licences):
        rows = []
        for position in range(per):
            written, key, make, make_key = serial_text(n)
            rows.append(
                (written, key, make, make_key, "LE6920", "5.56x45mm", "I(a)", lid, ids[lid], item, position)
            )
            if n % 100 == 0:
                _end_user, sub, other = units[index % len(units)]
                events.append((n, written, make, sub if (n // 100) % 2 == 0 else other))
            n += 1
        _write_serials(db, rows, postgres)
        if index % 500 == 0:
            print(f"  serials: {n:,} in {time.perf_counter() - started:.0f} s", flush=True)
    _write_events(db, events, postgres)
    print(
        f"  serials: {n:,}, custody events {len(events):,} in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    if postgres:
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


SERIAL_COLUMNS = (
    "serial, serial_key, make, make_key, model, calibre, category, licence_id, shipment_id, item_id, position"
)


def _write_serials(db: Database, rows: Sequence[tuple[object, ...]], postgres: bool) -> None:
    with db.engine.begin() as conn:
        if postgres:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f"COPY serial ({SERIAL_COLUMNS}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
        else:
            conn.exec_driver_sql(
                f"INSERT INTO serial ({SERIAL_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows
            )


def _write_events(db: Database, events: list[tuple[int, str, str, int]], postgres: bool) -> None:
    with db.engine.begin() as conn:
        ids: dict[str, int] = {}
        keys = [serial_text(n)[1] for n, *_ in events]
        for start in range(0, len(keys), 5000):
            chunk = keys[start : start + 5000]
            query = text("SELECT serial_key, id FROM serial WHERE serial_key IN :k").bindparams(
                bindparam("k", expanding=True)
            )
            ids.update(conn.execute(query, {"k": chunk}).all())
        now = datetime.datetime.now(datetime.UTC)
        rows = [
            (
                f"ce-bench-{n}",
                ids[serial_text(n)[1]],
                written,
                make,
                "2019",
                datetime.date(2019, 1, 1),
                "transfer",
                "SYNTHETIC holder",
                unit,
                False,
                now,
            )
            for n, written, make, unit in events
        ]
        columns = (
            "key, serial_id, serial_written, make_written, partial_date, event_date, event, holder, "
            "holder_unit_id, given_key, updated_at"
        )
        if postgres:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f"COPY custody_event ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
        else:
            conn.exec_driver_sql(
                f"INSERT INTO custody_event ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows
            )


def measure_traces(db: Database, serials: int, singles: int, batch: int) -> dict[str, float]:
    rng = random.Random(7)
    picks = [serial_text(rng.randrange(serials)) for _ in range(singles)]
    assert serial_key(picks[0][2], picks[0][0]).serial == picks[0][1]
    timings = []
    queries = [0]

    def count(*_args: object) -> None:
        queries[0] += 1

    with db.session() as session:
        trace.trace_serial(session, picks[0][0], make=picks[0][2])  # warm the registry cache
        event.listen(db.engine, "before_cursor_execute", count)
        for written, _key, make, _ in picks:
            started = time.perf_counter()
            [found] = trace.trace_serial(session, written, make=make)
            timings.append(time.perf_counter() - started)
            assert found.found
        event.remove(db.engine, "before_cursor_execute", count)
    rows = []
    for line in range(batch):
        if line % 10 == 9:
            rows.append(
                (
                    line + 2,
                    {
                        "serial": f"NOT-LICENSED-{line}",
                        "make": "Glock",
                        "holder": "SYNTHETIC municipal police 1",
                    },
                )
            )
        else:
            written, _key, make, _ = serial_text(rng.randrange(serials))
            rows.append(
                (
                    line + 2,
                    {
                        "serial": written,
                        "make": make,
                        "found_date": "2020-05-01",
                        "holder": "SYNTHETIC municipal police 1",
                    },
                )
            )
    with db.session() as session:
        started = time.perf_counter()
        summary, _ = trace.trace_inventory(session, rows)
        batch_seconds = time.perf_counter() - started
    return {
        "trace_median_ms": statistics.median(timings) * 1000,
        "trace_p99_ms": sorted(timings)[int(len(timings) * 0.99) - 1] * 1000,
        "trace_queries": queries[0] / len(picks),
        "batch_seconds": batch_seconds,
        "batch_licensed": summary.us_licensed,
        "batch_retransfers": summary.retransfers,
    }


def _writer(
    url: str,
    keys: list[str],
    seconds: float,
    worker: int,
    tag: str,
    out: multiprocessing.Queue,  # type: ignore[type-arg]
    ready: Any,
) -> None:
    db = Database.from_url(url)
    with db.session() as session:
        session.execute(text("SELECT 1"))  # connected before the clock starts
    rng = random.Random(worker)
    counts = {"accepted": 0, "held": 0, "rejected": 0, "conflict": 0}
    errors: dict[str, int] = {}
    ready.wait()  # every writer started and connected: the sustained rate leaves process start-up out
    deadline = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < deadline:
        licence = rng.choice(keys)
        notice = {
            "id": f"N-{tag}-{worker}-{n}",
            "licence": licence,
            "date": "2016-06-01",
            "lines": [{"item": 1, "quantity": 5}],
            "serials": [
                {"serial": f"NOTICE-{tag}-{worker}-{n}-{i}", "item": 1, "make": "Colt"} for i in range(2)
            ],
        }
        n += 1
        try:
            with db.transaction() as session:
                filed = service.file_notice(session, notice, actor="bench", review_settings=ReviewSettings())
            counts[filed.status.value] += 1
        except Exception as exc:  # none expected (serials are unique per notice): counted, named and printed
            counts["conflict"] += 1
            lines = str(exc).splitlines() or [""]
            errors[f"{type(exc).__name__}: {lines[0][:160]}"] = 1
    db.dispose()
    out.put((counts, errors))


def measure_one_writer(db: Database, count: int, units: list[tuple[int, int, int]]) -> dict[str, float]:
    """`count` notices filed one after another by this process: wall and client CPU per notice."""
    tag = uuid.uuid4().hex[:6].upper()
    licences = add_licences(db, max(1, count // 10), 100, units, f"ONE{tag}")
    with db.session() as session:
        keys = [
            f"DDTC/{n}"
            for n in session.execute(
                select(LicenceRow.number).where(LicenceRow.id.in_([lid for lid, _ in licences]))
            ).scalars()
        ]
    settings = ReviewSettings()
    statuses: dict[str, int] = {}
    wall = time.perf_counter()
    cpu = time.process_time()
    for n in range(count):
        notice = {
            "id": f"N1-{tag}-{n}",
            "licence": keys[n % len(keys)],
            "date": "2016-06-01",
            "lines": [{"item": 1, "quantity": 5}],
            "serials": [{"serial": f"ONE-{tag}-{n}-{i}", "item": 1, "make": "Colt"} for i in range(2)],
        }
        with db.transaction() as session:
            filed = service.file_notice(session, notice, actor="bench", review_settings=settings)
        statuses[filed.status.value] = statuses.get(filed.status.value, 0) + 1
    return {
        "wall_ms": (time.perf_counter() - wall) / count * 1000,
        "cpu_ms": (time.process_time() - cpu) / count * 1000,
        "accepted": statuses.get("accepted", 0),
    }


def measure_notices(
    db: Database,
    url: str,
    hot: int,
    quantity: int,
    writers: int,
    seconds: float,
    units: list[tuple[int, int, int]],
) -> dict[str, float]:
    tag = uuid.uuid4().hex[:6].upper()
    licences = add_licences(db, hot, quantity, units, f"HOT{tag}")
    with db.session() as session:
        keys = [
            f"DDTC/{n}"
            for n in session.execute(
                select(LicenceRow.number).where(LicenceRow.id.in_([lid for lid, _ in licences]))
            ).scalars()
        ]
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    ready = multiprocessing.Barrier(writers + 1)
    procs = [
        multiprocessing.Process(target=_writer, args=(url, keys, seconds, w, tag, queue, ready))
        for w in range(writers)
    ]
    for p in procs:
        p.start()
    ready.wait()
    started = time.perf_counter()
    answers = [queue.get() for _ in procs]
    elapsed = time.perf_counter() - started
    results = [counts for counts, _ in answers]
    for _, errors in answers:
        for message in errors:
            print(f"  writer error: {message}")
    for p in procs:
        p.join()
    total = {k: sum(r[k] for r in results) for k in results[0]}
    with db.session() as session:
        over = session.execute(
            select(func.count())
            .select_from(ItemRow)
            .where(
                ItemRow.id.in_([item for _, item in licences]),
                ItemRow.quantity
                < select(func.coalesce(func.sum(ShipmentLineRow.quantity), 0))
                .join(ShipmentRow, ShipmentRow.id == ShipmentLineRow.shipment_id)
                .where(ShipmentLineRow.item_id == ItemRow.id, ShipmentRow.status.in_(["accepted", "held"]))
                .scalar_subquery(),
            )
        ).scalar_one()
    filed = sum(total.values())
    return {
        "notices": filed,
        "seconds": elapsed,
        "per_second": filed / elapsed,
        "over_shipped_licences": over,
        **total,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serials", type=int, default=10_000_000)
    parser.add_argument("--licences", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--singles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--hot", type=int, default=400, help="Licences the notices are filed against.")
    parser.add_argument("--hot-quantity", type=int, default=100)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--one-writer", type=int, default=200, help="Notices filed in a row by one process (0: none)."
    )
    parser.add_argument("--url", help="Reuse a filled database instead of building one.")
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )
    units = []
    if args.url:
        url = args.url
        db = Database.from_url(url)
        with db.session() as session:
            ids = dict(session.execute(select(UnitRow.key, UnitRow.id)).all())
        units = [(ids[f"syn-eu-{i}"], ids[f"syn-sub-{i}"], ids[f"syn-other-{i}"]) for i in range(50)]
    else:
        url = database_url(args.backend, f"{args.serials}")
        db = Database.from_url(url)
        migrate.upgrade(db.engine)
        started = time.perf_counter()
        units = add_units(db, 50)
        licences = add_licences(db, args.licences, 2 * (args.serials // args.licences), units, "SYN-BENCH")
        fill_serials(db, licences, args.serials, units)
        print(
            f"filled {args.serials:,} serials in {time.perf_counter() - started:.0f} s "
            f"({url.split('@')[-1]})",
            flush=True,
        )
    traces = measure_traces(db, args.serials, args.singles, args.batch)
    print(
        f"one trace: median {traces['trace_median_ms']:.2f} ms, p99 {traces['trace_p99_ms']:.2f} ms "
        f"({args.singles} serials, {traces['trace_queries']:.2f} queries each)"
    )
    print(
        f"batch of {args.batch:,}: {traces['batch_seconds']:.1f} s ({traces['batch_licensed']:,} licensed, "
        f"{traces['batch_retransfers']:,} potential re-transfers)",
        flush=True,
    )
    if args.one_writer:
        one = measure_one_writer(db, args.one_writer, units)
        print(
            f"one writer, {args.one_writer} notices in a row: {one['wall_ms']:.1f} ms wall, "
            f"{one['cpu_ms']:.1f} ms client CPU per notice ({one['accepted']} accepted)",
            flush=True,
        )
    if args.writers:
        notices = measure_notices(db, url, args.hot, args.hot_quantity, args.writers, args.seconds, units)
        print(
            f"notices: {notices['notices']:,} in {notices['seconds']:.1f} s = "
            f"{notices['per_second']:.1f}/s "
            f"with {args.writers} writers (accepted {notices['accepted']:,}, "
            f"rejected {notices['rejected']:,}, "
            f"held {notices['held']:,}, errors {notices['conflict']:,}); "
            f"licences over-shipped: {notices['over_shipped_licences']}"
        )
    db.dispose()


if __name__ == "__main__":
    main()
