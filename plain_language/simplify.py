"""simplify(): reword, split and define a note, safely.

For every sentence of the note:

1. find the protected spans (numbers+units, dates, drugs, labs, negations);
2. split it if it is long, at safe points only (see sentences.py);
3. find glossary matches (abbreviations, jargon) that touch no protected span
   and fit their context (e.g. "bilateral" before a noun -> "left and right"),
   and reword.

The grade rule is about the NOTE, as the issue states it: the grade after is
never above the grade before.  Each split or rewording is kept when it does not
raise the note's grade (both the note grade we report, where a line break ends a
sentence, and textstat's grade of the whole text; see readability.py), and when
it leaves no new fragment (a sentence of one or two words).  The note's counts
are kept exactly, sentence by sentence, so trying an edit costs one sentence.

A few rewordings raise the grade although they make the note easier to read,
because the grade cannot see what was hard: an abbreviation ("SOB" counts as
one short word) or a medical word missing from the pronouncing dictionary
("phimosis" counts as one syllable).  Those are made afterwards, in reading
order, as long as the note as a whole still scores no higher than the original:
"Pt c/o SOB." alone stays as it is (and its abbreviations are defined), but in a
note that got easier it becomes "Patient reports shortness of breath."

Rounds repeat until one changes nothing; each round finds the sentences again
in the new text, as a second run would, so simplify(simplify(x).text).text ==
simplify(x).text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import NamedTuple

from .glossary import ONLY_BEFORE_NOUN, Entry, Glossary, load_glossary
from .language_rules import rules_for
from .protect import Protected, find_protected
from .readability import (Pieces, SentenceCounts, check_lang, fold_pieces, grade_from_counts,
                          sentence_counts, spoken_syllables_per_word, syllables_are_guessed)
from .sentences import MIN_PIECE_WORDS, sentence_spans, split_long_sentence, word_count

MAX_PASSES = 6


class Replacement(NamedTuple):
    original: str
    replacement: str
    kind: str           # "abbreviation", "jargon" or "split"


class Definition(NamedTuple):
    term: str
    definition: str


class Segment(NamedTuple):
    original: str       # one sentence of the input
    simplified: str     # what it became (may be several sentences)


@dataclass(frozen=True)
class Simplified:
    text: str
    replacements: tuple[Replacement, ...]
    definitions: tuple[Definition, ...]
    grade_before: float
    grade_after: float
    segments: tuple[Segment, ...]
    lang: str = "en"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["replacements"] = [list(r) for r in self.replacements]
        data["definitions"] = [list(d) for d in self.definitions]
        data["segments"] = [list(s) for s in self.segments]
        return data


# --------------------------------------------------------------------------- finding replacements

class _Candidate(NamedTuple):
    start: int
    end: int
    original: str
    plain: str | None   # None: a fixed name that only blocks shorter matches
    kind: str
    entry: Entry


_NON_LETTER = re.compile(r"[^A-Za-zÀ-ÿ]")
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_NEXT_SIZE = re.compile(r"\s+#?\d[\w./-]*\s+[^\W\d_]")     # "interrupted 3-0 Vicryl", "a 2 cm mass"
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")   # "an MRI", "an x-ray", "an LMP"


# Spanish adjectives that agree in gender, known by their endings ("intensa", "moderada",
# "crónica", "dolorosa") or listed; verbs that also end in -a ("empeora", "presenta") do not match.
_ES_AGREEING_ENDINGS = tuple(stem + end for stem in ("os", "ad", "id", "iv", "ic", "ens", "ud", "er", "us", "ient")
                             for end in ("o", "a", "os", "as"))
_ES_AGREEING_WORDS = frozenset("""alto alta altos altas bajo baja bajos bajas nuevo nueva nuevos nuevas
franco franca súbito súbita súbitos súbitas blanco blanca negro negra rojo roja seco seca secos secas
mismo misma""".split())
_ES_DEGREE_WORDS = frozenset("muy poco más menos tan bastante algo".split())


def _gendered_adjective_follows(sentence: str, end: int) -> bool:
    """Spanish: does an adjective that agrees with the term come next ("cefalea intensa")?

    Replacing a noun by a plain phrase of another gender ("cefalea" -> "dolor de cabeza") would
    leave it disagreeing ("dolor de cabeza intensa"); such a term is left as written and defined.
    """
    position = end
    for _ in range(3):
        m = _NEXT_WORD.match(sentence, position)
        if not m:
            return False
        word = m.group(1).lower()
        if word in _ES_DEGREE_WORDS:        # "cefalea muy intensa": look past "muy"
            position = m.end()
            continue
        return word in _ES_AGREEING_WORDS or (len(word) > 5 and word.endswith(_ES_AGREEING_ENDINGS))
    return False


def _before_noun(sentence: str, end: int, lang: str) -> bool:
    """Is the matched word followed by a noun-like word ("bilateral hernias")?"""
    m = _NEXT_WORD.match(sentence, end)
    if not m:
        return _NEXT_SIZE.match(sentence, end) is not None
    word = m.group(1).lower()
    rules = rules_for(lang)
    return not (word in rules.function_words or word.endswith("ly") or word in rules.negations)


# A plain phrase that opens with one of these can follow its noun ("x-ray during surgery").
_POSTPOSABLE_EN = re.compile(r"(?:before|after|during|under|into|between|behind|below|above|around|through"
                             r"|without|inside|outside|next to|near|within|of unknown)\s")
_LAST_WORD = re.compile(r"[\w'’-]+(?=\s*\Z)")
# Words after the noun that would join it to more ("postoperative pain and swelling": both were
# after surgery; "postoperative course of antibiotics"): then the modifier cannot move.
_JOINS_MORE = frozenset("of and or nor 's ’s".split())


def _noun_to_put_first(sentence: str, start: int, end: int, plain: str, lang: str) -> re.Match[str] | None:
    """For a modifier whose plain words only work after a noun ("intraoperative" -> "during
    surgery"): the one-word noun it modifies, when that noun ends the noun phrase; else None."""
    if lang != "en" or not _POSTPOSABLE_EN.match(plain):
        return None
    rules = rules_for(lang)
    before = _LAST_WORD.search(sentence, 0, start)
    if before and before.end() == len(sentence[:start].rstrip()) and before.group().lower() not in rules.function_words:
        return None     # "displaced intraarticular fracture": another word describes the noun too
    noun = _NEXT_WORD.match(sentence, end)
    if not noun:
        return None
    if noun.group(1).lower() in rules.function_words:
        return None
    rest = sentence[noun.end():]
    if not rest.strip() or rest[:1] in ",.;:)":
        return noun
    following = _NEXT_WORD.match(sentence, noun.end())
    if rest[:1].isspace() and following and following.group(1).lower() in rules.function_words \
            and following.group(1).lower() not in _JOINS_MORE:
        return noun     # "x-ray was taken", "tissue with 3-0 Vicryl"
    return None


@lru_cache(maxsize=None)
def _context_re(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _abbreviation_entry(rows: tuple[Entry, ...], sentence: str, start: int, end: int,
                        lang: str) -> Entry | None:
    """The first row whose context rule fits (rows are in file order)."""
    for entry in rows:
        when = entry.when
        if when.startswith("prev:") and not _context_re(when[5:] + r"\Z").search(sentence, 0, start):
            continue
        if when.startswith("next:") and not _context_re(when[5:]).match(sentence, end):
            continue
        if when == "not-before-noun" and _before_noun(sentence, end, lang):
            return None
        return entry
    return None


class _ProtectedOnDemand:
    """find_protected(text) worked out at the first question: a sentence with no
    glossary word in it never needs its protected spans here."""

    __slots__ = ("text", "lang", "_found")

    def __init__(self, text: str, lang: str):
        self.text, self.lang, self._found = text, lang, None

    def overlaps(self, start: int, end: int) -> bool:
        if self._found is None:
            self._found = find_protected(self.text, self.lang)
        return self._found.overlaps(start, end)


def _find_candidates(sentence: str, lang: str, glossary: Glossary,
                     protected: Protected | _ProtectedOnDemand) -> list[_Candidate]:
    found: list[_Candidate] = []
    if glossary.abbreviation_re is not None:
        for m in glossary.abbreviation_re.finditer(sentence):
            if protected.overlaps(m.start(), m.end()):
                continue
            entry = _abbreviation_entry(glossary.abbreviation_rows(m.group()), sentence,
                                        m.start(), m.end(), lang)
            if entry is not None:
                plain = None if entry.keeps else entry.plain
                found.append(_Candidate(m.start(), m.end(), m.group(), plain, "abbreviation", entry))
    if glossary.jargon_re is not None:
        for m in glossary.jargon_re.finditer(sentence):
            if protected.overlaps(m.start(), m.end()):
                continue
            entry = glossary.jargon_entry(m.group())
            if entry is None:
                continue
            plain: str | None = None
            if not entry.keeps:
                plain = entry.plain
                if entry.before_noun and _before_noun(sentence, m.end(), lang):   # cheap test first
                    plain = entry.before_noun
                if plain == ONLY_BEFORE_NOUN:
                    after = _noun_to_put_first(sentence, m.start(), m.end(), entry.plain, lang)
                    if after is None or protected.overlaps(m.start(), after.end()):
                        continue
                    # "intraoperative x-ray was taken" -> "x-ray during surgery was taken"
                    found.append(_Candidate(m.start(), after.end(), sentence[m.start():after.end()],
                                            f"{after.group(1)} {entry.plain}", "jargon", entry))
                    continue
                # A gender column means the plain phrase's gender differs from the term's.
                if entry.gender and lang == "es" and _gendered_adjective_follows(sentence, m.end()):
                    continue
            found.append(_Candidate(m.start(), m.end(), m.group(), plain, "jargon", entry))
    # Longest match wins where abbreviations and jargon overlap; fixed names block.
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[_Candidate] = []
    for cand in found:
        if chosen and cand.start < chosen[-1].end:
            continue
        chosen.append(cand)
    return [c for c in chosen if c.plain is not None]


# --------------------------------------------------------------------------- applying them

_WORD_CHAR = re.compile(r"\w")


def _match_case(cand: _Candidate, sentence: str) -> str:
    plain = cand.plain or ""
    # Each test looks only at what it needs (the whole sentence only for an abbreviation).
    if cand.kind == "jargon":
        letters = _NON_LETTER.sub("", cand.original)
        if len(letters) > 1 and letters.isupper():
            return plain.upper()
    elif cand.kind == "abbreviation":
        sentence_letters = _NON_LETTER.sub("", sentence)
        if len(sentence_letters) > 3 and sentence_letters.isupper():
            return plain.upper()                 # an ALL-CAPS heading stays all caps
    at_start = _WORD_CHAR.search(sentence, 0, cand.start) is None
    if (cand.kind == "jargon" and cand.original[:1].isupper()) or at_start:
        return plain[:1].upper() + plain[1:]
    return plain


_INITIALISM = re.compile(r"[A-Z]{2,5}\b")
_ARTICLE_EN = re.compile(r"(?<!\w)(an?)(\s+)\Z", re.IGNORECASE)


def _english_article(word: str) -> str:
    if _INITIALISM.match(word):                     # initialism: "an MRI", "a CT"
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(("one", "uni", "use", "usu", "ur", "ut", "eu")):
        return "a"
    if lower.startswith(("hour", "honest", "x-")):
        return "an"
    return "an" if lower[:1] in "aeiou" else "a"


_ES_ARTICLES = {
    "el": "def", "la": "def", "los": "def", "las": "def",
    "un": "indef", "una": "indef", "unos": "indef", "unas": "indef",
}
_ES_FORMS = {
    "def": {"m": "el", "f": "la", "mp": "los", "fp": "las"},
    "indef": {"m": "un", "f": "una", "mp": "unos", "fp": "unas"},
}


def _fix_article(sentence: str, cand: _Candidate, text: str, lang: str) -> tuple[int, str]:
    """Agree the article in front of a replacement: "an incision" -> "a cut"."""
    before = sentence[: cand.start]
    if lang == "en":
        if not before[-1:].isspace():
            return cand.start, text              # no space before the word: no article either
        # The article ends where the trailing white space starts: search only from there
        # (the look-behind still sees the text before the search position).
        m = _ARTICLE_EN.search(before, max(0, len(before.rstrip()) - 2))
        if not m:
            return cand.start, text
        article = _english_article(text.split()[0]) if text.split() else m.group(1)
        if article == m.group(1).lower():
            return cand.start, text
        if m.group(1)[0].isupper():
            article = article.capitalize()
        return m.start(), article + m.group(2) + text
    gender = cand.entry.gender
    if lang != "es" or not gender:
        return cand.start, text
    m = re.search(r"(?<!\w)(?:(de|a)\s+)?(el|la|los|las|un|una|unos|unas|del|al)(\s+)\Z",
                  before, re.IGNORECASE)
    if not m:
        return cand.start, text
    prep, article, space = m.group(1), m.group(2), m.group(3)
    lower = article.lower()
    if lower in ("del", "al"):
        prep, lower = ("de" if lower == "del" else "a"), "el"
    new = _ES_FORMS[_ES_ARTICLES[lower]][gender]
    if prep and new == "el":
        phrase = "del" if prep.lower() == "de" else "al"
    elif prep:
        phrase = f"{prep} {new}"
    else:
        phrase = new
    original_phrase = before[m.start():m.end() - len(space)]
    if phrase.lower() == " ".join(original_phrase.lower().split()):
        return cand.start, text
    if original_phrase[:1].isupper():
        phrase = phrase.capitalize()
    return m.start(), phrase + space + text


def _apply(sentence: str, candidates: list[_Candidate], lang: str) -> tuple[str, list[Replacement]]:
    out: list[str] = []
    replacements: list[Replacement] = []
    position = 0
    sentence_end = len(sentence.rstrip())
    for cand in candidates:
        text = _match_case(cand, sentence)
        if cand.original.endswith(".") and cand.end >= sentence_end:
            text += "."                              # "... b.i.d." ended the sentence
        start, text = _fix_article(sentence, cand, text, lang)
        start = max(start, position)
        out.append(sentence[position:start])
        out.append(text)
        position = cand.end
        replacements.append(Replacement(cand.original, cand.plain or "", cand.kind))
    out.append(sentence[position:])
    return "".join(out), replacements


# --------------------------------------------------------------------------- the note, sentence by sentence

def _no_new_fragments(original: str, new: str, lang: str) -> bool:
    if word_count(original) < MIN_PIECE_WORDS:
        return True
    return all(word_count(new[s:e]) >= MIN_PIECE_WORDS for s, e in sentence_spans(new, lang))


class _Unit:
    """One sentence of the note as it is now, with its textstat counts."""

    __slots__ = ("seg", "sep", "text", "counts")

    def __init__(self, seg: int, sep: str, text: str, counts: SentenceCounts):
        self.seg = seg          # which sentence of the original note it came from
        self.sep = sep          # text before it inside that original sentence ("" for the first)
        self.text = text
        self.counts = counts


def _chain_link(pieces: Pieces) -> bool:
    """Does textstat's current sentence run on past this one (no . ! ? at its end)?"""
    return pieces[2] or (not pieces[1] and not pieces[0])


class _Note:
    """The note being simplified, with its grade kept exactly up to date.

    Two grades are kept: the NOTE grade (a line break ends a sentence; see
    readability.note_readability), which simplify() reports, and textstat's own
    grade of the whole text.  Neither may rise.  Words and syllables are sums
    over sentences; the note grade's sentence count is a sum too, and textstat's
    is a fold over per-sentence summaries (readability.sentence_pieces).  So a
    trial edit of one sentence is scored by recounting that sentence only.
    """

    def __init__(self, text: str, lang: str):
        self.lang = lang
        self.glossary = load_glossary(lang)
        spans = sentence_spans(text, lang)
        self.gaps: list[str] = []
        self.originals: list[str] = []
        position = 0
        for start, end in spans:
            self.gaps.append(text[position:start])
            self.originals.append(text[start:end])
            position = end
        self.gaps.append(text[position:])
        self._counts: dict[str, SentenceCounts] = {}
        self.units = [_Unit(i, "", t, self.counts_of(t)) for i, t in enumerate(self.originals)]
        self.replacements: list[list[Replacement]] = [[] for _ in self.originals]
        self._splits: dict[str, list[str]] = {}
        self._candidates: dict[str, list[_Candidate]] = {}
        self._applied: dict[tuple, tuple[str, list[Replacement], bool]] = {}
        self.dirty: set[int] = set()
        self._recount()
        self.grade_before = self.grade
        self.text_grade_before = self.text_grade

    # ---------------------------------------------------------------- scoring
    def _recount(self) -> None:
        units = self.units
        self.words = sum(u.counts[0] for u in units)
        self.syllables = sum(u.counts[1] for u in units)
        self.line_sentences = sum(u.counts[3] for u in units)
        self.text_sentences = fold_pieces(u.counts[2] for u in units)
        self.grade = self._grade(self.words, self.line_sentences, self.syllables)
        self.text_grade = self._grade(self.words, self.text_sentences, self.syllables)

    def _grade(self, words: int, sentences: int, syllables: int) -> float:
        if not self.units:
            return 0.0
        return grade_from_counts(words, max(1, sentences), syllables, self.lang)

    def _window(self, i: int, new: list[SentenceCounts]) -> tuple[int, int]:
        """The run of sentences textstat may read as one around unit i."""
        units = self.units
        a = i
        while a > 0 and _chain_link(units[a - 1].counts[2]):
            a -= 1
        b = i
        if _chain_link(units[i].counts[2]) or _chain_link(new[-1][2]):
            while b + 1 < len(units):
                b += 1
                if not _chain_link(units[b].counts[2]):
                    break
        return a, b

    def trial(self, i: int, texts: list[str]):
        """(note grade, textstat grade, counts) if unit i became `texts` (1+ sentences)."""
        lang = self.lang
        new = [self.counts_of(t) for t in texts]
        old = self.units[i].counts
        words = self.words - old[0] + sum(c[0] for c in new)
        syllables = self.syllables - old[1] + sum(c[1] for c in new)
        lines = self.line_sentences - old[3] + sum(c[3] for c in new)
        a, b = self._window(i, new)
        window = [u.counts[2] for u in self.units[a:b + 1]]
        before = fold_pieces(window)
        window[i - a:i - a + 1] = [c[2] for c in new]
        text = self.text_sentences - before + fold_pieces(window)
        return self._grade(words, lines, syllables), self._grade(words, text, syllables), new

    def fits(self, grades, paid: bool = False) -> bool:
        """Free edits may not raise either grade; paid ones only stay within the original's."""
        grade, text_grade, _ = grades
        if paid:
            return grade <= self.grade_before + 1e-9 and text_grade <= self.text_grade_before + 1e-9
        return grade <= self.grade + 1e-9 and text_grade <= self.text_grade + 1e-9

    def commit(self, i: int, texts: list[str], grades) -> None:
        unit = self.units[i]
        new = grades[2]
        a, b = self._window(i, new)
        window = [u.counts[2] for u in self.units[a:b + 1]]
        before = fold_pieces(window)
        self.words += sum(c[0] for c in new) - unit.counts[0]
        self.syllables += sum(c[1] for c in new) - unit.counts[1]
        self.line_sentences += sum(c[3] for c in new) - unit.counts[3]
        self.units[i:i + 1] = [_Unit(unit.seg, unit.sep if k == 0 else " ", t, c)
                               for k, (t, c) in enumerate(zip(texts, new))]
        self.dirty.add(unit.seg)
        window[i - a:i - a + 1] = [c[2] for c in new]
        self.text_sentences += fold_pieces(window) - before
        self.grade, self.text_grade = grades[0], grades[1]

    # ---------------------------------------------------------------- what may change
    def split_of(self, text: str) -> list[str]:
        pieces = self._splits.get(text)
        if pieces is None:
            pieces = split_long_sentence(text, self.lang)
            self._splits[text] = pieces
            for piece in pieces:                 # split_long_sentence's pieces are fixpoints
                self._splits.setdefault(piece, [piece])
        return pieces

    def counts_of(self, text: str) -> SentenceCounts:
        counts = self._counts.get(text)
        if counts is None:
            counts = self._counts[text] = sentence_counts(text, self.lang)
        return counts

    def applied(self, text: str, chosen: list[_Candidate]) -> tuple[str, list[Replacement], bool]:
        """(new text, replacements, no new fragment) - remembered, as later rounds ask again."""
        key = (text, tuple(chosen))
        done = self._applied.get(key)
        if done is None:
            new_text, replaced = _apply(text, chosen, self.lang)
            done = self._applied[key] = (new_text, replaced, _no_new_fragments(text, new_text, self.lang))
        return done

    def candidates_of(self, text: str) -> list[_Candidate]:
        found = self._candidates.get(text)
        if found is None:
            found = _find_candidates(text, self.lang, self.glossary, _ProtectedOnDemand(text, self.lang))
            self._candidates[text] = found
        return found

    def _try_replace(self, i: int, chosen: list[_Candidate], paid: bool = False) -> bool:
        unit = self.units[i]
        new_text, replaced, whole = self.applied(unit.text, chosen)
        if new_text == unit.text or not whole:
            return False
        grades = self.trial(i, [new_text])
        if not self.fits(grades, paid):
            return False
        self.commit(i, [new_text], grades)
        self.replacements[unit.seg].extend(replaced)
        return True

    # ---------------------------------------------------------------- one round
    def free_round(self) -> bool:
        """Reword, then split, every sentence where that does not raise the note's grade."""
        changed = False
        lang = self.lang
        i = 0
        while i < len(self.units):
            unit = self.units[i]
            candidates = self.candidates_of(unit.text)
            if candidates:
                if self._try_replace(i, candidates):
                    changed = True
                elif len(candidates) > 1:
                    # Together they raise the grade: keep, in reading order, those that do not.
                    kept: list[_Candidate] = []
                    base = unit.text
                    for cand in candidates:
                        trial_text, _, whole = self.applied(base, kept + [cand])
                        if not whole:
                            continue
                        if self.fits(self.trial(i, [trial_text])):
                            kept.append(cand)
                    if kept and self._try_replace(i, kept):
                        changed = True
                unit = self.units[i]
            # Split after rewording: a plain phrase we wrote in ("left and right") is
            # never a split point (sentences._sentence_facts), and the split text is
            # what a second run would see.
            pieces = self.split_of(unit.text)
            if len(pieces) > 1:
                grades = self.trial(i, pieces)
                if self.fits(grades):
                    self.commit(i, pieces, grades)
                    self.replacements[unit.seg].append(Replacement(unit.text, " | ".join(pieces), "split"))
                    changed = True
            i += 1
        return changed

    def paid_round(self) -> bool:
        """Rewordings the grade cannot judge, although they raise it a little: an
        abbreviation spelled out ("SOB" -> "shortness of breath") or a word Pyphen
        under-counts ("hydrocele" -> "fluid around the testicle"; see _grade_cannot_see).
        In reading order, while the note as a whole still scores no higher than the
        original on both grades."""
        changed = False
        for i in range(len(self.units)):
            for cand in self.candidates_of(self.units[i].text):
                if cand.kind != "abbreviation" and not _grade_cannot_see(cand, self.lang):
                    continue
                if self._try_replace(i, [cand], paid=True):
                    changed = True
                    break           # positions moved: the next round looks again
        return changed

    def run(self) -> None:
        # Each round ends where a second simplify() would start: the sentences are
        # found again in the new text.  The last round changes nothing, which is
        # what makes simplify(simplify(x).text) == simplify(x).
        for _ in range(MAX_PASSES):
            for _ in range(MAX_PASSES):
                if not self.free_round():
                    break
                self.resplit_units()
            if not self.paid_round():
                break
            self.resplit_units()

    def resplit_units(self) -> None:
        """Find the sentences again in every original sentence that changed."""
        lang = self.lang
        dirty, self.dirty = self.dirty, set()
        units: list[_Unit] = []
        k = 0
        all_units = self.units
        while k < len(all_units):
            seg = all_units[k].seg
            end = k
            while end < len(all_units) and all_units[end].seg == seg:
                end += 1
            group = all_units[k:end]
            k = end
            if seg not in dirty:
                units.extend(group)
                continue
            text = self.segment_text(group)
            spans = sentence_spans(text, lang)
            if len(spans) == len(group) and all(text[a:b] == u.text for (a, b), u in zip(spans, group)):
                units.extend(group)
                continue
            position = 0
            for n, (a, b) in enumerate(spans):
                units.append(_Unit(seg, "" if n == 0 else text[position:a], text[a:b],
                                   self.counts_of(text[a:b])))
                position = b
        self.units = units
        self._recount()

    @staticmethod
    def segment_text(group: list[_Unit]) -> str:
        return "".join(u.sep + u.text for u in group)

    def result(self) -> tuple[str, list[Segment], list[Replacement]]:
        by_seg: dict[int, list[_Unit]] = {}
        for unit in self.units:
            by_seg.setdefault(unit.seg, []).append(unit)
        out: list[str] = []
        segments: list[Segment] = []
        for seg, original in enumerate(self.originals):
            new = self.segment_text(by_seg.get(seg, []))
            out.append(self.gaps[seg])
            out.append(new)
            segments.append(Segment(original, new))
        out.append(self.gaps[-1])
        replacements = [r for group in self.replacements for r in group]
        return "".join(out), segments, replacements


def _grade_cannot_see(cand: _Candidate, lang: str) -> bool:
    """Is a rise in grade from this rewording an artefact of the syllable count?

    Yes for a word the pronouncing dictionary does not know (Pyphen then counts
    "phimosis" as one syllable) whose plain words have no more syllables per word,
    counted as spoken: "hydrocele" -> "fluid around the testicle".  Not for
    "testis" -> "testicle", which really is longer.
    """
    return syllables_are_guessed(cand.original, lang) and (
        spoken_syllables_per_word(cand.plain or "", lang) <= spoken_syllables_per_word(cand.original, lang))


# --------------------------------------------------------------------------- definitions

def _definitions(text: str, lang: str) -> tuple[Definition, ...]:
    """Plain definitions for medical words still in the text, in reading order."""
    glossary = load_glossary(lang)
    found: dict[str, tuple[int, Definition]] = {}

    def add(position: int, term: str, definition: str) -> None:
        key = term.lower()
        if definition and key not in found:
            found[key] = (position, Definition(term, definition))

    for pattern in (glossary.definition_re, glossary.definition_caps_re):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            add(m.start(), m.group(), glossary.definition(m.group()) or "")
    # Glossary words the rewrite had to leave (before a noun, or the grade rose):
    # still tell the reader what they mean.
    if glossary.jargon_re is not None:
        for m in glossary.jargon_re.finditer(text):
            entry = glossary.jargon_entry(m.group())
            if entry and not entry.keeps:
                meaning = entry.before_noun if entry.plain == ONLY_BEFORE_NOUN else entry.plain
                add(m.start(), m.group(), meaning)
    if glossary.abbreviation_re is not None:
        for m in glossary.abbreviation_re.finditer(text):
            rows = glossary.abbreviation_rows(m.group())
            meaning = next((r.plain for r in rows if not r.keeps), "")
            add(m.start(), m.group(), glossary.definition(m.group()) or meaning)
    return tuple(d for _, d in sorted(found.values(), key=lambda item: item[0]))


# --------------------------------------------------------------------------- public API

def clear_sentence_caches() -> None:
    """Forget what was worked out for sentences seen before (benchmarks measure without).

    Per-word syllable counts and the compiled glossaries are kept: they are what a
    server that has been running for a while has anyway.
    """
    from .sentences import _looks_like_clause, _sentence_facts

    find_protected.cache_clear()
    _sentence_facts.cache_clear()
    _looks_like_clause.cache_clear()


def simplify(text: str, lang: str = "en") -> Simplified:
    """Rewrite a clinical note in plainer words and shorter sentences.

    Numbers, units, dates, drug and lab names and negations are kept; no
    sentence is dropped; the note's grade never goes up; running it twice
    changes nothing more.
    """
    lang = check_lang(lang)
    note = _Note(text, lang)
    note.run()
    simplified, segments, replacements = note.result()

    # The note's counts are kept exactly (tests check them against textstat), so its
    # grades before and after need no recount.  Neither may have risen.
    grade_before, grade_after = note.grade_before, note.grade
    if grade_after > grade_before + 1e-9 or note.text_grade > note.text_grade_before + 1e-9:
        # Cannot happen: every edit was checked against both; kept as a safety net.
        simplified, replacements, grade_after = text, [], grade_before
        segments = [Segment(s.original, s.original) for s in segments]
    return Simplified(
        text=simplified,
        replacements=tuple(replacements),
        definitions=_definitions(simplified, lang),
        grade_before=grade_before,
        grade_after=grade_after,
        segments=tuple(segments),
        lang=lang,
    )
