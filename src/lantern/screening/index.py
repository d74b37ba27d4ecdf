"""The screening index: analysed names in flat arrays, an inverted index over their tokens, and a disk cache.

Everything per name lives in numpy arrays and byte blobs rather than Python objects, so that a million
entities with three names each load in seconds and fit in a few hundred megabytes. Blocking keys:

- w:<word> and f:<sound key> for words (typing mistakes are found by looking up every one-edit variant of a
  query word, so the index stores nothing extra for them),
- p:<place key>, n:<number>, c:<concept> for the parts the vocabulary understood,
- ac:<initials> for names of two words or more, so that "ABC" finds "A.B.C. Company".
"""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lantern.screening.analysis import Token
from lantern.screening.compare import Context, _phonetic

IntArray = npt.NDArray[np.int64]
FORMAT = 1


def blocking_keys(tokens: Sequence[Token]) -> list[str]:
    keys: list[str] = []
    initials: list[str] = []
    last_surface = None
    for kind, key, surface, _flags in tokens:
        if kind == "w":
            keys.append(f"w:{key}")
            if len(key) >= 5:
                keys.append(f"f:{_phonetic(key)}")
        elif kind == "p":
            keys.extend(f"p:{k}" for k in key.split("|"))
        elif kind == "n":
            keys.append(f"n:{key}")
        elif kind == "c":
            keys.append(f"c:{key}")
        elif kind in "ir":
            keys.append(f"w:{key}")
        if kind in "wcp" and surface != last_surface:
            initials.extend(word[0] for word in surface.split())
            last_surface = surface
    if 2 <= len(initials) <= 8:
        keys.append("ac:" + "".join(initials))
    return list(dict.fromkeys(keys))


class Blob:
    """Many strings in one byte buffer with offsets; item i is decoded on demand."""

    __slots__ = ("data", "offsets")

    def __init__(self, data: bytes, offsets: IntArray) -> None:
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, items: Iterable[str]) -> Blob:
        encoded = [s.encode() for s in items]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.data[int(self.offsets[i]) : int(self.offsets[i + 1])].decode()

    def take(self, rows: IntArray) -> Blob:
        """The items at `rows`, in that order, as a new blob (vectorised: no per-item Python).

        Rows that run on (i, i+1, …) are copied as one slice each: an incremental update keeps nearly
        every item, in order, and a per-byte gather of a large index would cost seconds."""
        rows = np.asarray(rows, dtype=np.int64)
        starts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - starts
        new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=new_offsets[1:])
        total = int(new_offsets[-1])
        if total == 0:
            return Blob(b"", new_offsets)
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        if len(breaks) < len(rows) // 16:
            first = np.concatenate(([0], breaks))
            last = np.concatenate((breaks, [len(rows)])) - 1
            view = memoryview(self.data)
            begin, end = self.offsets[rows[first]], self.offsets[rows[last] + 1]
            return Blob(b"".join(view[int(b) : int(e)] for b, e in zip(begin, end, strict=True)), new_offsets)
        source = np.frombuffer(self.data, dtype=np.uint8)
        index = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(total, dtype=np.int64)
        return Blob(source[index].tobytes(), new_offsets)

    @staticmethod
    def concat(blobs: Sequence[Blob]) -> Blob:
        data = b"".join(b.data for b in blobs)
        parts = [np.zeros(1, dtype=np.int64)]
        base = 0
        for blob in blobs:
            parts.append(blob.offsets[1:] + base)
            base += len(blob.data)
        return Blob(data, np.concatenate(parts))


