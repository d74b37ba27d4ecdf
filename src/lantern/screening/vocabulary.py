"""The domain vocabulary, read from the data files beside this module (see `data/README.md`).

Pure apart from reading those package files once. Every phrase is folded (lower case, ASCII, single spaces)
and looked up as a whole: "seguridad publica" is one concept, "baja california sur" one place.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources

from lantern.core.text import fold

DATA_FILES = (
    "concepts.tsv",
    "stopwords.tsv",
    "acronyms.tsv",
    "legal_forms.tsv",
    "states_mx.tsv",
    "places_mx.tsv",
    "places_extra.tsv",
    "places_world.tsv",
    "person_words.tsv",
    "numbers.tsv",
    "kind_context.tsv",
    "abbreviations.tsv",
    "nicknames.tsv",
    "equivalences.tsv",
    "ranks.tsv",
)

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Phrase:
    """What a folded phrase means. A phrase can be several things at once (Chihuahua: state and city)."""

    concepts: tuple[str, ...] = ()
    group: str | None = None
    places: frozenset[str] = frozenset()
    legal_family: str | None = None
    acronym: str | None = None  # the expansion of a known acronym
    stopword: bool = False
    needs_dot: bool = False  # an abbreviation that only counts when written with its dot ("Son.")


@dataclass(slots=True)
class Vocabulary:
    phrases: dict[str, Phrase] = field(default_factory=dict)
    max_words: int = 1
    #: concept -> group, for telling which concepts exclude each other.
    concept_group: dict[str, str] = field(default_factory=dict)
    #: place key -> a readable name ("st:GRO" -> "Guerrero").
    place_names: dict[str, str] = field(default_factory=dict)
    #: state code -> its key and every folded form, to read ScreeningEntity.state.
    state_keys: dict[str, str] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()
    particles: dict[str, str] = field(default_factory=dict)
    number_words: dict[str, tuple[int, str]] = field(default_factory=dict)
    kind_context: dict[str, tuple[str, ...]] = field(default_factory=dict)
    single_words: frozenset[str] = frozenset()
    abbreviations: dict[str, str] = field(default_factory=dict)
    #: pairs (nickname, name) in both orders: "bill" and "william".
    nicknames: frozenset[tuple[str, str]] = frozenset()
    #: (concepts present, concepts meant), largest first: see equivalences.tsv.
    equivalences: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()
    #: concept -> how high a body of that kind sits in a hierarchy (0 = ministry); see ranks.tsv.
    ranks: dict[str, int] = field(default_factory=dict)
    digest: str = ""

    def add(self, phrase: str, **meaning: object) -> None:
        words = phrase.split()
        self.max_words = max(self.max_words, len(words))
        key = " ".join(words)
        old = self.phrases.get(key)
        new = Phrase(**meaning)  # type: ignore[arg-type]  # keyword names are Phrase's fields
        if old is not None:
            new = Phrase(
                concepts=old.concepts or new.concepts,
                group=old.group or new.group,
                places=old.places | new.places,
                legal_family=old.legal_family or new.legal_family,
                acronym=old.acronym or new.acronym,
                stopword=old.stopword or new.stopword,
                needs_dot=old.needs_dot and new.needs_dot,
            )
        self.phrases[key] = new


def _rows(name: str) -> list[list[str]]:
    text = resources.files("lantern.screening").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-")


def _add_place(vocab: Vocabulary, form: str, key: str) -> None:
    needs_dot = form.endswith(".")
    vocab.add(form.rstrip("."), places=frozenset({key}), needs_dot=needs_dot)


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The vocabulary, read once per process."""
    vocab = Vocabulary()
    digest = hashlib.blake2b(digest_size=12)
    for name in DATA_FILES:
        digest.update(resources.files("lantern.screening").joinpath("data", name).read_bytes())
    vocab.digest = digest.hexdigest()

    rows = _rows("concepts.tsv")
    # A concept's group comes from the rows that name it alone ("general" is a qualifier even though
    # "attorney general" is an institution).
    for _phrase, concepts, group in rows:
        if " " not in concepts:
            vocab.concept_group.setdefault(concepts, group)
    for phrase, concepts, group in rows:
        names = tuple(concepts.split())
        for concept in names:
            vocab.concept_group.setdefault(concept, "-")
        vocab.add(phrase, concepts=names, group=None if group == "-" else group)
    for (word,) in _rows("stopwords.tsv"):
        vocab.add(word, stopword=True)
    for row in _rows("legal_forms.tsv"):
        vocab.add(row[0], legal_family=row[1])
    for row in _rows("acronyms.tsv"):
        vocab.add(row[0], acronym=row[1])

    states_by_name: dict[str, str] = {}
    for code, name, _admin1, variants in _rows("states_mx.tsv"):
        key = f"st:{code}"
        vocab.place_names[key] = name
        vocab.state_keys[code.lower()] = key
        for form in variants.split("|"):
            _add_place(vocab, form, key)
            if not form.endswith("."):
                vocab.state_keys[form] = key
        states_by_name[code] = key
        # A registry's state field may give the official name, or drop its "Estado de" ("México"); as a
        # state field it can only mean the state, though in a name "México" is the country.
        official = fold(name)
        vocab.state_keys.setdefault(official, key)
        if official.startswith("estado de "):
            vocab.state_keys.setdefault(official.removeprefix("estado de "), key)
    municipalities: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for state, name, _population, forms in _rows("places_mx.tsv"):
        municipalities[(state, name)] = (f"mu:{state}:{_slug(forms.split('|')[0])}", forms.split("|"))
    for state, name, forms, _source in _rows("places_extra.tsv"):
        if (state, name) in municipalities:
            key, old = municipalities[(state, name)]
            municipalities[(state, name)] = (key, old + forms.split("|"))
        else:
            municipalities[(state, name)] = (f"mu:{state}:{_slug(forms.split('|')[0])}", forms.split("|"))
    for (_state, name), (key, place_forms) in municipalities.items():
        vocab.place_names[key] = name
        for form in place_forms:
            _add_place(vocab, form, key)
    for key, name, forms in _rows("places_world.tsv"):
        vocab.place_names[key] = name
        for form in forms.split("|"):
            _add_place(vocab, form, key)

    titles: set[str] = set()
    for kind, word, canonical in _rows("person_words.tsv"):
        if kind == "title":
            titles.add(word)
        else:
            vocab.particles[word] = canonical
    vocab.titles = frozenset(titles)
    for word, value, role in _rows("numbers.tsv"):
        vocab.number_words[word] = (int(value), role)
    for row in _rows("kind_context.tsv"):
        vocab.kind_context[row[0]] = tuple(row[1].split())
    vocab.abbreviations = dict(_rows("abbreviations.tsv"))
    pairs = set()
    for nick, name in _rows("nicknames.tsv"):
        for part in name.split():
            pairs.update({(nick, part), (part, nick)})
    vocab.nicknames = frozenset(pairs)
    rules = [(frozenset(left.split()), tuple(right.split())) for left, right in _rows("equivalences.tsv")]
    vocab.equivalences = tuple(sorted(rules, key=lambda r: -len(r[0])))
    vocab.ranks = {concept: int(rank) for concept, rank in _rows("ranks.tsv")}
    vocab.single_words = frozenset(p for p in vocab.phrases if " " not in p)
    return vocab


def municipality_keys(vocab: Vocabulary, municipality: str, state_key: str | None) -> frozenset[str]:
    """The place keys of a municipality named in the registry, narrowed to its state when known."""
    phrase = vocab.phrases.get(fold(municipality).replace("-", " "))
    if phrase is None or not phrase.places:
        return frozenset()
    keys = frozenset(k for k in phrase.places if k.startswith("mu:"))
    if state_key is not None:
        code = state_key.split(":", 1)[1]
        narrowed = frozenset(k for k in keys if k.startswith(f"mu:{code}:"))
        return narrowed or keys
    return keys
