"""Reads a name as written into typed tokens: words, places, numbers, concepts, legal forms. Pure.

"27/o. Batallón de Infantería (SEDENA)" becomes number 27, concepts battalion and infantry, and the
SEDENA concepts marked as coming from an acronym. "Pol. Estatal Gro." becomes concepts police and state and
the place Guerrero. Matching then compares meanings, not spellings, and knows which parts discriminate.

Tokens are plain tuples `(kind, key, surface, flags)` so that millions of analysed names stay small and
serialise to one string each (`encode` / `decode`):

- kind: w word, p place (key: "|"-joined place keys), n number, c concept, l legal form (key: family),
  i initial (persons), r particle (persons: bin, al, de…)
- surface: the folded text the token came from, for explanations and acronym matching
- flags: a = may be an acronym, x = expanded from a known acronym, o = written as an ordinal or numeral
  word, s = spelling corrected to the vocabulary
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz.distance import OSA
from unidecode import unidecode

from lantern.screening.vocabulary import Phrase, Vocabulary, load_vocabulary

Token = tuple[str, str, str, str]

_POSSESSIVE = re.compile(r"(\w)['’]s\b")
_APOSTROPHE = re.compile(r"['’`´]")
_DOTTED_INITIALS = re.compile(r"\b[A-Za-z](?:\.\s?[A-Za-z])+\b\.?")
_ORDINAL = re.compile(
    r"\b(\d+)(?:\s*/\s*)?(?:(?:ero|era|er|ro|ra|do|da|to|ta|avo|ava|vo|va|mo|ma|no|na|th|st|nd|rd)\b|[oa]\b)\.?",
    re.IGNORECASE,
)
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[A-Za-z])|(?<=[A-Za-z])(?=\d)")
_WORD = re.compile(r"[A-Za-z0-9]+\.?")
_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_VOWELS = frozenset("aeiouy")
_LEET = str.maketrans("0134579", "oieasrg")
_SHORT_LEGAL = 3
_SPELLING_MIN = 5
_POLICE_LIKE = frozenset({"police", "secretariat", "prosecutor", "procuraduria", "directorate"})
_STATE_BODIES = frozenset({"secretariat", "prosecutor", "procuraduria"})
_NOT_CIVIL = frozenset({"army", "navy", "military", "guard", "air_force", "armed_forces", "federal", "air"})


@dataclass(frozen=True, slots=True)
class Analysis:
    tokens: tuple[Token, ...]
    person: bool = False

    def encode(self) -> str:
        return encode(self.tokens)


def encode(tokens: tuple[Token, ...]) -> str:
    return "\x1e".join("\x1f".join(t) for t in tokens)


def decode(text: str) -> tuple[Token, ...]:
    if not text:
        return ()
    return tuple(tuple(part.split("\x1f")) for part in text.split("\x1e"))  # type: ignore[misc]


class _Word(NamedTuple):
    text: str  # folded
    upper: bool  # written in capitals
    dot: bool  # followed by a dot
    initials: bool  # joined from dotted initials ("S.A." -> "sa")


def _roman(word: str) -> int:
    total = 0
    for i, ch in enumerate(word):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(word) and _ROMAN_VALUES[word[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def fold_text(text: str) -> str:
    """Lower case ASCII with single spaces: the form every vocabulary phrase is written in."""
    return " ".join(w.text for w in _words(text, person=False))


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _POSSESSIVE.sub(r"\1", text)
    if not text.isascii():
        # unidecode reads one character at a time, so it may read one word at a time, and names share words.
        text = " ".join([_ascii_word(word) for word in text.split(" ")])
    text = _APOSTROPHE.sub("", text)
    return text.replace("&", " and ")


@functools.lru_cache(maxsize=100_000)
def _ascii_word(word: str) -> str:
    return unidecode(word)


def _words(text: str, *, person: bool) -> list[_Word]:
    text = _prepare(text)
    joined: list[tuple[int, int, str]] = []
    if not person:
        text = _ORDINAL.sub(lambda m: f" {m.group(1)} ", text)
        for m in _DOTTED_INITIALS.finditer(text):
            joined.append((m.start(), m.end(), re.sub(r"[.\s]", "", m.group(0))))
    out: list[_Word] = []
    pos = 0
    for start, end, letters in [*joined, (len(text), len(text), "")]:
        chunk = text[pos:start] if person else _DIGIT_LETTER.sub(" ", text[pos:start])
        for m in _WORD.finditer(chunk):
            raw = m.group(0)
            core = raw.rstrip(".")
            if person and not core.isdigit() and not core.isalpha():
                core = core.translate(_LEET)  # "Ig0r Sech1n"
            out.append(_Word(core.lower(), core.isupper(), raw.endswith("."), False))
        if letters:
            out.append(_Word(letters.lower(), True, True, True))
        pos = end
    return out


@functools.cache
def _deletion_index() -> dict[str, tuple[str, ...]]:
    """Every vocabulary word of five letters or more under itself and each of its one-letter deletions,
    so that a word one typing mistake away is found by a few dictionary look-ups (the SymSpell idea)."""
    vocab = load_vocabulary()
    words: set[str] = set()
    for phrase, meaning in vocab.phrases.items():
        if meaning.needs_dot or meaning.stopword:
            continue
        words.update(w for w in phrase.split() if len(w) >= _SPELLING_MIN)
    index: dict[str, set[str]] = {}
    for word in words:
        for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
            index.setdefault(key, set()).add(word)
    return {key: tuple(sorted(found)) for key, found in index.items()}


@functools.lru_cache(maxsize=200_000)
def _correct(word: str) -> str | None:
    """A vocabulary word one typing mistake away ("Tamaulipaz", "Batalon"), if only one is, or if all that
    are mean the same ("batallon" and "battalion")."""
    index = _deletion_index()
    if word in index.get(word, ()):
        return None  # a word of the vocabulary ("nuevo" of "Nuevo León") is not a mistake
    found: set[str] = set()
    for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
        found.update(index.get(key, ()))
    nearest = sorted(w for w in found if w != word and OSA.distance(word, w) <= 1)
    if not nearest:
        return None
    phrases = load_vocabulary().phrases
    meanings = {phrases.get(w) for w in nearest}
    if len(nearest) == 1 or (len(meanings) == 1 and None not in meanings):
        return nearest[0]
    return None


#: Where a name joins a unit to its parent ("SEDENA - 22/a. Zona Militar", "SEDENA/DCAM", "SSPC; Guardia
#: Nacional") or adds a parent, an acronym or an address after it ("27/o. BI (SEDENA)", "…, Primera Zona
#: Naval", "…, Chilpancingo, Gro.").
_PARTS = re.compile(r"\s+[-–—/|]\s+|\s*;\s*|(?<=[A-Z]{2})[/-](?=[A-Z]{2})|\s*,\s*|\s*[()\[\]]\s*")
#: A purpose written after the body: "SEDENA/DCAM p/ SSP Guerrero", "SEDENA para su comercialización a…",
#: "DCAM - for resale to authorized law enforcement agencies". The body is what comes before.
_PURPOSE = re.compile(
    r"(?:\s+-)?\s+(?:p/|para|for|destinad[oa]s?\s+a|intended\s+for|on\s+behalf\s+of)\s+\S.*$", re.IGNORECASE
)
_UNRANKED = 9
_ADDRESS_COST_FLAG = "d"
_RANKED_GROUPS = frozenset({"institution", "unit_type", "arm", "police_type"})
_ABOVE_MUNICIPAL = frozenset({"state", "federal"})
_BODY_GROUPS = frozenset({"institution", "unit_type", "arm", "branch", "police_type", "domain", "-"})


class Analyser:
    """Turns names into tokens with one vocabulary. Cheap to call; caches nothing per name."""

    def readings(self, name: str) -> list[tuple[tuple[Token, ...], float]]:
        """The ways to read a name as an organisation, each with a factor on its score.

        Besides the whole name:
        - a purpose after the body is left out ("SEDENA/DCAM p/ SSP Guerrero" is consigned to the DCAM);
        - a name written as parts (a parent before or after the unit, an acronym in brackets, an address) is
          also read as each part that names a body, keeping the places and the level of government the
          other parts give. Places of an address part ("(Iguala, Gro.)", ", Chilpancingo") are flagged
          `d`: they agree or disagree like any place but cost little when the other side has none, and a
          municipality in the address of a state or federal body is its seat, not part of its name.
          Parts that rank as parents of another part (ranks.tsv: "Secretaría…", "SEDENA", "Primera Zona
          Naval" after a battalion) are not read alone: the name is about the unit, not its parent.
        Reading a part costs a little (the factor), so a candidate that matches the whole name ranks first.
        """
        whole = self.analyse(name).tokens
        out: list[tuple[tuple[Token, ...], float]] = [(whole, 1.0)]
        text, base = name, 1.0
        cut = _PURPOSE.sub("", name).strip(" -,;")
        if cut and cut != name:
            tokens = self.analyse(cut).tokens
            if tokens and any(t[0] != "p" for t in tokens):
                text, base = cut, 0.99
                out.append((tokens, base))
        company = any(t[0] == "l" for t in whole)  # "Sturm, Ruger & Co., Inc.": commas are not parts
        raw = [p.strip() for p in _PARTS.split(text)]
        if company:
            raw = [p.strip() for p in re.split(r"\s+[-–—/|]\s+|\s*;\s*", text)]
        raw = [p for p in raw if p]
        if len(raw) < 2:
            return out
        parts = [(p, self.analyse(p).tokens) for p in raw]
        parts = [(p, tokens) for p, tokens in parts if tokens]
        # An acronym in its own part that spells another part restates it: "Gendarmería Nacional (GN)".
        parts = [
            (p, tokens)
            for p, tokens in parts
            if not (
                " " not in p
                and p.isupper()
                and any(
                    q is not p and acronym_window(fold_text(p), surface_words(list(other))) is not None
                    for q, other in parts
                )
            )
        ]
        if len(parts) < 2:
            return out
        kinds = [self._part_kind(tokens) for _p, tokens in parts]
        bodies = [i for i, kind in enumerate(kinds) if kind == "body"]
        if not bodies or kinds[0] == "other":
            return out  # a name of plain words first is the name itself, whatever follows
        ranks = {i: self._rank(parts[i][1]) for i in bodies}
        top = max(ranks.values())
        for i in bodies:
            if ranks[i] < top:
                continue  # a parent of the unit the name is about
            body = parts[i][1]
            above_municipal = bool(
                {t[1] for t in body if t[0] == "c"} & _ABOVE_MUNICIPAL
                or any(
                    t[0] == "c" and self.vocab.concept_group.get(t[1]) in ("unit_type", "arm", "branch")
                    for t in body
                )
                or any(t[0] == "c" and t[1] in _NOT_CIVIL for t in body)
            )
            seen = {(t[0], t[1]) for t in body}
            carried: list[Token] = []
            for j, (_p, tokens) in enumerate(parts):
                if j == i or kinds[j] == "other":
                    continue
                for t in tokens:
                    if (t[0], t[1]) in seen:
                        continue
                    if t[0] == "p":
                        municipal_only = all(k.startswith("mu:") for k in t[1].split("|"))
                        if kinds[j] == "address":
                            if municipal_only and above_municipal:
                                continue  # the seat of a state or federal body
                            t = (t[0], t[1], t[2], t[3] + _ADDRESS_COST_FLAG)
                        carried.append(t)
                        seen.add((t[0], t[1]))
                    elif (
                        t[0] == "c"
                        and kinds[j] != "address"
                        and self.vocab.concept_group.get(t[1]) == "level"
                        and "m" not in t[3]
                    ):
                        carried.append(t)
                        seen.add((t[0], t[1]))
            reading = tuple(body) + tuple(carried)
            if any(reading == r for r, _f in out):
                continue
            share = min(1.0, len(reading) / max(1, len(whole)))
            factor = base * (1.0 - 0.05 * (1.0 - share))
            out.append((reading, factor))
        return out

    def _part_kind(self, tokens: tuple[Token, ...]) -> str:
        """body (names a body: a concept of a body, an acronym or a number), address (places only),
        context (places, levels and words like "Gobierno": "Gobierno del Estado de Tamaulipas") or other
        (plain words: an unknown locality, a person's or company's name)."""
        groups = self.vocab.concept_group
        if all(t[0] == "p" for t in tokens):
            return "address"
        if all(t[0] == "p" or (t[0] == "c" and groups.get(t[1]) in ("level", "noise")) for t in tokens):
            return "context"
        for t in tokens:
            if t[0] == "n" or (t[0] == "w" and "a" in t[3]):
                return "body"
            if t[0] == "c" and groups.get(t[1], "-") in _BODY_GROUPS:
                return "body"
        return "other"

    def _rank(self, tokens: tuple[Token, ...]) -> int:
        """How high the body a part names sits (ranks.tsv): the highest rank of its kind concepts, 9 for a
        kind not in the table (a battalion, a police force, a directorate) or for none."""
        found = []
        for t in tokens:
            if t[0] != "c":
                continue
            if t[1] in self.vocab.ranks:
                found.append(self.vocab.ranks[t[1]])
            elif self.vocab.concept_group.get(t[1]) in _RANKED_GROUPS:
                found.append(_UNRANKED)
        return max(found, default=_UNRANKED)

    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or load_vocabulary()
        self._starts: tuple[int, dict[str, int], frozenset[str]] = (-1, {}, frozenset())

    def _phrase_starts(self) -> dict[str, int]:
        """The first word of every vocabulary phrase, with the most words a phrase starting with it has."""
        return self._phrase_edges()[0]

    def _phrase_edges(self) -> tuple[dict[str, int], frozenset[str]]:
        """`_phrase_starts`, and the last word of every vocabulary phrase (both depend on the phrases only,
        not on their meanings, so they hold for as long as no phrase is added)."""
        count, starts, ends = self._starts
        if count != len(self.vocab.phrases):
            starts = {}
            for phrase in self.vocab.phrases:
                words = phrase.split(" ")
                starts[words[0]] = max(starts.get(words[0], 0), len(words))
            ends = frozenset(phrase.rsplit(" ", 1)[-1] for phrase in self.vocab.phrases)
            self._starts = (len(self.vocab.phrases), starts, ends)
        return starts, ends

    def analyse(self, name: str, *, person: bool = False) -> Analysis:
        words = _words(name, person=person)
        if person:
            return Analysis(self._person_tokens(words), person=True)
        return Analysis(self._organisation_tokens(words), person=False)

    # Persons -----------------------------------------------------------------------------------------

    def _person_tokens(self, words: list[_Word]) -> tuple[Token, ...]:
        vocab = self.vocab
        tokens: list[Token] = []
        for w in words:
            text = w.text
            if text in vocab.titles and len(words) > 2:
                continue
            if text.isdigit():
                tokens.append(("n", str(int(text)), text, ""))
            elif text in vocab.particles:
                tokens.append(("r", vocab.particles[text], text, ""))
            elif len(text) == 1:
                tokens.append(("i", text, text, ""))
            else:
                tokens.append(("w", text, text, ""))
        if not any(t[0] == "w" for t in tokens):
            # A name of particles or initials only ("Al", "N.N."): keep them as words.
            tokens = [("w", t[2], t[2], "") if t[0] in "ri" else t for t in tokens]
        return tuple(tokens)

    # Organisations and units -------------------------------------------------------------------------

    def _organisation_tokens(self, words: list[_Word]) -> tuple[Token, ...]:
        vocab = self.vocab
        all_upper = all(w.upper for w in words if not w.text.isdigit())
        texts = [
            vocab.abbreviations.get(w.text, w.text) if w.text not in vocab.phrases else w.text for w in words
        ]
        for i, w in enumerate(words):
            if (
                len(w.text) >= _SPELLING_MIN
                and not w.text.isdigit()
                and w.text not in vocab.phrases
                and not w.initials
            ):
                fixed = _correct(w.text)
                if fixed is not None:
                    texts[i] = fixed
        trailing = self._trailing_legal(texts)
        tokens: list[Token] = []
        i = self._leading_legal(texts, words, trailing, tokens)
        n = len(words)
        while i < n:
            if i >= trailing:
                length, legal = self._legal_at(texts, i)
                phrase = " ".join(words[j].text for j in range(i, i + length))
                tokens.append(("l", legal.legal_family or "any", phrase, ""))
                i += length
                continue
            length, meaning = self._phrase_at(texts, words, i, trailing)
            if meaning is not None and not meaning.places and length > 1:
                # A place that starts inside this phrase and runs past it wins the overlap: "del Estado de
                # México" is the State of Mexico, not "del estado" followed by the country.
                for k in range(1, length):
                    place_length, place = self._phrase_at(texts, words, i + k, trailing)
                    if place is not None and place.places and i + k + place_length > i + length:
                        length, meaning = self._phrase_at(texts, words, i, i + k)
                        break
            if meaning is None:
                length = 1
                self._plain(words[i], texts[i], all_upper, tokens, words, i)
                i += 1
                continue
            surface = " ".join(words[j].text for j in range(i, i + length))
            flags = "s" if surface != " ".join(texts[i : i + length]) else ""
            self._meaning(meaning, surface, flags, tokens, words[i], all_upper)
            i += length
        return self._tidy(tokens)

    def _trailing_legal(self, texts: list[str]) -> int:
        """Index where the trailing run of legal forms starts ("…, S.A. de C.V."); len(texts) if none."""
        start = len(texts)
        ends = self._phrase_edges()[1]
        while start > 1:
            if texts[start - 1].rsplit(" ", 1)[-1] not in ends:
                break  # no phrase ends with this word
            found = 0
            for length in range(min(self.vocab.max_words, start - 1), 0, -1):
                phrase = " ".join(texts[start - length : start])
                meaning = self.vocab.phrases.get(phrase)
                if meaning is not None and meaning.legal_family:
                    found = length
                    break
            if not found:
                break
            start -= found
        return start

    def _leading_legal(self, texts: list[str], words: list[_Word], end: int, tokens: list[Token]) -> int:
        """Reads a leading run of legal forms ("OAO Gazprom", "JSC Tactical"); returns where it ends."""
        i = 0
        starts = self._phrase_starts()
        while i < end - 1:
            if texts[i].split(" ", 1)[0] not in starts:
                break  # no phrase starts with this word
            found = 0
            for length in range(min(self.vocab.max_words, end - 1 - i), 0, -1):
                meaning = self.vocab.phrases.get(" ".join(texts[i : i + length]))
                if meaning is not None and meaning.legal_family and meaning.legal_family != "any":
                    short = length == 1 and len(texts[i]) <= 2
                    if not short or words[i].upper or words[i].initials:
                        found = length
                        break
            if not found:
                break
            tokens.append(
                (
                    "l",
                    self.vocab.phrases[" ".join(texts[i : i + found])].legal_family or "any",
                    " ".join(w.text for w in words[i : i + found]),
                    "",
                )
            )
            i += found
        return i

    def _legal_at(self, texts: list[str], i: int) -> tuple[int, Phrase]:
        for length in range(min(self.vocab.max_words, len(texts) - i), 0, -1):
            meaning = self.vocab.phrases.get(" ".join(texts[i : i + length]))
            if meaning is not None and meaning.legal_family:
                return length, meaning
        return 1, Phrase(legal_family="any")

    def _phrase_at(self, texts: list[str], words: list[_Word], i: int, end: int) -> tuple[int, Phrase | None]:
        vocab = self.vocab
        # Each text is a word or more, so a phrase of n words starting with this text's first word spans at
        # most n texts; a word that starts no phrase starts none here.
        longest = self._phrase_starts().get(texts[i].split(" ", 1)[0], 0)
        for length in range(min(longest, end - i), 0, -1):
            meaning = vocab.phrases.get(" ".join(texts[i : i + length]))
            if meaning is None:
                continue
            last = words[i + length - 1]
            if meaning.needs_dot and not last.dot:
                continue
            only_legal = meaning.legal_family and not (meaning.concepts or meaning.places or meaning.acronym)
            if only_legal and length == 1 and len(texts[i]) <= _SHORT_LEGAL:
                continue  # "AS", "SE", "NA" inside a name are words, not legal forms
            if meaning.acronym and len(texts[i]) <= 2 and not (last.upper or last.initials or last.dot):
                continue  # "pe", "gn" in running text are not acronyms
            return length, meaning
        return 1, None

    def _meaning(
        self, meaning: Phrase, surface: str, flags: str, tokens: list[Token], word: _Word, all_upper: bool
    ) -> None:
        if meaning.places:
            tokens.append(("p", "|".join(sorted(meaning.places)), surface, flags))
        elif meaning.concepts:
            for concept in meaning.concepts:
                tokens.append(("c", concept, surface, flags))
        elif meaning.acronym:
            expansion = self._organisation_tokens(_words(meaning.acronym, person=False))
            for kind, key, _surface, _flags in expansion:
                tokens.append((kind, key, surface, "x"))
        elif meaning.legal_family:
            tokens.append(("l", meaning.legal_family, surface, flags))
        elif meaning.stopword:
            tokens.append(("s", surface, surface, ""))

    def _plain(
        self, word: _Word, text: str, all_upper: bool, tokens: list[Token], words: list[_Word], i: int
    ) -> None:
        if text.isdigit():
            tokens.append(("n", str(int(text)), text, ""))
            return
        if text in self.vocab.number_words:
            value, _role = self.vocab.number_words[text]
            tokens.append(("n", str(value), text, "o"))
            return
        original = text.upper()
        if (word.upper or all_upper) and _ROMAN.match(original) and (len(text) > 1 or _near_unit(words, i)):
            tokens.append(("n", str(_roman(original)), text, "o"))
            return
        acronym_like = word.initials or (
            2 <= len(text) <= 6
            and ((word.upper and not all_upper) or not (set(text) & _VOWELS) or len(text) <= 3)
        )
        tokens.append(("w", text, text, "a" if acronym_like else ""))

    def _tidy(self, tokens: list[Token]) -> tuple[Token, ...]:
        """Joins number words ("vigésimo séptimo" = 27), drops stopwords and redundant acronyms."""
        merged: list[Token] = []
        for token in tokens:
            if merged and token[0] == "n" and merged[-1][0] == "n" and "o" in merged[-1][3]:
                prev = merged[-1]
                prev_value, value = int(prev[1]), int(token[1])
                if _adds(prev_value, value):
                    merged[-1] = ("n", str(prev_value + value), f"{prev[2]} {token[2]}", "o")
                    continue
            if token[0] == "s":
                if token[2] in ("y", "and") and merged and merged[-1][0] == "n":
                    merged.append(token)  # "treinta y uno": keep until the next token is seen
                continue
            merged.append(token)
        out = [t for t in merged if t[0] != "s"]
        out = self._equivalents(out)
        out = self._state_named_like_the_country(out)
        return _drop_redundant_acronyms(self._imply_national(_imply_level(out)))

    def _imply_national(self, tokens: list[Token]) -> list[Token]:
        """A secretariat or prosecutor named with its country's adjective is the national one: "Mexican
        Ministry of Defense" is the Secretaría de la Defensa Nacional. Only the adjective counts ("SSP
        México" may be the State of Mexico's). The implied level (flag m) costs nothing when the other side
        has none."""
        concepts = {t[1] for t in tokens if t[0] == "c"}
        if concepts & {"federal", "state", "municipal"} or not concepts & _STATE_BODIES:
            return tokens
        places = [t for t in tokens if t[0] == "p"]
        if not places or any(not k.startswith("cc:") for t in places for k in t[1].split("|")):
            return tokens
        names = self.vocab.place_names
        if any(t[2] != fold_text(names.get(k, k)) for t in places for k in t[1].split("|")):
            return [*tokens, ("c", "federal", "", "m")]
        return tokens

    def _state_named_like_the_country(self, tokens: list[Token]) -> list[Token]:
        """A state body named after "México" names the State of Mexico: "Policía Estatal de México" is the
        Estado de México's, since the country has no state police. The place reads as both."""
        concepts = {t[1] for t in tokens if t[0] == "c" and "m" not in t[3]}
        if "state" not in concepts or "federal" in concepts:
            return tokens
        if any(k.startswith("st:") for t in tokens if t[0] == "p" for k in t[1].split("|")):
            return tokens
        out = []
        for t in tokens:
            state = self.vocab.state_keys.get(t[2]) if t[0] == "p" else None
            if state is not None and all(k.startswith("cc:") for k in t[1].split("|")):
                t = ("p", "|".join(sorted({*t[1].split("|"), state})), t[2], t[3])
            out.append(t)
        return out

    def _equivalents(self, tokens: list[Token]) -> list[Token]:
        concepts = {t[1] for t in tokens if t[0] == "c"}
        for left, right in self.vocab.equivalences:
            if left <= concepts:
                first = next(i for i, t in enumerate(tokens) if t[0] == "c" and t[1] in left)
                surface = " ".join(dict.fromkeys(t[2] for t in tokens if t[0] == "c" and t[1] in left))
                kept = [t for t in tokens if not (t[0] == "c" and t[1] in left)]
                new = [("c", c, surface, "") for c in right]
                return kept[:first] + new + kept[first:]
        return tokens


def _imply_level(tokens: list[Token]) -> list[Token]:
    """A police force, secretariat or prosecutor named with only a state is the state's; with only a
    municipality, the municipality's: "SSP Tamaulipas" is state-level. The implied level (flag m) agrees
    with a written one and conflicts with another, but costs nothing when the other side has none."""
    concepts = {t[1] for t in tokens if t[0] == "c"}
    if concepts & {"federal", "state", "municipal"} or not concepts & _POLICE_LIKE or concepts & _NOT_CIVIL:
        return tokens
    types = set()
    for t in tokens:
        if t[0] == "p":
            kinds = {k.split(":", 1)[0] for k in t[1].split("|")}
            if kinds & {"st", "mu"}:
                types.add(frozenset(kinds & {"st", "mu"}))
    if len(types) != 1:
        return tokens
    (found,) = types
    if found == {"st"} or (found == {"st", "mu"} and concepts & _STATE_BODIES):
        # A secretariat or prosecutor named after a state that shares its name with its capital is the
        # state's: municipal ones say "municipal".
        return [*tokens, ("c", "state", "", "m")]
    if found == {"mu"}:
        return [*tokens, ("c", "municipal", "", "m")]
    return tokens


def _adds(prev: int, value: int) -> bool:
    """Whether two number words in a row make one number: 20 then 7 (27), 100 then 20, 10 then 1 (11)."""
    if prev % 100 == 0 and value < 100:
        return True
    return bool(prev % 10 == 0 and prev >= 10 and value < 10)


def _near_unit(words: list[_Word], i: int) -> bool:
    """A lone I, V or X is a numeral only next to a unit word: "IX Región Militar", "Brigada V"."""
    vocab = load_vocabulary()
    for j in (i - 1, i + 1, i - 2, i + 2):
        if 0 <= j < len(words):
            meaning = vocab.phrases.get(words[j].text)
            if meaning is not None and meaning.group in ("unit_type", "branch"):
                return True
    return False


def _drop_redundant_acronyms(tokens: list[Token]) -> tuple[Token, ...]:
    """ "Secretaría de Marina (SEMAR)" says SEMAR twice; the acronym adds nothing and is dropped."""
    expanded = [t for t in tokens if "x" in t[3]]
    plain = [t for t in tokens if "x" not in t[3]]
    if expanded:
        plain_concepts = {(t[0], t[1]) for t in plain}
        by_acronym: dict[str, list[Token]] = {}
        for t in expanded:
            by_acronym.setdefault(t[2], []).append(t)
        plain_words = surface_words([t for t in plain if t[0] in "wcp"])
        redundant = {
            acronym
            for acronym, group in by_acronym.items()
            if len(plain) > 1
            and (
                (
                    all((t[0], t[1]) in plain_concepts for t in group if t[0] in "cp")
                    and any(t[0] in "cp" for t in group)
                )
                # The letters spell the words beside it, whatever the acronym usually stands for:
                # "Gendarmería Nacional (GN)" is not the Guardia Nacional.
                or acronym_window(acronym.replace(" ", ""), plain_words) is not None
            )
        }
        if redundant:
            tokens = [t for t in tokens if not ("x" in t[3] and t[2] in redundant)]
    words = [t for t in tokens if t[0] == "w" and "a" in t[3]]
    if not words:
        return tuple(tokens)
    result = list(tokens)
    for acronym in words:
        rest = surface_words([t for t in tokens if t is not acronym and t[0] in "wcp" and "x" not in t[3]])
        if acronym_window(acronym[1], rest) is not None:
            result.remove(acronym)
    return tuple(result)


def surface_words(tokens: list[Token]) -> list[str]:
    """The words tokens were read from, each once ("attorney general" gives two concepts, one text)."""
    out: list[str] = []
    last = None
    for token in tokens:
        if token[2] != last:
            out.extend(token[2].split())
            last = token[2]
    return out


#: Words an acronym may pass over inside the name it shortens: FGJEM = Fiscalía General de Justicia del
#: Estado de México.
_SKIPPABLE = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "of", "the", "and", "for", "en"})


