"""Import of a synthetic licence book: `python -m bench import_licences [--licences N] [--runs 3]`.

Targets (issue 2): 200,000 licences (about 1,000,000 parties and 400,000 items) in at most 60 s into SQLite
and 120 s into PostgreSQL on a 2-core machine, peak memory under 2 GB. Each run imports into a new, migrated
database with the real command (`lantern import`), timed from outside; memory is the peak of the summed
resident memory of the command and its reader process, sampled every 50 ms. A second import of the same file
into the last database measures the no-change path. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lantern.synth.generate import SynthOptions, generate

OUT = Path(__file__).parent / "out"
LANTERN = Path(sys.executable).with_name("lantern")
PG_ADMIN_URL = os.environ.get("LANTERN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGETS = {"sqlite": 60.0, "postgresql": 120.0}
MEMORY_LIMIT = 2 * 1024**3


def book(licences: int, seed: int) -> Path:
    """The synthetic book, written once and reused (bench/out is not committed)."""
    directory = OUT / f"synth-{licences}-seed{seed}"
    marker = directory / "counts.json"
    if not marker.exists():
        options = SynthOptions(seed=seed, licences=licences, units=1000, entries=1000, shipment_share=0.0)
        counts = generate(options, directory)
        parties = items = 0
        with (directory / "licences.jsonl").open("rb") as stream:
            for line in stream:
                licence = orjson.loads(line)
                parties += len(licence["parties"])
                items += len(licence["items"])
        counts.update(parties=parties, items=items)
        marker.write_bytes(orjson.dumps(counts))
    return directory


def fresh_database(backend: str) -> tuple[str, str | None]:
    """A new database URL (and, for PostgreSQL, the database name to drop afterwards)."""
    if backend == "sqlite":
        path = OUT / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", None
    name = f"lantern_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False), name


def drop_database(url: str, name: str | None) -> None:
    if name is None:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def timed(args: list[str]) -> tuple[float, int, str]:
    """Wall time, peak summed RSS of the process tree, and stdout of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()}")
    return elapsed, peak, out.decode()


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 1024**3
    return f"{cpu}, {psutil.cpu_count()} cores, {memory:.0f} GB RAM, Python {platform.python_version()}"


def run(licences: int, runs: int, backends: list[str], seed: int) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    directory = book(licences, seed)
    counts = orjson.loads((directory / "counts.json").read_bytes())
    path = directory / "licences.jsonl"
    size = f"{counts['licences']} licences, {counts['parties']} parties, {counts['items']} items"
    print(f"# import_licences: {size}")
    print(f"# {path.stat().st_size / 1e6:.0f} MB, {machine()}, {datetime.date.today()}")
    print(f"# load average at start: {os.getloadavg()}")
    rows = []
    failed = False
    for backend in backends:
        times, peaks = [], []
        again = 0.0
        for attempt in range(runs):
            url, name = fresh_database(backend)
            try:
                subprocess.run(
                    [str(LANTERN), "--database-url", url, "db", "upgrade"], check=True, capture_output=True
                )
                elapsed, peak, _out = timed(
                    [str(LANTERN), "--database-url", url, "import", "--json", str(path)]
                )
                times.append(elapsed)
                peaks.append(peak)
                print(
                    f"  {backend} run {attempt + 1}: {elapsed:.1f} s, peak {peak / 1024**2:.0f} MB",
                    flush=True,
                )
                if attempt == runs - 1:
                    again, _peak, out = timed(
                        [str(LANTERN), "--database-url", url, "import", "--json", str(path)]
                    )
                    assert orjson.loads(out)["counts"]["licences"]["unchanged"] == counts["licences"]
            finally:
                drop_database(url, name)
        median = statistics.median(times)
        ok = median <= TARGETS[backend] and max(peaks) < MEMORY_LIMIT
        failed |= not ok
        rows.append(
            f"| {backend} | {median:.1f} s | {min(times):.1f}–{max(times):.1f} s | "
            f"{max(peaks) / 1024**2:.0f} MB | {again:.1f} s | ≤ {TARGETS[backend]:.0f} s, < 2 GB: "
            f"{'met' if ok else 'NOT MET'} |"
        )
    print()
    print("| backend | median of runs | range | peak memory | re-import, nothing changed | target |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench import_licences", description=__doc__)
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    return run(options.licences, options.runs, options.backends.split(","), options.seed)


if __name__ == "__main__":
    raise SystemExit(main())