@dataclass(slots=True)
class EntityRows:
    """Analysed entities, ready to be indexed: what a build or an incremental update adds.

    Compact, because build workers send it back through a pipe: names and encodings as blobs, and each
    name's blocking keys as codes into `keys` (the distinct keys in order of first appearance).
    """

    ids: list[str]
    fingerprints: list[str]
    kinds: list[str]
    countries: list[str | None]
    contexts: list[Context]
    name_counts: list[int]
    names: Blob
    encodings: Blob
    keys: list[str]
    key_codes: npt.NDArray[np.int32]  # every name's key codes, one run per name
    key_counts: IntArray  # the length of each name's run

    @classmethod
    def merge(cls, parts: Sequence[EntityRows]) -> EntityRows:
        """The parts in order, as one; key codes renumbered so first appearances keep their order."""
        keys: dict[str, int] = {}
        codes: list[npt.NDArray[np.int32]] = []
        for part in parts:
            mapping = np.empty(len(part.keys), dtype=np.int32)
            for i, key in enumerate(part.keys):
                code = keys.get(key)
                if code is None:
                    code = keys[key] = len(keys)
                mapping[i] = code
            codes.append(mapping[part.key_codes])
        return cls(
            [i for part in parts for i in part.ids],
            [f for part in parts for f in part.fingerprints],
            [k for part in parts for k in part.kinds],
            [c for part in parts for c in part.countries],
            [c for part in parts for c in part.contexts],
            [n for part in parts for n in part.name_counts],
            Blob.concat([part.names for part in parts]),
            Blob.concat([part.encodings for part in parts]),
            list(keys),
            np.concatenate([np.zeros(0, dtype=np.int32), *codes]),
            np.concatenate([np.zeros(0, dtype=np.int64), *(part.key_counts for part in parts)]),
        )


