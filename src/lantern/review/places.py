"""Which Mexican state a free-text place names ("SEDENA/DCAM p/ SSP Guerrero", "Chilpancingo, Gro.").

Shipment consignees arrive as text. The screening engine's analyser already reads states, their
abbreviations and municipalities; this module turns its place tokens into official state names, so a
proviso that excludes a state can be checked against where a shipment went.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources

from lantern.screening.analysis import Analyser


@cache
def _state_names() -> dict[str, str]:
    text = resources.files("lantern.screening").joinpath("data", "states_mx.tsv").read_text(encoding="utf-8")
    rows = csv.reader(
        (line for line in text.splitlines() if line and not line.startswith("#")), delimiter="\t"
    )
    return {row[0]: row[1] for row in rows}


@cache
def _analyser() -> Analyser:
    return Analyser()


def states_in_tokens(tokens: Sequence[tuple[str, str, str, str]]) -> tuple[set[str], set[str]]:
    """State codes named by place tokens: those named outright ("Gro.", "Guerrero") and those implied by a
    municipality ("Iguala"). A token with several readings ("mu:CHIH:ciudad-guerrero|st:GRO") counts only
    for the state it names outright when it has one."""
    outright: set[str] = set()
    implied: set[str] = set()
    for kind, key, _surface, _flags in tokens:
        if kind != "p":
            continue
        readings = key.split("|")
        states = {r[3:] for r in readings if r.startswith("st:")}
        if states:
            outright |= states
        else:
            implied |= {r.split(":")[1] for r in readings if r.startswith("mu:") and r.count(":") >= 2}
    return outright, implied


@lru_cache(maxsize=65536)
def state_of(text: str | None) -> str | None:
    """The one state a text names, by its official name; None when it names none or several.

    A state named outright wins over states implied by municipalities (Escobedo, N.L. is in Nuevo León even
    though Guanajuato has an Empalme Escobedo).
    """
    if not text:
        return None
    outright, implied = states_in_tokens(_analyser().analyse(text).tokens)
    chosen = outright or implied
    if len(chosen) != 1:
        return None
    return _state_names().get(next(iter(chosen)))
