"""Run every benchmark: `python -m bench` (or `make bench`). Each writes its figures to stdout.

python -m bench                  # all, at their default sizes
python -m bench screening_quality --peer
python -m bench screening_speed --entities 100000
python -m bench import_licences --licences 200000 --runs 3
python -m bench review_book --licences 200000 --backend sqlite
python -m bench trace_serials --serials 10000000 --backend postgresql
python -m bench web_load --licences 200000 --users 50 --workers 2
python -m bench web_requests --licences 200000 --requests 200
python -m bench reports_holdings --licences 200000 --runs 3
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "screening_quality",
    "screening_speed",
    "import_licences",
    "review_book",
    "trace_serials",
    "demo_resolutions",
    "web_load",
    "web_requests",
    "reports_holdings",
]


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return
    if args and args[0] in BENCHMARKS:
        importlib.import_module(f"bench.{args[0]}").main(args[1:])
        return
    if args:
        # A mistyped name must not start every benchmark (an hour of work, and files in bench/out).
        sys.exit(f"python -m bench: no benchmark {args[0]!r}; the benchmarks are: {', '.join(BENCHMARKS)}")
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main([])


if __name__ == "__main__":
    main()
