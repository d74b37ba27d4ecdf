"""Load test of the web application: `python -m bench web_load [--licences N] [--users 50] [--workers 2]`.

Target (issue 6): with the 200,000-licence synthetic book on PostgreSQL and 50 concurrent clients, p99 of
the licence page, the screening endpoint and licence search each at most 200 ms, and no errors.

The book is the one `bench import_licences` builds (`lantern synth`, synthetic and labelled so), imported
with the real importer into a PostgreSQL database kept between runs (`lantern_webload_<N>_s<seed>`), and
reviewed once in full, so licence pages carry their resolutions and findings. The server is the real
`lantern serve --workers W`; the load is locust, headless (bench/locustfile.py), with an API token of an
oversight account (it reads everything, so every licence page includes the review). Prints a Markdown
table for docs/benchmarks.md. Only ever run it against a server on this machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.import_licences import OUT, PG_ADMIN_URL, book, machine
from lantern.accounts.model import Role
from lantern.accounts.service import add_user, create_token
from lantern.db import migrate
from lantern.db.engine import Database
from lantern.db.tables.accounts import UserRow
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.review import FindingRow, ReviewJobRow
from lantern.io.service import import_files
from lantern.review.runner import run_review
from lantern.settings import Settings

LANTERN = Path(sys.executable).with_name("lantern")
LOCUST = Path(sys.executable).with_name("locust")
AS_OF = datetime.date(2026, 11, 1)
TARGET_MS = 200.0
NAMES = {
    "licence page": "/api/licences/{agency}/{number}",
    "screening": "/api/screening?q",
    "search": "/api/licences?end_user",
}


def database(licences: int, seed: int) -> str:
    """The URL of the kept load-test database, created on first use."""
    name = f"lantern_webload_{licences}_s{seed}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def prepare(settings: Settings, licences: int, seed: int, *, review: bool = True) -> None:
    """Import the book and review it in full, unless an earlier run did (a finished review job says so).
    Without `review`, licence pages are measured with no resolutions or findings to show."""
    db = Database.from_url(settings.resolved_database_url)
    migrate.upgrade(db.engine)
    with db.session() as session:
        done = session.execute(select(ReviewJobRow.id).where(ReviewJobRow.status == "done")).first()
        imported = session.execute(select(func.count(LicenceRow.id))).scalar_one() >= licences
    if not imported:
        started = time.perf_counter()
        files = sorted(book(licences, seed).glob("*.jsonl"))
        import_files(db, files, actor="bench", settings=settings.imports)
        print(f"# imported {licences:,} licences in {time.perf_counter() - started:.0f} s", flush=True)
    if review and not done:
        started = time.perf_counter()
        _job, outcome = run_review(db, settings, as_of=AS_OF)
        print(f"# reviewed in {time.perf_counter() - started:.0f} s: {outcome.new:,} findings", flush=True)
    db.dispose()


def samples(settings: Settings, seed: int) -> tuple[str, list[str], list[str], list[str]]:
    """An API token, and the licences, units and party names the clients ask for: half of the licences have
    findings (their pages are the heaviest), the rest are random."""
    db = Database.from_url(settings.resolved_database_url)
    rng = random.Random(seed)
    with db.transaction() as session:
        if session.execute(select(UserRow.id).where(UserRow.username == "load")).first() is None:
            add_user(
                session,
                actor="bench",
                username="load",
                role=Role.OVERSIGHT,
                password=os.urandom(16).hex(),
                password_min_length=12,
            )
        _row, token = create_token(session, actor="bench", username="load", name="load test", expires_at=None)
    with db.session() as session:
        flagged = session.execute(
            select(LicenceRow.agency, LicenceRow.number)
            .join(FindingRow, FindingRow.licence_id == LicenceRow.id)
            .distinct()
            .limit(5000)
        ).all()
        top = session.execute(select(func.max(LicenceRow.id))).scalar_one()
        ids = [rng.randint(1, top) for _ in range(500)]
        plain = session.execute(
            select(LicenceRow.agency, LicenceRow.number).where(LicenceRow.id.in_(ids))
        ).all()
        units = list(session.execute(select(UnitRow.key).order_by(func.random()).limit(200)).scalars())
        names = list(
            session.execute(
                select(PartyRow.name).where(PartyRow.role == "end_user").order_by(func.random()).limit(500)
            ).scalars()
        )
    db.dispose()
    picked = rng.sample(flagged, min(500, len(flagged))) + plain
    return token, [f"{a}/{n}" for a, n in picked], units, names


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"the server did not answer at {url}")


def percentiles(path: Path) -> dict[str, dict[str, float]]:
    """Per request name: count, failures, median, p95, p99 and max (ms), from locust's stats CSV."""
    out = {}
    with path.open(newline="") as stream:
        for row in csv.DictReader(stream):
            out[row["Name"]] = {
                "count": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "median": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
                "max": float(row["Max Response Time"]),
                "rps": float(row["Requests/s"]),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench web_load", description=__doc__)
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--duration", default="2m")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--no-review", action="store_true", help="Do not review the book before the load.")
    options = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    url = database(options.licences, options.seed)
    data = OUT / f"webload-data-{options.licences}-s{options.seed}"
    settings = Settings(data_dir=data, database_url=url)
    prepare(settings, options.licences, options.seed, review=not options.no_review)
    if options.prepare_only:
        return 0
    token, licences, units, names = samples(settings, options.seed)
    port = free_port()
    env = {
        **os.environ,
        "LANTERN_DATABASE_URL": url,
        "LANTERN_DATA_DIR": str(data),
        "LANTERN_WEB__SECRET_KEY": os.urandom(24).hex(),
    }
    server = subprocess.Popen(
        [str(LANTERN), "serve", "--port", str(port), "--workers", str(options.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    host = f"http://127.0.0.1:{port}"
    load_env = {
        **os.environ,
        "LANTERN_LOAD_TOKEN": token,
        "LANTERN_LOAD_LICENCES": ",".join(licences),
        "LANTERN_LOAD_UNITS": ",".join(units),
        "LANTERN_LOAD_NAMES": "\x1f".join(names),
    }
    prefix = OUT / f"web-{options.licences}"
    try:
        wait_for(f"{host}/api/health")
        # Warm each worker: the screening index loads on first use, as in a server that has been running.
        warm = urllib.request.Request(
            f"{host}/api/screening?q=SEDENA", headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(options.workers * 4):
            urllib.request.urlopen(warm, timeout=120).read()
        load_before = os.getloadavg()
        subprocess.run(
            [
                str(LOCUST),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "-u",
                str(options.users),
                "-r",
                str(options.spawn_rate),
                "-t",
                options.duration,
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env=load_env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stats = percentiles(Path(f"{prefix}_stats.csv"))
    print(
        f"# web_load: {options.licences:,} licences on PostgreSQL, {options.users} users, {options.duration}"
    )
    print(f"# server: lantern serve --workers {options.workers}; {machine()}; {datetime.date.today()}")
    print(f"# load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (the machine is shared)")
    print()
    print("| request | requests | failures | median | p95 | p99 | max | target p99 ≤ 200 ms |")
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    for label, name in [*NAMES.items(), ("unit page", "/api/units/{key}"), ("all", "Aggregated")]:
        row = stats.get(name)
        if row is None:
            continue
        ok = row["p99"] <= TARGET_MS and row["failures"] == 0
        if label in NAMES:
            failed |= not ok
        verdict = ("met" if ok else "NOT MET") if label in NAMES else ""
        print(
            f"| {label} | {row['count']:,.0f} | {row['failures']:,.0f} | {row['median']:.0f} ms | "
            f"{row['p95']:.0f} ms | {row['p99']:.0f} ms | {row['max']:.0f} ms | {verdict} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
