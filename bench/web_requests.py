"""What one API request costs the server: `python -m bench web_requests [--licences N] [--requests 200]`.

The load test (`bench web_load`) shows what 50 clients see; on 2 cores its latencies are mostly queueing,
and what decides them is how much CPU each request takes. This benchmark asks the same questions as the load
test's clients (the licence page, screening, licence search and the unit page, with the same samples and the
same oversight token) one at a time, in this process, through the real application (`create_app` and its
middleware, driven by Starlette's test client), against the load test's kept PostgreSQL book
(`lantern_webload_<N>_s<seed>`, prepared by `python -m bench web_load --licences N --prepare-only`).

For each kind of request it prints the median and p90 wall time, the median CPU time of this process (the
application and the test client driving it; the database's own work is in the wall time only) and the SQL
statements it ran. `--profile KIND` writes a profile of that kind's requests, all threads (the handlers
run in a thread pool), to bench/out/web-<kind>.prof (pstats format; needs yappi: `pip install -e
'.[load]'`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import time
from collections.abc import Callable

from bench.import_licences import OUT, machine
from bench.web_load import database, samples
from lantern.settings import Settings

KINDS = ("licence", "screening", "search", "unit")
#: The words the load test's clients search end users for (bench/locustfile.py, which imports locust).
END_USERS = ["Seguridad", "Policía", "SEDENA", "Marina", "Tamaulipas", "Guerrero"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench web_requests", description=__doc__)
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="Requests of each kind.")
    parser.add_argument(
        "--profile", choices=KINDS, help="Profile this kind's requests (yappi, every thread)."
    )
    options = parser.parse_args(argv)

    from fastapi.testclient import TestClient
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from lantern.web.app import create_app

    url = database(options.licences, options.seed)
    data = OUT / f"webload-data-{options.licences}-s{options.seed}"
    os.environ.setdefault("LANTERN_WEB__SECRET_KEY", os.urandom(24).hex())
    settings = Settings(data_dir=data, database_url=url)
    token, licences, units, names = samples(settings, options.seed)
    rng = random.Random(options.seed)
    client = TestClient(create_app(settings))
    client.headers["Authorization"] = f"Bearer {token}"

    def get(path: str, **params: str) -> None:
        response = client.get(path, params=params)
        if response.status_code != 200:
            raise SystemExit(f"{path} {params}: HTTP {response.status_code}: {response.text[:300]}")

    asks: dict[str, Callable[[], None]] = {
        "licence": lambda: get(f"/api/licences/{rng.choice(licences)}"),
        "screening": lambda: get("/api/screening", q=rng.choice(names)),
        "search": lambda: get("/api/licences", end_user=rng.choice(END_USERS)),
        "unit": lambda: get(f"/api/units/{rng.choice(units)}"),
    }
    get("/api/screening", q="SEDENA")  # the screening index loads on first use, as in a warm server
    print(f"# web_requests: {options.licences:,} licences on PostgreSQL, {options.requests} requests each")
    print(f"# {machine()}; {datetime.date.today()}; load average at start {os.getloadavg()[0]:.1f}")
    print()
    statements = 0

    def counted(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(Engine, "before_cursor_execute", counted)
    print("| request | median wall | p90 wall | median CPU | CPU share of wall | SQL statements a request |")
    print("|---|---|---|---|---|---|")
    for kind in KINDS:
        for _ in range(5):
            asks[kind]()  # warm: first queries of a kind plan and cache
        profiling = options.profile == kind
        if profiling:
            import yappi

            yappi.set_clock_type("cpu")
            yappi.clear_stats()
        walls: list[float] = []
        cpus: list[float] = []
        statements = 0
        for _ in range(options.requests):
            wall, cpu = time.perf_counter(), time.process_time()
            if profiling:
                yappi.start()
            asks[kind]()
            if profiling:
                yappi.stop()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        if profiling:
            yappi.get_func_stats().save(str(OUT / f"web-{kind}.prof"), type="pstat")
        wall_ms = statistics.median(walls) * 1000
        p90 = statistics.quantiles(walls, n=10)[-1] * 1000
        cpu_ms = statistics.median(cpus) * 1000
        print(
            f"| {kind} | {wall_ms:.1f} ms | {p90:.1f} ms | {cpu_ms:.1f} ms | {cpu_ms / wall_ms:.0%} "
            f"| {statements / options.requests:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