class ScreeningIndex:
    """Entities, their analysed names, and postings from blocking keys to names."""

    def __init__(self) -> None:
        self.entity_ids: list[str] = []
        self.fingerprints: list[str] = []
        self.kind_names: list[str] = []
        self.entity_kind = np.zeros(0, dtype=np.int16)
        self.country_names: list[str | None] = [None]
        self.entity_country = np.zeros(0, dtype=np.int16)
        self.context_list: list[Context] = []
        self.entity_context = np.zeros(0, dtype=np.int32)
        self.entity_first = np.zeros(0, dtype=np.int64)
        self.entity_count = np.zeros(0, dtype=np.int32)
        self.name_entity = np.zeros(0, dtype=np.int32)
        self.names = Blob.of([])
        self.encodings = Blob.of([])
        self.key_ids: dict[str, int] = {}
        self.name_key_offsets = np.zeros(1, dtype=np.int64)
        self.name_keys = np.zeros(0, dtype=np.int32)
        self.posting_offsets = np.zeros(1, dtype=np.int64)
        self.postings = np.zeros(0, dtype=np.int32)
        self.meta: dict[str, str] = {}
        self._position: dict[str, int] | None = None

    # Building ----------------------------------------------------------------------------------------

    @classmethod
    def from_rows(cls, rows: EntityRows, meta: dict[str, str]) -> ScreeningIndex:
        index = cls()
        index.meta = dict(meta)
        index._append(rows)
        index._invert()
        return index

    def _code(self, values: list[str], value: str) -> int:
        try:
            return values.index(value)
        except ValueError:
            values.append(value)
            return len(values) - 1

    def _append(self, rows: EntityRows) -> None:
        n_names = len(self.name_entity)
        n_entities = len(self.entity_ids)
        kind_codes: dict[str, int] = {k: i for i, k in enumerate(self.kind_names)}
        country_codes: dict[str | None, int] = {c: i for i, c in enumerate(self.country_names)}
        context_codes: dict[Context, int] = {c: i for i, c in enumerate(self.context_list)}
        kinds = np.empty(len(rows.ids), dtype=np.int16)
        countries = np.empty(len(rows.ids), dtype=np.int16)
        contexts = np.empty(len(rows.ids), dtype=np.int32)
        for i, (kind, country, context) in enumerate(
            zip(rows.kinds, rows.countries, rows.contexts, strict=True)
        ):
            if kind not in kind_codes:
                kind_codes[kind] = len(self.kind_names)
                self.kind_names.append(kind)
            if country not in country_codes:
                country_codes[country] = len(self.country_names)
                self.country_names.append(country)
            if context not in context_codes:
                context_codes[context] = len(self.context_list)
                self.context_list.append(context)
            kinds[i], countries[i], contexts[i] = (
                kind_codes[kind],
                country_codes[country],
                context_codes[context],
            )
        counts = np.asarray(rows.name_counts, dtype=np.int32)
        first = np.zeros(len(counts), dtype=np.int64)
        if len(counts):
            np.cumsum(counts[:-1], out=first[1:])
        self.entity_ids.extend(rows.ids)
        self.fingerprints.extend(rows.fingerprints)
        self.entity_kind = np.concatenate([self.entity_kind, kinds])
        self.entity_country = np.concatenate([self.entity_country, countries])
        self.entity_context = np.concatenate([self.entity_context, contexts])
        self.entity_first = np.concatenate([self.entity_first, first + n_names])
        self.entity_count = np.concatenate([self.entity_count, counts])
        owners = np.repeat(np.arange(n_entities, n_entities + len(counts), dtype=np.int32), counts)
        self.name_entity = np.concatenate([self.name_entity, owners])
        self.names = Blob.concat([self.names, rows.names])
        self.encodings = Blob.concat([self.encodings, rows.encodings])
        key_ids = self.key_ids
        mapping = np.empty(len(rows.keys), dtype=np.int32)
        for i, key in enumerate(rows.keys):
            code = key_ids.get(key)
            if code is None:
                code = key_ids[key] = len(key_ids)
            mapping[i] = code
        offsets = np.zeros(len(rows.key_counts) + 1, dtype=np.int64)
        np.cumsum(rows.key_counts, out=offsets[1:])
        self.name_key_offsets = np.concatenate(
            [self.name_key_offsets, offsets[1:] + self.name_key_offsets[-1]]
        )
        self.name_keys = np.concatenate([self.name_keys, mapping[rows.key_codes]])
        self._position = None

    def _invert(self) -> None:
        """Builds key -> names postings from the name -> keys lists (one stable sort)."""
        counts = np.diff(self.name_key_offsets)
        owners = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        order = np.argsort(self.name_keys, kind="stable")
        self.postings = owners[order]
        per_key = np.bincount(self.name_keys, minlength=len(self.key_ids))
        self.posting_offsets = np.zeros(len(self.key_ids) + 1, dtype=np.int64)
        np.cumsum(per_key, out=self.posting_offsets[1:])

    def replace(self, drop: Collection[str], rows: EntityRows) -> ScreeningIndex:
        """A new index without the entities in `drop`, the others as they are, and `rows` (re-analysed)
        added at the end. This is the incremental rebuild: a changed entity is dropped and added again.

        Kept entities are copied with array operations, and only `rows` went through the analyser. The
        postings are not sorted again: the kept ones keep their order (renumbered), and the new names'
        postings, whose numbers are higher than any kept one, go at the end of each key's run. That is
        exactly what `_invert` gives (tests compare the two), in time linear in the index, not a sort.
        """
        ids = self.entity_ids
        kept_mask = np.fromiter((eid not in drop for eid in ids), dtype=bool, count=len(ids))
        kept = np.flatnonzero(kept_mask)
        out = ScreeningIndex()
        out.meta = dict(self.meta)
        out.kind_names = list(self.kind_names)
        out.country_names = list(self.country_names)
        out.context_list = list(self.context_list)
        out.key_ids = dict(self.key_ids)
        everything = len(kept) == len(ids)
        out.entity_ids = list(ids) if everything else [ids[i] for i in kept]
        out.fingerprints = list(self.fingerprints) if everything else [self.fingerprints[i] for i in kept]
        out.entity_kind = self.entity_kind[kept]
        out.entity_country = self.entity_country[kept]
        out.entity_context = self.entity_context[kept]
        counts = self.entity_count[kept]
        out.entity_count = counts
        first = np.zeros(len(counts), dtype=np.int64)
        if len(counts):
            np.cumsum(counts[:-1].astype(np.int64), out=first[1:])
        out.entity_first = first
        name_rows = _ranges(self.entity_first[kept], counts.astype(np.int64))
        out.name_entity = np.repeat(np.arange(len(kept), dtype=np.int32), counts)
        out.names = self.names if everything else self.names.take(name_rows)
        out.encodings = self.encodings if everything else self.encodings.take(name_rows)
        key_counts = np.diff(self.name_key_offsets)[name_rows]
        key_rows = _ranges(self.name_key_offsets[name_rows], key_counts)
        out.name_keys = self.name_keys[key_rows]
        out.name_key_offsets = np.zeros(len(name_rows) + 1, dtype=np.int64)
        np.cumsum(key_counts, out=out.name_key_offsets[1:])
        # The kept postings, renumbered: a dropped name's postings go, the rest keep their order.
        renumber = np.full(len(self.name_entity), -1, dtype=np.int32)
        renumber[name_rows] = np.arange(len(name_rows), dtype=np.int32)
        postings = renumber[self.postings]
        present = postings >= 0
        before = np.zeros(len(present) + 1, dtype=np.int64)
        np.cumsum(present, out=before[1:])
        kept_offsets = before[self.posting_offsets]
        postings = postings[present]
        old_names, old_keys, old_key_count = len(name_rows), len(out.name_keys), len(out.key_ids)
        out._append(rows)
        # The new names' postings, by key and then by name (the order of the new names' key lists).
        new_keys = out.name_keys[old_keys:]
        new_counts = np.diff(out.name_key_offsets[old_names:])
        owners = np.repeat(np.arange(old_names, out.name_total, dtype=np.int32), new_counts)
        order = np.argsort(new_keys, kind="stable")
        new_keys, owners = new_keys[order], owners[order]
        key_total = len(out.key_ids)
        ends = np.concatenate(
            [kept_offsets, np.full(key_total - old_key_count, kept_offsets[-1], dtype=np.int64)]
        )
        out.postings = np.insert(postings, ends[new_keys + 1], owners)
        added = np.zeros(key_total + 1, dtype=np.int64)
        np.cumsum(np.bincount(new_keys, minlength=key_total), out=added[1:])
        out.posting_offsets = ends + added
        return out

    # Reading -----------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entity_ids)

    @property
    def name_total(self) -> int:
        return len(self.name_entity)

    def position(self) -> dict[str, int]:
        if self._position is None:
            self._position = {eid: i for i, eid in enumerate(self.entity_ids)}
        return self._position

    def document_frequency(self, key: str) -> int:
        code = self.key_ids.get(key)
        if code is None:
            return 0
        return int(self.posting_offsets[code + 1] - self.posting_offsets[code])

    def candidates(self, keys: Iterable[str], *, limit: int, max_postings: int) -> IntArray:
        """Entities sharing the rarest query keys, best first, scored by the keys' inverse frequency."""
        found: list[tuple[int, int]] = []
        for key in set(keys):
            code = self.key_ids.get(key)
            if code is not None:
                start, end = int(self.posting_offsets[code]), int(self.posting_offsets[code + 1])
                if end > start:
                    found.append((end - start, code))
        if not found:
            return np.zeros(0, dtype=np.int64)
        found.sort()
        total_names = max(self.name_total, 1)
        starts: list[int] = []
        lengths: list[int] = []
        read = 0
        for df, code in found:
            if read and read + df > max_postings:
                break
            starts.append(int(self.posting_offsets[code]))
            lengths.append(df)
            read += df
        counts = np.asarray(lengths, dtype=np.int64)
        names = self.postings[_ranges(np.asarray(starts, dtype=np.int64), counts)]
        weights = np.repeat(np.asarray([math.log(1 + total_names / df) for df in lengths]), counts)
        unique, inverse = _unique_inverse(self.name_entity[names])
        # One name of an entity may share several keys; an entity with several names counts each once:
        # the per-entity score is the best name's, approximated by the sum over the entity's keys.
        scores = np.bincount(inverse, weights=weights)
        if len(unique) > limit:
            top = np.argpartition(-scores, limit)[:limit]
            unique, scores = unique[top], scores[top]
        order = np.argsort(-scores, kind="stable")
        return unique[order].astype(np.int64)

    # Disk cache --------------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "index.tmp"
        tmp.mkdir(exist_ok=True)
        np.savez(
            tmp / "arrays.npz",
            entity_kind=self.entity_kind,
            entity_country=self.entity_country,
            entity_context=self.entity_context,
            entity_first=self.entity_first,
            entity_count=self.entity_count,
            name_entity=self.name_entity,
            names_offsets=self.names.offsets,
            encodings_offsets=self.encodings.offsets,
            name_key_offsets=self.name_key_offsets,
            name_keys=self.name_keys,
            posting_offsets=self.posting_offsets,
            postings=self.postings,
        )
        (tmp / "names.bin").write_bytes(self.names.data)
        (tmp / "encodings.bin").write_bytes(self.encodings.data)
        with (tmp / "tables.pickle").open("wb") as fh:
            pickle.dump(
                {
                    "entity_ids": self.entity_ids,
                    "fingerprints": self.fingerprints,
                    "kind_names": self.kind_names,
                    "country_names": self.country_names,
                    "contexts": [(sorted(c.places), sorted(c.concepts)) for c in self.context_list],
                    "keys": list(self.key_ids),
                },
                fh,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, **self.meta}, indent=2))
        target = folder / "index"
        old = folder / "index.old"
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        if old.exists():
            for item in old.iterdir():
                item.unlink()
            old.rmdir()

    @staticmethod
    def read_meta(folder: Path) -> dict[str, str] | None:
        path = folder / "index" / "meta.json"
        if not path.is_file():
            return None
        meta: dict[str, str] = json.loads(path.read_text())
        return meta

    @classmethod
    def load(cls, folder: Path) -> ScreeningIndex:
        base = folder / "index"
        index = cls()
        meta = json.loads((base / "meta.json").read_text())
        meta.pop("format", None)
        index.meta = meta
        with np.load(base / "arrays.npz") as arrays:
            index.entity_kind = arrays["entity_kind"]
            index.entity_country = arrays["entity_country"]
            index.entity_context = arrays["entity_context"]
            index.entity_first = arrays["entity_first"]
            index.entity_count = arrays["entity_count"]
            index.name_entity = arrays["name_entity"]
            index.names = Blob((base / "names.bin").read_bytes(), arrays["names_offsets"])
            index.encodings = Blob((base / "encodings.bin").read_bytes(), arrays["encodings_offsets"])
            index.name_key_offsets = arrays["name_key_offsets"]
            index.name_keys = arrays["name_keys"]
            index.posting_offsets = arrays["posting_offsets"]
            index.postings = arrays["postings"]
        with (base / "tables.pickle").open("rb") as fh:
            tables = pickle.load(fh)  # our own cache file, written by save() above
        index.entity_ids = tables["entity_ids"]
        index.fingerprints = tables["fingerprints"]
        index.kind_names = tables["kind_names"]
        index.country_names = tables["country_names"]
        index.context_list = [Context(frozenset(p), frozenset(c)) for p, c in tables["contexts"]]
        index.key_ids = {key: i for i, key in enumerate(tables["keys"])}
        return index


def _unique_inverse(values: npt.NDArray[np.int32]) -> tuple[npt.NDArray[np.int32], IntArray]:
    """`np.unique(values, return_inverse=True)`, faster on what postings give: a few sorted runs, which a
    stable (run-aware) sort merges in close to linear time."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """Concatenated aranges [s, s+n) for each (s, n), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts.astype(np.int64) - (ends - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)
