"""Scores two analysed names against each other and says why. Pure and symmetric.

The rules, in order:

1. Pair tokens that mean the same: equal concepts (policía = police), places (Gro. = Guerrero), numbers
   (27/o. = Vigésimo Séptimo = 27th), legal forms of one family (Inc. = Incorporated), equal words.
2. Pair the remaining words by spelling (Sauer/Sauers), joined or split words (SiemensAG), initials
   (V. Putin) and acronyms (SSP = Secretaría de Seguridad Pública).
3. Set aside what one side adds that the other side's known context already says: "(SEDENA)" after an army
   unit, "Tamaulipas" after a unit the registry places in Tamaulipas.
4. What is left is either a conflict (both sides have a different place, number, level of government, kind
   of unit, or word) or missing from one side. A conflict in a place, number or exclusive concept vetoes the
   match; different legal-form families (GmbH vs Inc.) cap it below `match`.
5. The score is the weight of what agreed over the weight of everything compared, so generic words, which
   weigh little, cannot carry a match alone.

Both sides go through the same steps with the same tie-breaks, so compare(a, b) == compare(b, a).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from lantern.screening.analysis import Token, acronym_window, encode
from lantern.screening.model import Feature, MatchConfig
from lantern.screening.vocabulary import Vocabulary, load_vocabulary

_DOUBLE = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class Context:
    """What is known of a side apart from its name: place keys and concepts (from kind and level)."""

    places: frozenset[str] = frozenset()
    concepts: frozenset[str] = frozenset()
    place_types: frozenset[str] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "place_types", frozenset(k.split(":", 1)[0] for k in self.places))


EMPTY_CONTEXT = Context()


@dataclass(frozen=True, slots=True)
class Comparison:
    score: float
    features: tuple[Feature, ...]
    vetoed: bool = False


@functools.lru_cache(maxsize=500_000)
def _phonetic(word: str) -> str:
    """A rough sound key for transliteration variants: Mohammed/Muhammad, Usama/Osama, Qaddafi/Gaddafi."""
    w = word
    for a, b in (("ph", "f"), ("kh", "k"), ("ck", "k"), ("q", "k"), ("dh", "d"), ("th", "t"), ("sch", "sh")):
        w = w.replace(a, b)
    w = w.replace("w", "v").replace("z", "s").replace("y", "i").replace("j", "i")
    w = _DOUBLE.sub(r"\1", w)
    w = w[0] + re.sub(r"[aeiou]", "", w[1:]) if w else w
    return w


@functools.lru_cache(maxsize=1_000_000)
def word_similarity(a: str, b: str) -> float:
    """How alike two words are in spelling, 0..1. Symmetric. Short words must be nearly equal."""
    if a == b:
        return 1.0
    if a > b:
        a, b = b, a
    sim = Levenshtein.normalized_similarity(a, b)
    if _DOUBLE.sub(r"\1", a) == _DOUBLE.sub(r"\1", b):
        return max(sim, 0.9)  # "Kim Jong-uun", "Basharr"
    shorter = min(len(a), len(b))
    if shorter <= 3:
        # "Tom"/"Tim", "Ko"/"Kim": one letter is a third of a short word; count only reorderings.
        return sim if sorted(a) == sorted(b) else min(sim, 0.5)
    if shorter >= 5 and _phonetic(a) == _phonetic(b):
        sim = max(sim, 0.9)
    if a[0] != b[0]:
        sim -= 0.05
    return max(0.0, sim)


class _Side:
    __slots__ = ("items", "used")

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        self.items = tokens
        self.used = [False] * len(tokens)

    def free(self) -> list[int]:
        return [i for i, u in enumerate(self.used) if not u]


class Paired:
    """Two names with their tokens paired (`Comparer.pair`): what `Comparer.finish` scores and explains."""

    __slots__ = ("absorbed_a", "absorbed_b", "ctx_a", "ctx_b", "pairs", "person", "sa", "sb")

    def __init__(
        self,
        sa: _Side,
        sb: _Side,
        ctx_a: Context,
        ctx_b: Context,
        person: bool,
        pairs: list[tuple[list[int], list[int], float, str]],
        absorbed_a: list[int],
        absorbed_b: list[int],
    ) -> None:
        self.sa, self.sb, self.ctx_a, self.ctx_b, self.person = sa, sb, ctx_a, ctx_b, person
        self.pairs, self.absorbed_a, self.absorbed_b = pairs, absorbed_a, absorbed_b


def _split_kinds(
    rest: list[Token], concept_groups: dict[str, str], groups: dict[str, list[Token]]
) -> tuple[list[Token], list[Token], list[Token], list[Token], list[Token]]:
    """Leftover places, numbers, legal forms (not the generic "any"), words and initials, in order; concepts
    of an exclusive group go into `groups`."""
    places: list[Token] = []
    numbers: list[Token] = []
    legal: list[Token] = []
    words: list[Token] = []
    initials: list[Token] = []
    for t in rest:
        kind = t[0]
        if kind == "w":
            words.append(t)
        elif kind == "c":
            group = concept_groups.get(t[1], "-")
            if group not in ("-", "noise"):
                groups.setdefault(group, []).append(t)
        elif kind == "p":
            places.append(t)
        elif kind == "n":
            numbers.append(t)
        elif kind == "l":
            if t[1] != "any":
                legal.append(t)
        elif kind == "i":
            initials.append(t)
    return places, numbers, legal, words, initials


def _place_types(tokens: tuple[Token, ...], context: Context) -> frozenset[str]:
    """The types of place (state, municipality, country…) a side names or is known to have."""
    return context.place_types | {k.split(":", 1)[0] for t in tokens if t[0] == "p" for k in t[1].split("|")}


def _sorted_pair(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x <= y else (y, x)


class Comparer:
    """Holds the vocabulary's concept groups and the weights; `compare` is the only entry point."""

    def __init__(self, config: MatchConfig, vocab: Vocabulary | None = None) -> None:
        self.config = config
        self.vocab = vocab or load_vocabulary()
        self._groups = self.vocab.concept_group
        self._weights: dict[Token, float] = {}

    # Weights and costs -------------------------------------------------------------------------------

    def weight(self, token: Token) -> float:
        cached = self._weights.get(token)
        if cached is None:
            if len(self._weights) > 100_000:
                self._weights.clear()
            cached = self._weights[token] = self._weight(token)
        return cached

    def _weight(self, token: Token) -> float:
        cfg = self.config
        kind = token[0]
        if kind == "w":
            n = len(token[1])
            return cfg.word_weight * (0.5 if n <= 1 else 0.8 if n == 2 else 1.0)
        if kind == "p":
            return cfg.place_weight
        if kind == "n":
            return cfg.number_weight
        if kind == "c":
            group = self._groups.get(token[1], "-")
            if group == "noise":
                return cfg.qualifier_weight / 3
            return cfg.qualifier_weight if group == "-" else cfg.concept_weight
        if kind == "l":
            return cfg.legal_form_weight * (0.5 if token[1] == "any" else 1.0)
        return cfg.particle_weight  # initials, particles

    def missing_cost(self, token: Token, person: bool) -> float:
        cfg = self.config
        kind = token[0]
        w = self.weight(token)
        if kind == "w":
            return w * (cfg.missing_person_word_cost if person else cfg.missing_word_cost)
        if kind == "p":
            # A place from an address ("(Iguala, Gro.)") says where the body sits, not which body it is.
            return cfg.missing_qualifier_cost if "d" in token[3] else cfg.missing_place_cost
        if kind == "n":
            return cfg.missing_number_cost
        if kind == "c":
            if "m" in token[3]:
                return 0.0  # implied, not written
            group = self._groups.get(token[1], "-")
            if group == "noise":
                return cfg.missing_qualifier_cost / 6
            return cfg.missing_qualifier_cost if group == "-" else cfg.missing_concept_cost
        if kind == "l":
            return w * 0.2
        return w * 0.5

    # The comparison ----------------------------------------------------------------------------------

    def compare(
        self,
        a: tuple[Token, ...],
        b: tuple[Token, ...],
        ctx_a: Context = EMPTY_CONTEXT,
        ctx_b: Context = EMPTY_CONTEXT,
        *,
        person: bool = False,
        explain: bool = False,
    ) -> Comparison:
        if not a or not b:
            return Comparison(0.0, (Feature("name", "missing", 0.0, "one side has no name left to compare"),))
        if a == b and not explain:
            return Comparison(1.0, ())
        return self.finish(self.pair(a, b, ctx_a, ctx_b, person=person), explain=explain)

    def score(
        self,
        a: tuple[Token, ...],
        b: tuple[Token, ...],
        ctx_a: Context = EMPTY_CONTEXT,
        ctx_b: Context = EMPTY_CONTEXT,
        *,
        person: bool = False,
    ) -> tuple[float, Paired | None]:
        """`compare(...).score`, with the pairing it was found from (None when there was none to make), so
        that `finish(paired, explain=True)` explains it later without pairing the tokens again."""
        if not a or not b:
            return 0.0, None
        if a == b:
            return 1.0, None
        paired = self.pair(a, b, ctx_a, ctx_b, person=person)
        return self.finish(paired).score, paired

    def pair(
        self,
        a: tuple[Token, ...],
        b: tuple[Token, ...],
        ctx_a: Context = EMPTY_CONTEXT,
        ctx_b: Context = EMPTY_CONTEXT,
        *,
        person: bool = False,
    ) -> Paired:
        """Steps 1 to 3: pairs the tokens and sets aside what the other side's context already says."""
        sa, sb = _Side(a), _Side(b)
        pairs: list[tuple[list[int], list[int], float, str]] = []
        self._pair_exact(sa, sb, pairs)
        self._pair_fuzzy(sa, sb, pairs, person)
        if not person:
            # The side whose acronym sorts first goes first, so that compare(a, b) == compare(b, a).
            first_a = min((t[1] for t in a if "a" in t[3]), default="~")
            first_b = min((t[1] for t in b if "a" in t[3]), default="~")
            if first_a == first_b == "~":
                pass  # no acronym on either side
            elif first_a < first_b or (first_a == first_b and encode(a) <= encode(b)):
                self._pair_acronyms(sa, sb, pairs)
                self._pair_acronyms(sb, sa, pairs, flip=True)
            else:
                self._pair_acronyms(sb, sa, pairs, flip=True)
                self._pair_acronyms(sa, sb, pairs)
        absorbed_a = self._absorb(sa, ctx_b) + self._absorb_states(sa, sb)
        absorbed_b = self._absorb(sb, ctx_a) + self._absorb_states(sb, sa)
        return Paired(sa, sb, ctx_a, ctx_b, person, pairs, absorbed_a, absorbed_b)

    def finish(self, paired: Paired, *, explain: bool = False) -> Comparison:
        """Steps 4 and 5: charges what is left and scores. Reads `paired` without changing it."""
        sa, sb, ctx_a, ctx_b, person = paired.sa, paired.sb, paired.ctx_a, paired.ctx_b, paired.person
        pairs, absorbed_a, absorbed_b = paired.pairs, paired.absorbed_a, paired.absorbed_b
        a, b = sa.items, sb.items
        matched = loss = 0.0
        evidence = False
        features: list[Feature] = []
        weight = self.weight
        for ia, ib, sim, how in pairs:
            wa = weight(a[ia[0]]) if len(ia) == 1 else sum(weight(a[i]) for i in ia)
            wb = weight(b[ib[0]]) if len(ib) == 1 else sum(weight(b[i]) for i in ib)
            mass = (wa + wb) / 2
            matched += sim * mass
            loss += (1.0 - sim) * mass
            if not evidence and (any(a[i][0] in "wpni" for i in ia) or any(b[i][0] in "wpni" for i in ib)):
                evidence = True
            if explain:
                features.append(self._pair_feature(a, b, ia, ib, sim, how))

        cost, vetoes, legal_conflict, features_rest = self._leftovers(sa, sb, ctx_a, ctx_b, person, explain)
        features.extend(features_rest)
        if explain:
            for side, absorbed, label in ((a, absorbed_a, "query"), (b, absorbed_b, "candidate")):
                for i in absorbed:
                    value = side[i][2]
                    features.append(
                        Feature(
                            self._feature_name(side[i]),
                            "context",
                            0.0,
                            f"'{value}' agrees with what is known of the other side: no gain, no cost",
                            value if label == "query" else None,
                            value if label == "candidate" else None,
                        )
                    )
        total = matched + loss + cost
        score = matched / total if total > 0 else 0.0
        cfg = self.config
        if (
            not evidence
            and score > cfg.generic_only_cap
            and (
                any(not sa.used[i] and a[i][0] in "wpn" and i not in absorbed_a for i in range(len(a)))
                or any(not sb.used[i] and b[i][0] in "wpn" and i not in absorbed_b for i in range(len(b)))
            )
        ):
            score = cfg.generic_only_cap
            if explain:
                features.append(
                    Feature(
                        "generic",
                        "capped",
                        cfg.generic_only_cap,
                        "only generic words agree while a distinctive part does not: capped",
                    )
                )
        if legal_conflict and score > cfg.legal_form_conflict_cap:
            score = cfg.legal_form_conflict_cap
        if vetoes:
            score *= cfg.conflict_factor
        # Rounded so that summing in another order (compare(b, a)) cannot change the last bits.
        return Comparison(round(min(1.0, max(0.0, score)), 9), tuple(features), vetoed=bool(vetoes))

    # Pairing -----------------------------------------------------------------------------------------

    def _pair_exact(self, sa: _Side, sb: _Side, pairs: list[tuple[list[int], list[int], float, str]]) -> None:
        a, b = sa.items, sb.items
        index: dict[tuple[str, str], list[int]] = {}
        for j, t in enumerate(b):
            if t[0] != "p":
                index.setdefault((t[0], t[1]), []).append(j)
        for i, t in enumerate(a):
            if t[0] == "p":
                keys = set(t[1].split("|"))
                for j, u in enumerate(b):
                    if not sb.used[j] and u[0] == "p" and keys.intersection(u[1].split("|")):
                        self._take(sa, sb, pairs, [i], [j], 1.0, "exact")
                        break
                continue
            for j in index.get((t[0], t[1]), ()):
                if not sb.used[j]:
                    self._take(sa, sb, pairs, [i], [j], 1.0, "exact")
                    break
        # Legal forms: a generic "Company" agrees with any form.
        used_a, used_b = sa.used, sb.used
        for i, t in enumerate(a):
            if t[0] != "l" or used_a[i]:
                continue
            for j, u in enumerate(b):
                if not used_b[j] and u[0] == "l" and "any" in (t[1], u[1]):
                    self._take(sa, sb, pairs, [i], [j], 1.0, "exact")
                    break

    def _take(
        self,
        sa: _Side,
        sb: _Side,
        pairs: list[tuple[list[int], list[int], float, str]],
        ia: list[int],
        ib: list[int],
        sim: float,
        how: str,
    ) -> None:
        for i in ia:
            sa.used[i] = True
        for j in ib:
            sb.used[j] = True
        pairs.append((ia, ib, sim, how))

    def _pair_fuzzy(
        self, sa: _Side, sb: _Side, pairs: list[tuple[list[int], list[int], float, str]], person: bool
    ) -> None:
        a, b = sa.items, sb.items
        fa = [i for i, u in enumerate(sa.used) if not u and a[i][0] in "wiprc"]
        fb = [j for j, u in enumerate(sb.used) if not u and b[j][0] in "wiprc"]
        if not any(a[i][0] != "c" for i in fa) and not any(b[j][0] != "c" for j in fb):
            return
        cfg = self.config
        threshold = cfg.min_person_token_similarity if person else cfg.min_token_similarity
        options: list[tuple[float, tuple[str, str], list[int], list[int], str]] = []
        for i in fa:
            ta = a[i]
            for j in fb:
                tb = b[j]
                if ta[0] == "i" or tb[0] == "i":
                    if ta[0] == "i" and tb[0] == "i":
                        sim = 1.0 if ta[1] == tb[1] else 0.0
                    else:
                        word = tb[1] if ta[0] == "i" else ta[1]
                        letter = ta[1] if ta[0] == "i" else tb[1]
                        sim = 0.9 if word.startswith(letter) else 0.0
                    how = "initial"
                elif ta[0] == "r" or tb[0] == "r":
                    sim = 1.0 if ta[1] == tb[1] else 0.0
                    how = "exact"
                elif ta[0] in "pc" or tb[0] in "pc":
                    # A misspelt word against a place or concept the other side spelled right ("Naeal").
                    if ta[0] != "w" and tb[0] != "w":
                        continue
                    if person:
                        continue
                    sim = word_similarity(ta[2].replace(" ", ""), tb[2].replace(" ", ""))
                    how = "spelling"
                else:
                    sim = word_similarity(ta[1], tb[1])
                    how = "spelling"
                    if person and sim < 0.9 and (ta[1], tb[1]) in self.vocab.nicknames:
                        sim, how = 0.9, "nickname"
                if sim >= threshold:
                    options.append((sim, _sorted_pair(ta[2], tb[2]), [i], [j], how))
        # Joined and split words: "SiemensAG"/"Siemens AG", "Patr ushev"/"Patrushev", "Xi Jin Ping"/"Jinping".
        for side_a, side_b, free_a, free_b, flip in ((a, b, fa, fb, False), (b, a, fb, fa, True)):
            if len(free_a) < 2 or not any(side_b[j][0] == "w" for j in free_b):
                continue
            for start in range(len(free_a)):
                for length in (2, 3):
                    run = free_a[start : start + length]
                    if len(run) < length or run[-1] - run[0] != length - 1:
                        continue
                    if any(side_a[k][0] not in "wil" for k in run):
                        continue
                    joined = "".join(side_a[k][1] for k in run)
                    for j in free_b:
                        if side_b[j][0] != "w" or abs(len(side_b[j][1]) - len(joined)) > 2:
                            continue
                        sim = word_similarity(joined, side_b[j][1])
                        if sim >= max(threshold, 0.85):
                            key = _sorted_pair(joined, side_b[j][1])
                            ia, ib = ([j], run) if flip else (run, [j])
                            options.append((sim - 0.02, key, ia, ib, "joined"))
        options.sort(key=lambda o: (-o[0], o[1], len(o[2]) + len(o[3])))
        for sim, _key, ia, ib, how in options:
            if any(sa.used[i] for i in ia) or any(sb.used[j] for j in ib):
                continue
            self._take(sa, sb, pairs, ia, ib, min(sim, 1.0), how)

    def _pair_acronyms(
        self,
        sa: _Side,
        sb: _Side,
        pairs: list[tuple[list[int], list[int], float, str]],
        *,
        flip: bool = False,
    ) -> None:
        a, b = sa.items, sb.items
        for i in sa.free():
            token = a[i]
            if token[0] != "w" or "a" not in token[3]:
                continue
            free_b = [j for j in sb.free() if b[j][0] in "wcp"]
            if len(free_b) < 2:
                return
            words: list[str] = []
            owner: list[int] = []
            last = None
            for j in free_b:
                if b[j][2] == last:
                    continue
                for word in b[j][2].split():
                    words.append(word)
                    owner.append(j)
                last = b[j][2]
            window = acronym_window(token[1], words)
            if window is None:
                continue
            covered = sorted({owner[k] for k in range(window[0], window[1])})
            # Concepts read from the same words come along ("attorney general" = prosecutor + general).
            surfaces = {b[j][2] for j in covered}
            covered = sorted({j for j in free_b if b[j][2] in surfaces})
            sa.used[i] = True
            for j in covered:
                sb.used[j] = True
            pairs.append((covered, [i], 0.95, "acronym") if flip else ([i], covered, 0.95, "acronym"))

    def _absorb(self, side: _Side, other_ctx: Context) -> list[int]:
        absorbed: list[int] = []
        if not other_ctx.places and not other_ctx.concepts:
            return absorbed
        for i in side.free():
            token = side.items[i]
            if (token[0] == "p" and other_ctx.places.intersection(token[1].split("|"))) or (
                token[0] == "c" and token[1] in other_ctx.concepts
            ):
                side.used[i] = True
                absorbed.append(i)
        return absorbed

    @staticmethod
    def _absorb_states(side: _Side, other: _Side) -> list[int]:
        """A state added to a municipality the other side names ("Iguala, Gro.") says nothing new."""
        states = {
            k.split(":")[1]
            for t in other.items
            if t[0] == "p" and "mu:" in t[1]
            for k in t[1].split("|")
            if k.startswith("mu:")
        }
        absorbed: list[int] = []
        if not states:
            return absorbed
        for i in side.free():
            t = side.items[i]
            keys = t[1].split("|") if t[0] == "p" else []
            only_states = bool(keys) and all(k.startswith("st:") for k in keys)
            if only_states and any(k.split(":")[1] in states for k in keys):
                side.used[i] = True
                absorbed.append(i)
        return absorbed

    # What is left ------------------------------------------------------------------------------------

    def _leftovers(
        self, sa: _Side, sb: _Side, ctx_a: Context, ctx_b: Context, person: bool, explain: bool
    ) -> tuple[float, list[str], bool, list[Feature]]:
        a, b = sa.items, sb.items
        ra = [t for t, u in zip(a, sa.used, strict=True) if not u]
        rb = [t for t, u in zip(b, sb.used, strict=True) if not u]
        if not ra and not rb:
            return 0.0, [], False, []  # everything paired or set aside: nothing to charge
        cfg = self.config
        if not explain and all(t[0] == "w" for t in ra) and all(t[0] == "w" for t in rb):
            # Only words are left (the usual case): the word charge below, and nothing else.
            weight_a = sum(self.weight(t) for t in ra)
            weight_b = sum(self.weight(t) for t in rb)
            clash = min(weight_a, weight_b)
            per_word = cfg.missing_person_word_cost if person else cfg.missing_word_cost
            return 0.0 + (clash * cfg.conflict_cost + abs(weight_a - weight_b) * per_word), [], False, []
        cost = 0.0
        vetoes: list[str] = []
        features: list[Feature] = []
        legal_conflict = False

        def conflict(name: str, detail: str, qa: list[Token], qb: list[Token]) -> None:
            vetoes.append(name)
            if explain:
                features.append(
                    Feature(
                        name,
                        "conflict",
                        0.0,
                        detail,
                        ", ".join(t[2] for t in qa) or None,
                        ", ".join(t[2] for t in qb) or None,
                    )
                )

        conflicted: set[int] = set()  # ids of tokens already charged as a conflict
        # What is left, by kind, in order (one pass over each side).
        groups_a: dict[str, list[Token]] = {}
        groups_b: dict[str, list[Token]] = {}
        pa, na, la, wa, ia = _split_kinds(ra, self._groups, groups_a)
        pb, nb, lb, wb, ib = _split_kinds(rb, self._groups, groups_b)
        # Places: a leftover place against any place of the same type the other side is known to have.
        types_b = _place_types(b, ctx_b) if pa else frozenset()
        types_a = _place_types(a, ctx_a) if pb else frozenset()
        clash_a = [t for t in pa if types_b & {k.split(":", 1)[0] for k in t[1].split("|")}]
        clash_b = [t for t in pb if types_a & {k.split(":", 1)[0] for k in t[1].split("|")}]
        if clash_a or clash_b:
            conflict("place", "the two names are in different places", clash_a, clash_b)
            conflicted.update(id(t) for t in clash_a + clash_b)
        if na and nb:
            conflict("number", "the two names carry different numbers", na, nb)
            conflicted.update(id(t) for t in na + nb)
        for group in sorted(set(groups_a) & set(groups_b)):
            conflict(group, f"different {group.replace('_', ' ')}", groups_a[group], groups_b[group])
            conflicted.update(id(t) for t in groups_a[group] + groups_b[group])
        if la and lb:
            legal_conflict = True
            conflicted.update(id(t) for t in la + lb)
            if explain:
                features.append(
                    Feature(
                        "legal_form",
                        "conflict",
                        self.config.legal_form_conflict_cap,
                        "legal forms of different families: not the same company",
                        ", ".join(t[2] for t in la),
                        ", ".join(t[2] for t in lb),
                    )
                )
        # Words: what both sides leave over is a conflict, what only one side has is missing.
        cfg = self.config
        if ia and ib:
            # Two different initials ("William G." and "William W.") name different people.
            cost += cfg.conflict_cost * min(len(ia), len(ib))
            conflicted.update(id(t) for t in ia + ib)
        weight_a = sum(self.weight(t) for t in wa)
        weight_b = sum(self.weight(t) for t in wb)
        clash = min(weight_a, weight_b)
        spare = abs(weight_a - weight_b)
        per_word = cfg.missing_person_word_cost if person else cfg.missing_word_cost
        cost += clash * cfg.conflict_cost + spare * per_word
        if explain and (wa or wb):
            how = "conflict" if clash > 0 else "missing"
            features.append(
                Feature(
                    "words",
                    how,
                    clash * cfg.conflict_cost + spare * per_word,
                    "words on both sides that match nothing on the other"
                    if clash > 0
                    else "words on one side only",
                    " ".join(t[2] for t in wa) or None,
                    " ".join(t[2] for t in wb) or None,
                )
            )
        for rest, label in ((ra, "query"), (rb, "candidate")):
            for t in rest:
                if id(t) in conflicted or t[0] == "w":
                    continue
                item_cost = self.missing_cost(t, person)
                cost += item_cost
                if explain:
                    features.append(
                        Feature(
                            self._feature_name(t),
                            "missing",
                            item_cost,
                            f"'{t[2]}' has no counterpart on the other side",
                            t[2] if label == "query" else None,
                            t[2] if label == "candidate" else None,
                        )
                    )
        return cost, vetoes, legal_conflict, features

    # Explanations ------------------------------------------------------------------------------------

    @staticmethod
    def _feature_name(token: Token) -> str:
        return {
            "w": "word",
            "p": "place",
            "n": "number",
            "c": "concept",
            "l": "legal_form",
            "i": "initial",
            "r": "particle",
        }.get(token[0], "word")

    def _pair_feature(
        self, a: tuple[Token, ...], b: tuple[Token, ...], ia: list[int], ib: list[int], sim: float, how: str
    ) -> Feature:
        ta, tb = [a[i] for i in ia], [b[j] for j in ib]
        qa = " ".join(dict.fromkeys(t[2] for t in ta))
        qb = " ".join(dict.fromkeys(t[2] for t in tb))
        first = ta[0] if len(ta) <= len(tb) else tb[0]
        name = self._feature_name(first)
        if how == "exact":
            if any("x" in t[3] for t in ta + tb):
                how = "acronym"
            elif first[0] == "n" and qa != qb:
                how = "ordinal"
            elif any("s" in t[3] for t in ta + tb):
                how = "spelling"
            elif qa != qb and first[0] in "cpl":
                how = "translated"
        key = first[1] if first[0] in "cnl" else None
        detail = {
            "exact": "written the same",
            "translated": f"same meaning ({key or 'place'}) in other words or language",
            "acronym": "an acronym and the words it stands for",
            "ordinal": f"the same number ({key}) in another notation",
            "spelling": f"spelled differently (similarity {sim:.2f})",
            "joined": "the same letters, joined or split differently",
            "initial": "an initial and a name that starts with it",
        }.get(how, how)
        return Feature(name, how, sim, detail, qa, qb)
