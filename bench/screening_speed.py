"""Screening speed: index build, cache load, memory, one query and batches, against logic-v2 in the same run.

    python -m bench.screening_speed                       # 1,000,000 synthetic entities (about 3 names each)
    python -m bench.screening_speed --entities 100000     # a quicker run

Phases: generate entities; build the index on every core and write the disk cache; then, in a fresh process
(so that its memory is the loaded index's alone), load the cache, time single queries and a batch on both
cores, and, with the `peer` extra, time nomenklatura's logic-v2 scoring the same candidates.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.screening_synth import generate, queries_for
from lantern.screening import Screener

OUT = Path(__file__).resolve().parent / "out" / "screening-speed"


def build_phase(count: int, workers: int) -> dict[str, object]:
    started = time.perf_counter()
    entities = list(generate(count))
    generated = time.perf_counter()
    load_before = os.getloadavg()[0]
    cpu = _cpu_s()
    screener = Screener.build(entities, workers=workers)
    built = time.perf_counter()
    build_cpu = _cpu_s() - cpu
    screener.save(OUT)
    saved = time.perf_counter()
    return {
        "entities": len(screener),
        "names": screener.index.name_total,
        "generate_s": generated - started,
        "build_s": built - generated,
        "build_cpu_s": build_cpu,  # this process and its workers
        "build_load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "save_s": saved - built,
        "build_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def query_phase(count: int, queries: int, batch: int, workers: int, peer: int) -> dict[str, object]:
    started = time.perf_counter()
    screener = Screener.load(OUT)
    loaded = time.perf_counter()
    rss = _rss_mb()
    entities = list(generate(min(count, 200_000)))
    sample = queries_for(entities, queries + batch)
    for q in sample[:50]:  # warm the per-word caches as a long-running service would have them
        screener.screen(q.name)
    times = []
    cpu = []
    load_before = os.getloadavg()[0]
    for q in sample[:queries]:
        t, c = time.perf_counter(), time.process_time()
        screener.screen(q.name)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    times.sort()
    t = time.perf_counter()
    screener.screen_many(sample[queries:], workers=workers)
    batch_s = time.perf_counter() - t
    result: dict[str, object] = {
        "load_s": loaded - started,
        "loaded_rss_mb": rss,
        "query_median_ms": statistics.median(times) * 1000,
        "query_p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
        "query_mean_ms": statistics.fmean(times) * 1000,
        # CPU time of this process alone: on a machine shared with other work, wall time also counts
        # the time the process waited for a core.
        "query_cpu_median_ms": statistics.median(cpu) * 1000,
        "batch_names": batch,
        "batch_names_per_s": batch / batch_s,
        "single_core_names_per_s": len(times) / sum(times),
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    if peer:
        try:
            from bench.screening_peer import compare_speed
        except ImportError:
            result["peer"] = "nomenklatura not installed (pip install -e '.[peer]')"
        else:
            result.update(compare_speed(screener, sample[:peer]))
    return result


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (the build's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _rss_mb() -> float:
    """Resident memory now, from /proc (getrusage's peak survives exec and would count the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000, help="single queries timed one by one")
    parser.add_argument("--batch", type=int, default=10000, help="names in the batch")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peer", type=int, default=300, help="queries for the logic-v2 comparison (0: none)")
    parser.add_argument("--phase", choices=["all", "build", "query"], default="all")
    args = parser.parse_args(argv)
    results: dict[str, object] = {
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}"
    }
    if args.phase in ("all", "build"):
        results.update(build_phase(args.entities, args.workers))
        print(json.dumps(results, indent=2), flush=True)
    if args.phase == "all":
        command = [sys.executable, "-m", "bench.screening_speed", "--phase", "query"]
        command += ["--entities", str(args.entities), "--queries", str(args.queries)]
        command += ["--batch", str(args.batch), "--workers", str(args.workers), "--peer", str(args.peer)]
        subprocess.run(command, check=True)
        return
    if args.phase == "query":
        print(
            json.dumps(
                query_phase(args.entities, args.queries, args.batch, args.workers, args.peer), indent=2
            )
        )


if __name__ == "__main__":
    main()
