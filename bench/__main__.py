"""Run every benchmark: `python -m bench` (or `make bench`). Each writes its figures to stdout."""

from __future__ import annotations

import sys


def main() -> None:
    print("No benchmarks registered yet.", file=sys.stderr)


if __name__ == "__main__":
    main()