@functools.lru_cache(maxsize=100_000)
def _covers(acronym: str, words: tuple[str, ...], first_word: bool = True) -> bool:
    if not words:
        return not acronym
    if not acronym:
        return False
    first = words[0]
    for k in range(min(len(first), 3, len(acronym)), 0, -1):
        if first.startswith(acronym[:k]) and _covers(acronym[k:], words[1:], False):
            return True
    return not first_word and len(words) > 1 and first in _SKIPPABLE and _covers(acronym, words[1:], False)


def covers_acronym(acronym: str, words: list[str]) -> bool:
    """Whether `acronym` spells the start of each of `words`, in order: SSP = Secretaría de Seguridad
    Pública, SEMAR = SEcretaría de MARina (syllable acronyms take up to three letters per word)."""
    if len(acronym) < 2 or len(words) < 2 or len(words) > 8:
        return False
    return _covers(acronym, tuple(words))


def acronym_window(acronym: str, words: list[str]) -> tuple[int, int] | None:
    """The first run words[i:j] (two words or more) that `acronym` spells, if any."""
    n = len(words)
    for i in range(n):
        if not words[i].startswith(acronym[:1]):
            continue
        for j in range(min(n, i + 8), i + 1, -1):
            if covers_acronym(acronym, words[i:j]):
                return i, j
    return None
