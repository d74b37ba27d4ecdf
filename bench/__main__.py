"""Run benchmarks: `python -m bench [NAME [options]]` (or `make bench`). Each writes its figures to stdout.

With no name, every registered benchmark runs with its defaults. Register a benchmark with one line below:
its module has a `main(argv) -> int`.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "import_licences": "bench.import_licences",  # issue 2: 200,000 licences into SQLite and PostgreSQL
}


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] in {"-h", "--help"}:
        print(__doc__)
        print("Benchmarks:", ", ".join(BENCHMARKS))
        return
    if args and args[0] in BENCHMARKS:
        sys.exit(importlib.import_module(BENCHMARKS[args[0]]).main(args[1:]))
    if args:
        sys.exit(f"unknown benchmark {args[0]!r}; choose from {', '.join(BENCHMARKS)}")
    status = 0
    for module in BENCHMARKS.values():
        status |= importlib.import_module(module).main([])
    sys.exit(status)


if __name__ == "__main__":
    main()
