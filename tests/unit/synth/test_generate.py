from pathlib import Path

import orjson
import pytest

from lantern.io.records import RECORD_TYPES, RecordKind
from lantern.synth.generate import SynthOptions, build_units, generate
from lantern.synth.names import ordinal_variants, strip_accents, written_variant

OPTIONS = SynthOptions(seed=3, licences=300, units=250, entries=80, shipment_share=0.5, max_serials=20)


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synth")
    generate(OPTIONS, directory)
    return directory


def test_the_same_seed_writes_the_same_bytes(book: Path, tmp_path: Path) -> None:
    counts = generate(OPTIONS, tmp_path)
    for name in [
        "units.jsonl",
        "list_entries.jsonl",
        "licences.jsonl",
        "shipments.jsonl",
        "truth/parties.jsonl",
    ]:
        assert (tmp_path / name).read_bytes() == (book / name).read_bytes(), name
    assert counts["licences"] == 300
    assert counts["units"] == 250
    assert counts["list_entries"] == 80


def test_another_seed_writes_another_book(book: Path, tmp_path: Path) -> None:
    generate(SynthOptions(**{**OPTIONS.__dict__, "seed": 4}), tmp_path)
    assert (tmp_path / "licences.jsonl").read_bytes() != (book / "licences.jsonl").read_bytes()


@pytest.mark.parametrize(
    "kind", [k for k in RecordKind if k not in {RecordKind.ALLEGATIONS, RecordKind.CUSTODY}]
)
def test_every_record_follows_the_contract(book: Path, kind: RecordKind) -> None:
    for data in _lines(book / f"{kind.value}.jsonl"):
        RECORD_TYPES[kind].model_validate(data)


def test_no_allegation_is_invented(book: Path) -> None:
    assert not (book / "allegations.jsonl").exists()


def test_everything_is_labelled_synthetic(book: Path) -> None:
    assert all(licence["synthetic"] for licence in _lines(book / "licences.jsonl"))
    assert all("Synthetic" in str(unit["notes"]) for unit in _lines(book / "units.jsonl"))


def test_parents_come_before_their_units_and_truth_points_at_real_keys(book: Path) -> None:
    seen: set[object] = set()
    for unit in _lines(book / "units.jsonl"):
        for parent in unit["parents"]:  # type: ignore[attr-defined]
            assert parent["unit"] in seen
        seen.add(unit["id"])
    licences = {f"{lic['agency']}/{lic['number']}": lic for lic in _lines(book / "licences.jsonl")}
    for fact in _lines(book / "truth" / "parties.jsonl"):
        licence = licences[str(fact["licence"])]
        assert 1 <= int(str(fact["party"])) <= len(licence["parties"])  # type: ignore[arg-type]
        assert fact.get("unit") in seen or str(fact.get("list_entry", "")).startswith("synth-watchlist/")


def test_shipments_stay_within_their_licences(book: Path) -> None:
    licences = {f"{lic['agency']}/{lic['number']}": lic for lic in _lines(book / "licences.jsonl")}
    shipped: dict[tuple[str, int], int] = {}
    serials: set[tuple[object, object]] = set()
    for shipment in _lines(book / "shipments.jsonl"):
        for line in shipment["lines"]:  # type: ignore[attr-defined]
            key = (str(shipment["licence"]), line["item"])
            shipped[key] = shipped.get(key, 0) + line["quantity"]
        for serial in shipment["serials"]:  # type: ignore[attr-defined]
            assert (serial["make"], serial["serial"]) not in serials
            serials.add((serial["make"], serial["serial"]))
    for (licence, item), quantity in shipped.items():
        allowed = next(i["quantity"] for i in licences[licence]["items"] if i["line"] == item)  # type: ignore[attr-defined]
        assert quantity <= allowed


def test_more_units_than_real_structure_come_as_numbered_sub_units() -> None:
    import random

    units = build_units(3000, random.Random(1))
    assert len(units) == 3000
    assert len({u.key for u in units}) == 3000
    assert any(u.kind == "municipal_police" for u in units)


@pytest.mark.parametrize(
    ("number", "variants"),
    [
        (27, ("27/o.", "27o.", "27vo", "Vigésimo Séptimo", "27th")),
        (1, ("1/o.", "1o.", "1vo", "Primer", "1st")),
        (12, ("12/o.", "12o.", "12vo", "Décimo Segundo", "12th")),
        (23, ("23/o.", "23o.", "23vo", "Vigésimo Tercer", "23rd")),
    ],
)
def test_ordinals_are_written_the_ways_units_are(number: int, variants: tuple[str, ...]) -> None:
    assert ordinal_variants(number) == variants


def test_written_variants_keep_the_name_recognisable() -> None:
    import random

    rng = random.Random(5)
    name = "Secretaría de Seguridad Pública del Estado de Guerrero"
    variants = {written_variant(rng, name) for _ in range(200)}
    assert name in variants
    assert strip_accents(name).upper() in variants
    assert any("Edo." in v or "EDO." in v for v in variants)
