"""`lantern synth`: write a synthetic data set for benchmarks and tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lantern.cli.common import console, print_json
from lantern.synth.generate import SynthOptions, generate


def synth_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write the JSON Lines files into.")],
    seed: Annotated[int, typer.Option(help="The same seed writes the same files.")] = 1,
    licences: Annotated[int, typer.Option(min=0, help="How many licences.")] = 1000,
    units: Annotated[int, typer.Option(min=0, help="How many units in the registry.")] = 500,
    entries: Annotated[int, typer.Option(min=0, help="How many watch-list entries.")] = 1000,
    shipments: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of approved licences that have shipments.")
    ] = 0.3,
    max_serials: Annotated[int, typer.Option(min=0, help="Serial numbers per shipment line at most.")] = 200,
    json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Write synthetic units, watch-list entries, licences and shipments (labelled synthetic), reproducibly.

    Import them with `lantern import DIRECTORY/*.jsonl`. `truth/parties.jsonl` says which unit or list entry
    each licence party stands for, for scoring screening.
    """
    options = SynthOptions(
        seed=seed,
        licences=licences,
        units=units,
        entries=entries,
        shipment_share=shipments,
        max_serials=max_serials,
    )
    counts = generate(options, directory)
    if json:
        print_json(counts)
        return
    for name, count in counts.items():
        console.print(f"{count:>10} {name}")
    console.print(f"Written to {directory} (seed {seed}).")
